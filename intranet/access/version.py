"""A version of who may see what, moved in the same transaction as any change to it.

Search reads each reader's principals (the ACL values they hold: groups they may see or read,
conversations they take part in, inbox queues they work) on every request. Caching them across
requests is right only if a change can never be missed, so the invalidation is not left to each
action: every ORM flush or statement that writes a table those principals are read from adds an
``AccessChange`` row in the same transaction, whichever action (or future one) does it. The
newest row id is the version: it moves exactly when such a transaction commits.

Watched: memberships (joins, leaves, roles: a lead works their service's inbox), groups
(visibility, deletion), conversations and participants (joins, leaves), inbox agents,
departments (a service's group), and a user's ``is_admin`` or deletion. Writes that bypass the
ORM session (raw connections) must not touch these tables, with one exception: a message send
moves ``conversations.last_message_id``/``last_activity`` and the sender's
``participants.last_read_message_id`` by Core statements (``actions.messaging._write_message``);
no principal reads them, and they no longer move the version on every message.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from intranet.models import (
    AccessChange,
    Conversation,
    Department,
    Group,
    InboxAgent,
    Membership,
    Participant,
    User,
)
from intranet.platform import db

# Any insert or delete of these rows counts; an update only when it touches the listed columns
# (None: any column). A sent message moves its conversation's last message and the sender's read
# position many times a second: those must neither write a row nor empty the cache.
WATCHED: dict[type, frozenset[str] | None] = {
    Membership: None, InboxAgent: None,
    Group: frozenset({"visibility", "kind"}),
    Conversation: frozenset(),
    Participant: frozenset({"left_at", "user_id", "conversation_id"}),
    Department: frozenset({"group_id"}),
    User: frozenset({"is_admin"}),
}
WATCHED_TABLES = frozenset(cls.__tablename__ for cls in WATCHED)


def version(session: Session) -> int:
    """The committed version (what this session's next read sees); read on every search."""
    return db.read(_VERSION, s=session).scalar() or 0


_VERSION = select(func.max(AccessChange.id))


def _changes_access(obj: Any, written: bool) -> bool:
    """``written``: inserted or deleted; otherwise an update, judged by the columns it changed."""
    cls = next((c for c in WATCHED if isinstance(obj, c)), None)
    if cls is None:
        return False
    if written:
        return True
    state = inspect(obj)
    columns = WATCHED[cls]
    names = state.mapper.column_attrs.keys() if columns is None else columns
    return any(state.attrs[name].history.has_changes() for name in names)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    changed = any(_changes_access(o, True) for o in (*session.new, *session.deleted)) or any(
        _changes_access(o, False) for o in session.dirty if session.is_modified(o))
    if changed:
        session.add(AccessChange())


def _on_execute(state: ORMExecuteState) -> None:
    """Bulk ``insert``/``update``/``delete`` statements on a watched table (not flushes)."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in WATCHED_TABLES:
            state.session.add(AccessChange())


event.listen(Session, "before_flush", _before_flush)
event.listen(Session, "do_orm_execute", _on_execute)
