"""Helpers every action uses: validation of text, audit rows, search outbox rows."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from intranet.models import AuditLog, SearchOutbox, User, utcnow
from intranet.platform.db import insert_now
from intranet.platform.errors import Invalid
from intranet.platform.inputs import check_text
from intranet.search import note_outbox_written


def clean_text(value: Any, *, field: str, label: str, max_len: int, required: bool = True) -> str:
    """Strip; refuse non-strings, characters no column can store (``inputs.check_text``), empty
    (when required) and oversized values with clear words.

    ``field`` is the stable input name clients see in errors; ``label`` is the translated word
    a person reads in the message.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(_("%(field)s must be text.", field=label), field=field)
    value = check_text(value.strip(), field)
    if required and not value:
        raise Invalid(_("%(field)s cannot be empty.", field=label), field=field)
    if len(value) > max_len:
        raise Invalid(
            _("%(field)s is too long (%(n)d characters, at most %(max)d).",
              field=label, n=len(value), max=max_len),
            field=field,
        )
    return value


def audit(session: Session, actor: User | None, action: str, target_type: str,
          target_id: int | None, **data: Any) -> None:
    session.add(AuditLog(actor_id=actor.id if actor else None, action=action,
                         target_type=target_type, target_id=target_id, data=data))


def enqueue_index(session: Session, kind: str, object_id: int, op: str = "upsert") -> None:
    """Index work lands in the same transaction as the change: nothing is lost on a crash."""
    session.add(SearchOutbox(kind=kind, object_id=object_id, op=op))


def enqueue_index_now(session: Session, kind: str, object_id: int, op: str = "upsert") -> None:
    """``enqueue_index`` written at once by a Core ``INSERT`` (see ``db.insert_now``); the
    indexer thread is still woken after commit."""
    insert_now(session, SearchOutbox.__table__,
               {"kind": kind, "object_id": object_id, "op": op, "created_at": utcnow()})
    note_outbox_written(session)
