"""Engine, scoped session and the ``transaction()`` helper.

The session is scoped to the Flask app context (as Flask-SQLAlchemy does), so test code and the
requests it makes never share a session, and each socket/request thread gets its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from flask import Flask, current_app, has_app_context
from flask.globals import app_ctx
from sqlalchemy import Engine, Insert, Table, create_engine, event, insert
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from intranet.platform.sqlite import checkpoint

ENGINE_KEY = "intranet.engine"


class AppSession(Session):
    """A session that finds its engine on the current app, so several apps can coexist."""

    def get_bind(self, mapper=None, clause=None, **kw):
        return current_app.extensions[ENGINE_KEY]


def _scope() -> int:
    if has_app_context():
        return id(app_ctx._get_current_object())
    return threading.get_ident()


session: scoped_session[AppSession] = scoped_session(
    sessionmaker(class_=AppSession, expire_on_commit=False), scopefunc=_scope
)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


SQLITE_POOL_SIZE = 20  # connections kept open (SQLAlchemy's default: 5, with 10 more opened and closed)


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets WAL, a busy timeout and enforced foreign keys.

    SQLite keeps ``SQLITE_POOL_SIZE`` connections: with the default 5, every burst of socket
    handlers (a thousand clients reconnecting after a restart, each asking ``catch_up`` in its own
    thread) opened and closed up to 10 more connections again and again, each open running the
    pragmas below. An idle SQLite connection is a file handle; the overflow stays as before.
    The pool hands out the most recently returned connection (LIFO): each SQLite connection has
    its own page cache, which a commit by another connection empties, so cycling through all of
    them (FIFO) made nearly every request read its pages again (~0.2 ms per message sent with
    1,000 sockets open, bench/README.md, Messaging, Stop 9)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5},
                               pool_size=SQLITE_POOL_SIZE, max_overflow=10, pool_use_lifo=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def init_app(app: Flask) -> None:

    app.extensions[ENGINE_KEY] = make_engine(app.config["DATABASE_URL"])
    checkpoint.init_app(app, app.extensions[ENGINE_KEY])
    app.teardown_appcontext(lambda _exc: session.remove())


def engine() -> Engine:
    return current_app.extensions[ENGINE_KEY]


_COMMIT_ORDER = threading.RLock()  # re-entrant: an after-commit callback may commit again


@contextmanager
def transaction() -> Iterator[AppSession]:
    """Own one short write transaction: commit on success (which emits events), else roll back.

    Commit and the emits it triggers happen under one process-wide lock, so this process sends
    events in commit order, which SQLite makes the order of their ids (one writer at a time): a
    client whose cursor is the last ``event_id`` it saw can never have skipped a lower one that
    another thread emitted late. Only the commit is serialized, not the work before it. The last
    rows are flushed before the lock: a commit waiting in the lock for SQLite's write lock, held
    by a writer waiting for this lock, waited out the 5 s busy timeout and failed.
    """
    s = session()
    try:
        yield s
        s.flush()
        with _COMMIT_ORDER:
            s.commit()
    except BaseException:
        s.rollback()
        raise


@cache
def _insert(table: Table) -> Insert:
    return insert(table)


def read(statement: Any, params: dict[str, Any] | None = None, s: Session | None = None) -> Any:
    """Run a column ``SELECT`` as Core on the unit of work's connection; its rows.

    For built-once statements on a request's hot path (search): ``session.execute`` of such a
    statement adds ~20 µs of ORM bookkeeping and returns the same rows. Pending changes are
    flushed first, as ``session.execute``'s autoflush would, so the read sees them."""
    s = s or session()
    if s.autoflush:
        s.flush()
    return s.connection().execute(statement, params or {})


def insert_now(s: Session, table: Table, values: dict[str, Any]) -> int:
    """Write one row at once with a Core ``INSERT`` on the transaction's connection; its id.

    For the rows of the hottest write (a message, its event, its outbox row): an ORM unit of work
    cost ~1 ms per flush of a few rows, the statement itself ~0.1 ms. Nothing enters the session
    (callers that need an object build it, see ``actions.messaging``); column defaults still apply.
    """
    return s.connection().execute(_insert(table), values).inserted_primary_key[0]


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
