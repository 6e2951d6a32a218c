"""Ids that become visible in id order on PostgreSQL too: write transactions take turns.

Every cursor of the app ("events after id N", the search outbox, the access version) assumes that
once id N is visible, no id below N can appear later. SQLite's single writer gives that for free.
PostgreSQL does not: a sequence value is taken when a row is inserted, not when its transaction
commits, so a transaction that commits late makes a lower id appear *behind* a reader's cursor,
skipped for ever (seen: 10-15 of 788 events missed by followers of /api/v1/events with 4 writers).

So on PostgreSQL a transaction takes one advisory lock, ``pg_advisory_xact_lock``, just before
its first write, and holds it until it commits or rolls back: ids are then allocated in commit
order, as on SQLite. Taking it before the first write (never later) means no transaction ever
waits for the lock while holding row locks, so the lock cannot deadlock with them. It is taken
by the engine itself (``before_cursor_execute``), whatever path wrote: ORM flushes, Core
inserts, the inbox's bulk statements. Transactions that only read never take it.

The cost is what SQLite pays anyway: write transactions run one at a time (they are short: tens
of milliseconds at most); reads stay concurrent.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from sqlalchemy import Engine, event, exc

LOCK_KEY = 0x1A7E0001  # any constant: the one lock every write transaction takes in turn
HELD = "intranet.commit_order_held"
WRITES = ("insert", "update", "delete", "merge")


def install(engine: Engine) -> None:
    """Make every write transaction on ``engine`` take the commit-order lock first."""
    event.listen(engine, "before_cursor_execute", _before_write)
    for name in ("commit", "rollback"):
        event.listen(engine, name, _released)
    # A transaction may also end by the pool's reset when its connection is returned: the flag
    # lives on the pooled connection, so it must go with the lock.
    event.listen(engine.pool, "checkin", _forget)
    event.listen(engine.pool, "reset", _forget_on_reset)


def _before_write(conn: Any, cursor: Any, statement: str, _params: Any, _context: Any,
                  _executemany: bool) -> None:
    if conn.info.get(HELD) or not _writes(statement):
        return
    cursor.execute(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
    conn.info[HELD] = True


def _writes(statement: str) -> bool:
    """Looks at the head only, and for row locks at SQLAlchemy's upper-case ``FOR UPDATE``: every
    statement on PostgreSQL passes here, so no lower-case copy of a long SELECT is made."""
    head = statement.lstrip()[:7].lower()
    return head.startswith(WRITES) or (head.startswith("select") and "FOR UPDATE" in statement)


def _released(conn: Any) -> None:
    with suppress(exc.SQLAlchemyError):  # invalidated mid-transaction: its info went with it
        conn.info.pop(HELD, None)


def _forget(_dbapi_conn: Any, record: Any) -> None:
    if record is not None:
        record.info.pop(HELD, None)


def _forget_on_reset(dbapi_conn: Any, record: Any, _reset_state: Any) -> None:
    _forget(dbapi_conn, record)
