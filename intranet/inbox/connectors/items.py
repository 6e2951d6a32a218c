"""One incoming comment, as every connector hands it over: validated field by field.

A connector (webhook, feed, file) turns what it receives into plain dicts; ``parse_item`` checks
one and raises ``Invalid`` with a message for a person, so a batch can reject that item alone
(with its index or line number) and keep the others.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _

from intranet.inbox.rules.compute import Item
from intranet.models import utcnow
from intranet.platform.errors import Invalid
from intranet.platform.inputs import check_text, parse_int

MAX_TEXT = 10_000
MAX_FOLLOWERS = 2**31 - 1
LIMITS = {"external_id": 200, "author": 200, "author_url": 500, "url": 500, "lang": 8,
          "in_reply_to": 200}


def _string(raw: dict[str, Any], name: str, limit: int) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if type(value) is str and len(value) <= limit and not value[:1].isspace() and not value[-1:].isspace():
        return check_text(value, name)  # the common case, without the checks below
    if isinstance(value, (int, float)) and not isinstance(value, bool) and name in (
            "external_id", "in_reply_to"):
        value = str(value)  # numeric ids are common in exports
    if not isinstance(value, str):
        raise Invalid(_("%(name)s must be text.", name=name), field=name)
    value = check_text(value.strip(), name)
    if len(value) > limit:
        raise Invalid(_("%(name)s is too long (at most %(max)d characters).", name=name, max=limit),
                      field=name)
    return value


def _followers(value: Any) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, str) and value.strip():
        value = parse_int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Invalid(_("followers must be a whole number, 0 or more."), field="followers")
    return min(value, MAX_FOLLOWERS)  # an INTEGER column: PostgreSQL's holds 32 bits


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 (``Z`` or an offset; a naive time is taken as UTC), or a Unix timestamp."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        pass
    raise Invalid(_("posted_at must be a date and time such as 2026-11-26T10:30:00Z."),
                  field="posted_at")


def parse_item(raw: Any) -> Item:
    """A valid ``Item`` from a JSON object or CSV row, or ``Invalid`` naming the first problem."""
    if not isinstance(raw, dict):
        raise Invalid(_("Each comment must be an object."))
    external_id = _string(raw, "external_id", LIMITS["external_id"])
    if not external_id:
        raise Invalid(_("external_id is required."), field="external_id")
    text = _string(raw, "text", MAX_TEXT)
    if not text:
        raise Invalid(_("text is required."), field="text")
    return Item(external_id=external_id, text=text,
                author=_string(raw, "author", LIMITS["author"]),
                author_url=_string(raw, "author_url", LIMITS["author_url"]),
                followers=_followers(raw.get("followers")),
                url=_string(raw, "url", LIMITS["url"]),
                posted_at=parse_time(raw.get("posted_at")),
                lang=_string(raw, "lang", LIMITS["lang"]).lower()[:8],
                in_reply_to=_string(raw, "in_reply_to", LIMITS["in_reply_to"]))


def now() -> datetime:
    return utcnow()
