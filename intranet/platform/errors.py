"""Domain errors, raised by access functions and actions, mapped once to HTML or JSON.

Messages are written for a person: they end up on the page or in ``{"error": {...}}``.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(DomainError):
    status = 400
    code = "invalid"


class NotFound(DomainError):
    """Missing and hidden objects alike: never reveal that something exists."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The object is visible to the user, but this action on it is not theirs to take."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"
