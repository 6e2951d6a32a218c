"""The embedded default's engine: one SQLite file in WAL mode with a busy timeout, enforced
foreign keys and a LIFO pool (see ``sqlite_engine``)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


SQLITE_POOL_SIZE = 20  # connections kept open (SQLAlchemy's default: 5, with 10 more opened and closed)


def sqlite_engine(url: str) -> Engine:
    """SQLite with WAL, a busy timeout and enforced foreign keys.

    SQLite keeps ``SQLITE_POOL_SIZE`` connections: with the default 5, every burst of socket
    handlers (a thousand clients reconnecting after a restart, each asking ``catch_up`` in its own
    thread) opened and closed up to 10 more connections again and again, each open running the
    pragmas above. An idle SQLite connection is a file handle; the overflow stays as before.
    The pool hands out the most recently returned connection (LIFO): each SQLite connection has
    its own page cache, which a commit by another connection empties, so cycling through all of
    them (FIFO) made nearly every request read its pages again (~0.2 ms per message sent with
    1,000 sockets open, bench/JOURNAL.md, Messaging, Stop 9)."""
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5},
                           pool_size=SQLITE_POOL_SIZE, max_overflow=10, pool_use_lifo=True)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine
