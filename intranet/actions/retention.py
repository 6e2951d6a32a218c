"""Retention of personal data: the settings (how many days) and the erasure of old messages.

The inbox's customers' data is redacted by the inbox app (``inbox.actions.retention``); both run
from the scheduled job ``inbox.workers.retention``. A period of ``None`` keeps data for ever.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet.actions.common import audit
from intranet.actions.messaging import erase_message
from intranet.models import Message, RetentionSettings, User, utcnow
from intranet.platform.errors import Invalid

MAX_DAYS = 36500
SETTINGS_ID = 1


def retention_settings(session: Session) -> RetentionSettings:
    """The one settings row (made on first use: nothing kept for less than for ever by default)."""
    row = session.get(RetentionSettings, SETTINGS_ID)
    if row is None:
        row = RetentionSettings(id=SETTINGS_ID)
        session.add(row)
        session.flush()
    return row


def _days(value: object, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise Invalid(_("%(name)s must be a number of days between 1 and %(max)d, or empty (kept for ever).",
                        name=field, max=MAX_DAYS), field=field)
    return value


def do_set_retention(session: Session, *, inbox_days: object, message_days: object,
                     acting_user: User) -> RetentionSettings:
    row = retention_settings(session)
    row.inbox_days, row.message_days = _days(inbox_days, "inbox_days"), _days(message_days, "message_days")
    row.updated_by_id, row.updated_at = acting_user.id, utcnow()
    audit(session, acting_user, "retention.update", "retention", row.id, inbox_days=row.inbox_days,
          message_days=row.message_days)
    return row


def erase_old_messages(session: Session, before: datetime, limit: int) -> int:
    """Erase up to ``limit`` messages written before ``before`` (as deleted messages: the place
    shows "message deleted", the text and files are gone); how many."""
    rows = session.scalars(select(Message).where(Message.created_at < before, Message.deleted_at.is_(None))
                           .order_by(Message.id).limit(limit)).all()
    for message in rows:
        erase_message(session, message)
    return len(rows)
