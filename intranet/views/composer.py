"""The composer's optional parts: question, poll, publication later. Read from the page's form
(``poll_options`` one per line, local ``datetime-local`` times) or from JSON (``poll`` object,
ISO times), turned into what the actions take; every problem an ``Invalid`` naming its field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import get_timezone
from flask_babel import gettext as _

from intranet.actions.poll_spec import PollSpec, parse_poll
from intranet.actions.scheduling import parse_publish_at
from intranet.platform.errors import Invalid
from intranet.views.common import truthy


@dataclass(frozen=True)
class ComposerOptions:
    kind: str | None = None
    poll: PollSpec | None = None
    publish_at: datetime | None = None


def local_time(value: object, field: str) -> str | None:
    """A ``datetime-local`` value ("2026-12-08T09:30") is the reader's wall-clock time: give it
    the reader's time zone, as ISO 8601 for the actions. Times with an offset pass unchanged."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise Invalid(_("%(name)s must be a date and time (ISO 8601).", name=field), field=field)
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(_("%(name)s must be a date and time (ISO 8601).", name=field), field=field) from None
    if when.tzinfo is None:
        zone = get_timezone()
        when = zone.localize(when) if hasattr(zone, "localize") else when.replace(tzinfo=zone)
    return when.astimezone(UTC).isoformat()


def _poll_from_form(data: Any) -> dict[str, Any]:
    lines = data.get("poll_options") or ""
    if not isinstance(lines, str):
        raise Invalid(_("poll.options must be a list of texts."), field="poll.options")
    return {"options": lines.splitlines(), "multiple": truthy(data.get("poll_multiple")),
            "votes_shown": truthy(data.get("poll_votes_shown")),
            "closes_at": local_time(data.get("poll_closes_at"), "poll.closes_at")}


def options_from(data: Any) -> ComposerOptions:
    """``kind`` ("post", "question", "poll"), the poll (JSON ``poll`` or the form's ``poll_*``
    fields when ``kind`` is "poll"), and ``publish_at`` when the post is for later."""
    kind = data.get("kind") or None
    raw_poll = data.get("poll") if isinstance(data, dict) else None
    if raw_poll is None and kind == "poll":
        raw_poll = _poll_from_form(data)
    poll = parse_poll(raw_poll) if raw_poll is not None else None
    when = local_time(data.get("publish_at"), "publish_at")
    return ComposerOptions(kind=None if kind == "poll" else kind, poll=poll,
                           publish_at=parse_publish_at(when) if when else None)
