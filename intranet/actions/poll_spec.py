"""A poll's rules as asked for (the API's ``poll`` object, the composer's fields), checked once,
and written with its post. Separate from ``polls`` so ``posts`` can use it without a cycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from intranet.models import Poll, PollOption, Post, utcnow
from intranet.platform.errors import Invalid

MIN_OPTIONS, MAX_OPTIONS, MAX_LABEL = 2, 10, 200
MAX_DAYS = 366


@dataclass(frozen=True)
class PollSpec:
    """A poll as asked for, already checked: 2-10 distinct labels, a closing time in the future."""

    options: tuple[str, ...]
    multiple: bool = False
    votes_shown: bool = False
    closes_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {"options": list(self.options), "multiple": self.multiple, "votes_shown": self.votes_shown,
                "closes_at": self.closes_at.isoformat() if self.closes_at else None}


def parse_poll(raw: object, *, now: datetime | None = None) -> PollSpec:
    """``{"options": [...], "multiple": bool, "votes_shown": bool, "closes_at": ISO 8601}``, from
    the API or the composer: every problem is an ``Invalid`` naming the field (a 400, never a 500)."""
    if not isinstance(raw, dict):
        raise Invalid(_("poll must be an object with options."), field="poll")
    options = raw.get("options")
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        raise Invalid(_("poll.options must be a list of texts."), field="poll.options")
    labels = [" ".join(o.split()) for o in options]
    labels = [label for label in labels if label]
    if not MIN_OPTIONS <= len(labels) <= MAX_OPTIONS:
        raise Invalid(_("A poll needs between %(low)d and %(high)d options.", low=MIN_OPTIONS,
                        high=MAX_OPTIONS), field="poll.options")
    if any(len(label) > MAX_LABEL for label in labels):
        raise Invalid(_("An option is at most %(n)d characters long.", n=MAX_LABEL), field="poll.options")
    if len({label.casefold() for label in labels}) != len(labels):
        raise Invalid(_("Two options say the same thing."), field="poll.options")
    flags = {}
    for name in ("multiple", "votes_shown"):
        value = raw.get(name, False)
        if not isinstance(value, bool):
            raise Invalid(_("%(name)s must be true or false.", name=f"poll.{name}"), field=f"poll.{name}")
        flags[name] = value
    return PollSpec(tuple(labels), closes_at=parse_closing(raw.get("closes_at"), now=now), **flags)


def parse_closing(value: object, *, now: datetime | None = None,
                  field: str = "poll.closes_at") -> datetime | None:
    """An ISO 8601 time with its offset (or UTC ``Z``), later than now and within a year."""
    if value in (None, ""):
        return None
    when = parse_time(value, field)
    now = now or utcnow()
    if when <= now:
        raise Invalid(_("The closing time must be in the future."), field=field)
    if when > now + timedelta(days=MAX_DAYS):
        raise Invalid(_("The closing time must be within a year."), field=field)
    return when


def parse_time(value: object, field: str) -> datetime:
    """ISO 8601; a time without an offset is read as UTC (forms send the reader's local time
    with its offset added by the page's script, the API says what it means)."""
    if not isinstance(value, str):
        raise Invalid(_("%(name)s must be a date and time (ISO 8601).", name=field), field=field)
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(_("%(name)s must be a date and time (ISO 8601).", name=field), field=field) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def create_poll(session: Session, post: Post, spec: PollSpec) -> Poll:
    """Part of writing the post (``do_create_post``): the rules and the options, in order."""
    poll = Poll(post_id=post.id, multiple=spec.multiple, votes_shown=spec.votes_shown,
                closes_at=spec.closes_at)
    session.add(poll)
    session.flush()
    session.add_all([PollOption(post_id=post.id, position=i, label=label)
                     for i, label in enumerate(spec.options)])
    return poll
