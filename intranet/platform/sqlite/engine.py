"""The embedded default's engine: one SQLite file in WAL mode with a busy timeout, enforced
foreign keys and a LIFO pool (see ``sqlite_engine``)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url


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
    database = make_url(url).database
    tighten(database)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5},
                           pool_size=SQLITE_POOL_SIZE, max_overflow=10, pool_use_lifo=True)
    event.listen(engine, "do_connect", lambda *_args: create_private(database))
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _files(database: str | None) -> list[Path]:
    """The database and its companions on disk (none for an in-memory database)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return []
    path = Path(database)
    return [path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))]


def create_private(database: str | None) -> None:
    """Before each connection: a database not there yet is created empty (a valid new database)
    and readable by the service's user only (0600). SQLite gives its ``-wal`` and ``-shm``
    files the database file's own permissions, so they follow. O_EXCL: an existing database is
    never opened here, since closing any descriptor of a file drops every POSIX lock this
    process holds on it, SQLite's included."""
    for path in _files(database)[:1]:
        with contextlib.suppress(FileExistsError, FileNotFoundError):  # no folder: SQLite says so
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def tighten(database: str | None) -> None:
    """A database (and its log) left readable by others by an older version: 0600 at start (it
    holds password hashes and webhook secrets)."""
    for path in _files(database):
        try:
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue
