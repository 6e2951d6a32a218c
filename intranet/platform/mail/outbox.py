"""Claiming and settling mail outbox rows: each mail goes out once across senders and restarts.

A sender claims due rows (pending and due, or ``sending`` whose lease ran out: a sender that
died mid-round) by writing its round's token and a lease into them, in one short transaction.
On PostgreSQL the rows are picked with ``SELECT ... FOR UPDATE SKIP LOCKED``, so concurrent
senders take different rows without waiting; on SQLite the claim runs in ``BEGIN IMMEDIATE``
(one writer at a time, the read inside the write lock). Settling a row checks the token: a
sender whose lease ran out cannot overwrite what the next claimer did.

What no outbox can promise: a sender that dies after the SMTP server accepted a mail and before
marking it sent leaves it to be sent again when the lease ends. The Message-ID is stable per row,
so receiving servers and clients can drop the duplicate.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select, update

from intranet.models import MailOutbox, MailStatus, utcnow
from intranet.platform import db
from intranet.platform.sqlite.immediate import immediate_connection

T = MailOutbox.__table__


@dataclass(frozen=True)
class Claimed:
    """One claimed row, detached from any session (the send happens outside a transaction)."""

    id: int
    created_at: datetime
    to_addr: str
    subject: str
    text: str
    html: str | None
    headers: dict[str, str]
    attempts: int


@contextmanager
def _writing() -> Iterator[Connection]:
    engine = db.engine()
    if engine.dialect.name == "sqlite":
        with immediate_connection(engine) as conn:
            yield conn
    else:
        with engine.begin() as conn:
            yield conn


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(and_(T.c.status == MailStatus.PENDING, T.c.next_attempt_at <= now),
               and_(T.c.status == MailStatus.SENDING, T.c.lease_until < now))


def claim(limit: int, lease_seconds: float) -> tuple[str, datetime, list[Claimed]]:
    """Claim up to ``limit`` due rows for ``lease_seconds``: (token, lease end, rows by id)."""
    token = uuid.uuid4().hex
    now = utcnow()
    lease = now + timedelta(seconds=lease_seconds)
    with _writing() as conn:
        # The ids first, then the UPDATE: as a subquery of the UPDATE, PostgreSQL may run the
        # LIMIT ... SKIP LOCKED select more than once and claim more than ``limit`` rows.
        pick = select(T.c.id).where(_due(now)).order_by(T.c.id).limit(limit)
        if conn.dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        ids = list(conn.scalars(pick))
        if not ids:
            return token, lease, []
        conn.execute(update(T).where(T.c.id.in_(ids))
                     .values(status=MailStatus.SENDING, claim=token, lease_until=lease,
                             attempts=T.c.attempts + 1))
        rows = conn.execute(select(T.c.id, T.c.created_at, T.c.to_addr, T.c.subject, T.c.text,
                                   T.c.html, T.c.headers, T.c.attempts)
                            .where(T.c.claim == token).order_by(T.c.id)).all()
    return token, lease, [Claimed(r.id, r.created_at, r.to_addr, r.subject, r.text, r.html,
                                  dict(r.headers or {}), r.attempts) for r in rows]


def mark_sent(token: str, row_id: int) -> bool:
    """The SMTP server accepted the mail. False if the claim was lost (lease ran out)."""
    with _writing() as conn:
        return conn.execute(update(T).where(T.c.id == row_id, T.c.claim == token)
                            .values(status=MailStatus.SENT, sent_at=utcnow(), claim=None,
                                    lease_until=None, last_error=None)).rowcount == 1


def mark_failed(token: str, row_id: int, error: str, *, retry_at: datetime | None) -> None:
    """A try failed: back to pending until ``retry_at``, or FAILED for good when None."""
    status = MailStatus.PENDING if retry_at is not None else MailStatus.FAILED
    with _writing() as conn:
        conn.execute(update(T).where(T.c.id == row_id, T.c.claim == token)
                     .values(status=status, next_attempt_at=retry_at or utcnow(), claim=None,
                             lease_until=None, last_error=error[:500]))


def release(token: str, row_ids: list[int]) -> None:
    """Give back rows this round claimed but will not try (lease nearly over, shutting down);
    the try they were counted for is taken back."""
    if not row_ids:
        return
    with _writing() as conn:
        conn.execute(update(T).where(T.c.id.in_(row_ids), T.c.claim == token)
                     .values(status=MailStatus.PENDING, claim=None, lease_until=None,
                             attempts=T.c.attempts - 1))


def counts() -> dict[str, int]:
    """Rows per status (``flask mail status``, the admin page)."""
    with db.engine().connect() as conn:
        rows = conn.execute(select(T.c.status, func.count()).group_by(T.c.status)).all()
    found = {MailStatus(s).value: n for s, n in rows}
    return {status.value: found.get(status.value, 0) for status in MailStatus}


def latest(limit: int = 20) -> list[tuple[int, str, str, str, str, datetime]]:
    """The newest rows: (id, status, kind, to, subject, created at), for ``flask mail list``."""
    with db.engine().connect() as conn:
        rows = conn.execute(select(T.c.id, T.c.status, T.c.kind, T.c.to_addr, T.c.subject, T.c.created_at)
                            .order_by(T.c.id.desc()).limit(limit)).all()
    return [(r.id, MailStatus(r.status).value, r.kind, r.to_addr, r.subject, r.created_at) for r in rows]
