"""What the account and management views share: safe redirects, form replies, pages of rows.

Every view answers a browser (redirect + flash, or the page re-shown with its messages) and our
scripts (JSON, when ``web.wants_json()``) from the same code, through these few helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Response, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select
from sqlalchemy.exc import SQLAlchemyError

from intranet.models import User
from intranet.platform import db
from intranet.platform.errors import DomainError, Invalid
from intranet.platform.inputs import parse_int
from intranet.platform.web import error_response, json_body, wants_json

MAX_PAGE = 10_000


def me() -> User:
    """The signed-in user as a plain model object (not the proxy)."""
    return current_user._get_current_object()


def form_data() -> Any:
    """The submitted fields: a form from a page, or a JSON object from a script."""
    return json_body() if request.is_json else request.form


TRUE = frozenset({"1", "on", "true", "yes", True})


def truthy(value: Any) -> bool:
    """A checkbox or switch from a form ("1", "on"...) or JSON (``true``); a list or object
    from JSON is simply not true (``value in TRUE`` raised TypeError on them: 500)."""
    return isinstance(value, str | bool) and value in TRUE


def before_arg() -> int | None:
    """The keyset cursor ``?before=<id>``; anything but a positive integer is a clear 400."""
    raw = request.args.get("before", "")
    if not raw:
        return None
    before = parse_int(raw, low=1)
    if before is None:
        raise Invalid(_("The page cursor must be a positive number."), field="before")
    return before


def safe_next(value: object) -> str | None:
    """``value`` if it is a path on this site, else None: ``next`` must never leave the site."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(c) < 32 or ord(c) == 127 for c in value):
        return None  # browsers read "/\evil" as "//evil", and control characters get stripped
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None


def back_url(default: str) -> str:
    """Where a button returns: its ``next`` field, else the page it was on (same site), else default."""
    target = safe_next(request.values.get("next"))
    if target:
        return target
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        return safe_next(path) or default
    return default


def done(message: str | None, target: str, *, status: int = 200, **data: Any) -> Response:
    """Success: JSON for scripts, else flash the message and redirect (post/redirect/get)."""
    if wants_json():
        response = jsonify(**({"message": message} if message else {}), **data)
        response.status_code = status
        return response
    if message:
        flash(message, "success")
    return redirect(target)


def refused(exc: DomainError, target: str) -> Response:
    """A button's action was refused: scripts get the mapped error, people a flash on the page."""
    if wants_json():
        raise exc
    flash(exc.message, "error")
    return redirect(target)


def form_page(template: str, form: FlaskForm, *, status: int | None = None, **context: Any) -> Response:
    """The page with its form: 200 when first shown, 400 with the messages after an invalid post."""
    invalid = form.is_submitted() and bool(form.errors)
    if status is None:
        status = 400 if invalid else 200
    if invalid and wants_json():
        field, messages = next(iter(form.errors.items()))
        return error_response(status, "invalid", str(messages[0]), field)
    return make_response(render_template(template, form=form, **context), status)


def form_failed(template: str, form: FlaskForm, exc: DomainError, **context: Any) -> Response:
    """An action refused the form: show its message next to the field it names, or on top."""
    if wants_json():
        raise exc
    field = _field_named(form, exc.field)
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)
    return make_response(render_template(template, form=form, **context), exc.status)


def _field_named(form: FlaskForm, name: str | None) -> Any:
    """Actions name fields by attribute (``email``) or by their label (``Name``)."""
    if not name:
        return None
    for field in form:
        if name in (field.name, field.short_name) or str(field.label.text).lower() == name.lower():
            return field
    return None


@dataclass
class Page:
    """One page of rows; ``has_next`` comes from fetching one row more (no COUNT query)."""

    items: list[Any]
    number: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    def url(self, number: int) -> str:
        """The current page's URL (same filters) at another page number."""
        args = {**(request.view_args or {}), **request.args.to_dict(), "page": number}
        return url_for(request.endpoint or "", **args)


def page_number() -> int:
    return parse_int(request.args.get("page", "1"), low=1, high=MAX_PAGE) or 1


def paginate(stmt: Select, per_page: int) -> Page:
    number = page_number()
    rows = list(db.session.scalars(stmt.limit(per_page + 1).offset((number - 1) * per_page)))
    return Page(rows[:per_page], number, len(rows) > per_page)


T = TypeVar("T")


def frame_value(compute: Callable[[], T], fallback: T) -> T:
    """A value base.html shows on every page (badges, the live cursor): the fallback for
    visitors, and also when the database fails, so an error page caused by the database
    still renders its frame."""
    if not current_user.is_authenticated:
        return fallback
    try:
        return compute()
    except SQLAlchemyError:
        db.session.rollback()
        return fallback
