"""Typed request fields and query parameters for the API: the value, or a 400 naming the field.

Actions validate meaning (lengths, enums, permissions); these helpers only make sure a client
sent the right JSON type, so a wrong type never reaches an action or becomes a 500.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _

from intranet.platform import inputs
from intranet.platform.errors import Invalid
from intranet.views.common import me  # noqa: F401  (re-exported for the API views)


def query_int(name: str, *, default: int | None = None, low: int = 0, high: int | None = None) -> int | None:
    """An integer query parameter within [low, high] (see ``platform.inputs.query_int``)."""
    return inputs.query_int(name, default=default, low=low, high=high)


def query_flag(name: str) -> bool:
    """``?unread=1`` style switches: 1/true/yes/on are true, 0/false/no/off/absent are false."""
    raw = request.args.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise Invalid(_("%(name)s must be 1 or 0.", name=name), field=name)


def text(data: dict[str, Any], name: str, *, required: bool = False, default: str | None = None) -> Any:
    """A string field (the action checks emptiness and length); ``None`` when absent and optional."""
    value = data.get(name)
    if value is None:
        if required:
            raise Invalid(_("%(name)s is required.", name=name), field=name)
        return default
    if not isinstance(value, str):
        raise Invalid(_("%(name)s must be a string.", name=name), field=name)
    return value


def integer(data: dict[str, Any], name: str, *, required: bool = False) -> int | None:
    """An integer field (JSON booleans are not integers here, whatever Python thinks)."""
    value = data.get(name)
    if value is None:
        if required:
            raise Invalid(_("%(name)s is required.", name=name), field=name)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(_("%(name)s must be an integer.", name=name), field=name)
    return value


def boolean(data: dict[str, Any], name: str, *, default: bool | None = None) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        if value is None:
            raise Invalid(_("%(name)s is required.", name=name), field=name)
        raise Invalid(_("%(name)s must be true or false.", name=name), field=name)
    return value


def integer_list(data: dict[str, Any], name: str) -> list[int] | None:
    """A list of integers, or ``None`` when the field is absent."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
        raise Invalid(_("%(name)s must be a list of integers.", name=name), field=name)
    return value
