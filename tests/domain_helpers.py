"""Small helpers for domain tests: run one action in a real transaction and see what it changed.

``act`` opens ``app.app_context()`` and ``db.transaction()`` like a view does, and after the commit
fills a ``Changes`` with exactly what this unit of work produced: the events emitted (with their
rooms), the search outbox rows, the audit rows and the notifications written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from intranet.actions.users import do_create_user
from intranet.models import AuditLog, Event, Notification, SearchOutbox
from intranet.platform import db
from intranet.platform.events import COMPANY_ROOM, user_room

TRACKED = (SearchOutbox, AuditLog, Notification, Event)


@dataclass
class Changes:
    events: list[dict] = field(default_factory=list)
    outbox: list[tuple[str, int, str]] = field(default_factory=list)
    audits: list[tuple[str, str, int | None, dict]] = field(default_factory=list)
    notes: list[tuple[int, str, int | None]] = field(default_factory=list)  # (user_id, kind, post_id)
    rows: list[Event] = field(default_factory=list)  # Event rows written

    def of(self, type_: str) -> list[dict]:
        return [e for e in self.events if e["type"] == type_]

    def one(self, type_: str) -> dict:
        found = self.of(type_)
        assert len(found) == 1, f"expected one {type_!r} event, got {found}"
        return found[0]

    def reaching(self, user: Any) -> list[dict]:
        """Every event that went to this person's room."""
        return [e for e in self.events if user_room(user.id) in e["rooms"]]

    def notified(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for uid, kind, _post in self.notes:
            out.setdefault(uid, []).append(kind)
        return out


def rooms(*users: Any) -> set[str]:
    return {user_room(u.id) for u in users}


COMPANY = {COMPANY_ROOM}


def fresh(s: Any, obj: Any) -> Any:
    """The cast's detached objects, re-read in this session."""
    return s.get(type(obj), obj.id)


@contextmanager
def act(app: Flask, captured: list[dict]) -> Iterator[tuple[Any, Changes]]:
    """One action in one committed transaction; ``Changes`` is filled after the commit."""
    changes = Changes()
    with app.app_context():
        s = db.session()
        marks = {m: s.scalar(select(func.max(m.id))) or 0 for m in TRACKED}
        del captured[:]
        with db.transaction() as s:
            yield s, changes
        changes.events = list(captured)

        def since(model: Any) -> list[Any]:
            return list(s.scalars(select(model).where(model.id > marks[model]).order_by(model.id)))

        changes.outbox = [(r.kind, r.object_id, r.op) for r in since(SearchOutbox)]
        changes.audits = [(r.action, r.target_type, r.target_id, r.data) for r in since(AuditLog)]
        changes.notes = [(n.user_id, n.kind.value, n.post_id) for n in since(Notification)]
        changes.rows = since(Event)


def make_user(app: Flask, email: str, name: str = "Someone", *, department: Any = None) -> Any:
    """One more colleague, created through the real action (detached, like the cast)."""
    with app.app_context(), db.transaction() as s:
        dept = fresh(s, department) if department is not None else None
        return do_create_user(s, email, name, "correct horse 42", department=dept)
