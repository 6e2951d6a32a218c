"""A write transaction on one raw SQLite connection, for the hottest SQLite-only writes.

SQLAlchemy's session and transaction bookkeeping cost more than the few statements of a webhook
batch; ``write_connection`` hands over the DB-API connection of a pooled one inside
``BEGIN IMMEDIATE`` and commits (or rolls back) around the caller's statements. The portable twin
is the caller's ordinary ``db.transaction()`` path, which every other backend takes.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

BUSY_POLL = 0.0003  # seconds between looks at SQLite's write lock held by another process


BUSY_SECONDS = 5  # as the engine's busy timeout (db.py)


def begin_immediate(conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``, looking again every ``BUSY_POLL`` seconds while another process (the
    inbox or search worker) holds SQLite's write lock, for up to ``BUSY_SECONDS``.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25... ms between looks: a worker's
    transaction of ~10 ms cost the intake ~18 ms, and meanwhile every request thread of the
    server waits for this one (measured under the bench: 20-30 % of the time). Looking often
    costs a few microseconds a look."""
    deadline = time.monotonic() + BUSY_SECONDS
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(BUSY_POLL)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000:.0f}")


@contextmanager
def write_connection(engine: Engine) -> Iterator[sqlite3.Connection]:
    """The raw connection of a pooled one, in ``BEGIN IMMEDIATE``; committed when the block ends,
    rolled back if it raises, returned to the pool either way."""
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        begin_immediate(conn)
        yield conn
        conn.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.close()


@contextmanager
def immediate_connection(engine: Engine) -> Iterator[Connection]:
    """A SQLAlchemy connection in ``BEGIN IMMEDIATE``: a read-then-write (a claim of outbox rows)
    takes SQLite's write lock before it reads, so it never fails with a stale snapshot halfway
    and two processes take turns instead of both reading the same rows. Committed when the
    block ends, rolled back if it raises."""
    with engine.connect() as conn:
        transaction = conn.begin()  # no SQL on pysqlite: SQLite's own BEGIN is ours, below
        try:
            begin_immediate(conn.connection.driver_connection)
            yield conn
            transaction.commit()
        except BaseException:
            transaction.rollback()
            raise
