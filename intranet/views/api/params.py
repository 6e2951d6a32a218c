"""Typed request fields and query parameters for the API: the value, or a 400 naming the field.

Actions validate meaning (lengths, enums, permissions); these helpers only make sure a client
sent the right JSON type, so a wrong type never reaches an action or becomes a 500.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import request
from flask_babel import gettext as _

from intranet.platform import inputs
from intranet.platform.errors import Invalid
from intranet.queries.feed import MAX_LIMIT
from intranet.queries.keyset import Key
from intranet.views.common import me  # noqa: F401  (re-exported for the API views)


def query_int(name: str, *, default: int | None = None, low: int = 0, high: int | None = None) -> int | None:
    """An integer query parameter within [low, high] (see ``platform.inputs.query_int``)."""
    return inputs.query_int(name, default=default, low=low, high=high)


# A keyset cursor as the client sees it: microseconds since 1970 (UTC) and an id, "<µs>-<id>".
CURSOR = re.compile(r"([0-9]{1,16})-([0-9]{1,10})")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def cursor_of(key: Key | None) -> str | None:
    """A page's ``next_cursor``: digits only, so it needs no escaping in a query string."""
    return None if key is None else f"{(key.at - _EPOCH) // _MICROSECOND}-{key.id}"


def query_cursor(name: str = "cursor") -> Key | None:
    """The previous page's ``next_cursor`` back as a key; absent: the first page; else a 400."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    match = CURSOR.fullmatch(raw)
    key_id = inputs.parse_int(match[2], low=1) if match else None
    if match is None or key_id is None:
        raise Invalid(_("%(name)s must be the previous page's next_cursor.", name=name), field=name)
    return Key(_EPOCH + int(match[1]) * _MICROSECOND, key_id)


def keyset_window() -> tuple[Key | None, int]:
    """``?cursor=&limit=`` of a keyset-paged list (``limit`` as the feed's: 1 to 100, 20)."""
    return query_cursor(), query_int("limit", default=20, low=1, high=MAX_LIMIT)


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
