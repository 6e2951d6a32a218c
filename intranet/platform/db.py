"""Engine, scoped session and the ``transaction()`` helper.

The session is scoped to the Flask app context (as Flask-SQLAlchemy does), so test code and the
requests it makes never share a session, and each socket/request thread gets its own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from flask import Flask, current_app, has_app_context
from flask.globals import app_ctx
from sqlalchemy import Engine, Insert, Table, create_engine, insert
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from intranet.platform.postgres import commit_order
from intranet.platform.sqlite import checkpoint
from intranet.platform.sqlite.engine import sqlite_engine

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


def make_engine(url: str, *, pool_size: int = 20, max_overflow: int = 10,
                pool_timeout: float = 10.0) -> Engine:
    """Create the engine: SQLite through ``platform.sqlite.engine`` (WAL, busy timeout, foreign
    keys, a LIFO pool); PostgreSQL with pre-ping, a pool sized by ``DATABASE_POOL_*`` and ids in
    commit order (``platform.postgres.commit_order``), which every cursor of the app relies on."""
    if url.startswith("sqlite"):
        return sqlite_engine(url)
    engine = create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow,
                           pool_timeout=pool_timeout, pool_use_lifo=True)
    if engine.dialect.name == "postgresql":
        commit_order.install(engine)
    return engine


def init_app(app: Flask) -> None:

    config = app.config
    app.extensions[ENGINE_KEY] = make_engine(
        config["DATABASE_URL"], pool_size=int(config.get("DATABASE_POOL_SIZE", 20)),
        max_overflow=int(config.get("DATABASE_MAX_OVERFLOW", 10)),
        pool_timeout=float(config.get("DATABASE_POOL_TIMEOUT", 10.0)))
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


def conflict_insert(dialect: str) -> Callable[[Table], Any]:
    """The ``insert`` that knows ``ON CONFLICT`` for a dialect name: SQLite and PostgreSQL spell
    it alike, through their own constructs."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def insert_or_ignore(s: Session, table: Table, keys: list[str]) -> Insert:
    """``INSERT ... ON CONFLICT (keys) DO NOTHING`` in the session's dialect: a row two
    transactions create at the same moment (a new #topic) is written once, and neither fails on
    the unique constraint."""
    return conflict_insert(s.get_bind().dialect.name)(table).on_conflict_do_nothing(index_elements=keys)


def busy(exc: BaseException) -> bool:
    """The database is overloaded, not broken: SQLite's write lock held past the busy timeout,
    or no pooled connection free in time. Worth retrying, never worth a 500."""
    if isinstance(exc, sa_exc.TimeoutError):  # QueuePool limit reached
        return True
    return isinstance(exc, sa_exc.OperationalError) and "database is locked" in str(exc.orig)


def log_round_failure(logger: logging.Logger, exc: BaseException, message: str, *args: Any) -> None:
    """A background round (scheduler, sender, indexer) failed and the next round tries again: a
    busy database is then a warning of one line, anything else keeps its traceback. Under load
    SQLite's write lock was held past the busy timeout now and then, and its traceback in the
    server's log read as a fault (and failed the browser tests' clean-log check)."""
    if busy(exc):
        logger.warning(message + " (database busy: %s)", *args, exc)
    else:
        logger.exception(message, *args, exc_info=exc)
