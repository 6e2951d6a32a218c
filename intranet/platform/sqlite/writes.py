"""One ingest write transaction at a time per process, on SQLite.

SQLite has a single writer: concurrent webhook threads that all start writing wait in SQLite's
busy handler, which sleeps in growing steps (up to 100 ms) and measured p99 latencies of half a
second under load. Queueing the threads on a mutex first hands the write lock over at once.
PostgreSQL takes row locks and needs none of this.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from intranet.platform import db

_LOCK = threading.Lock()


def sqlite_lock() -> threading.Lock | None:
    """The ingest writers' mutex, on SQLite (for code that runs its own DB-API transaction)."""
    return _LOCK if db.engine().dialect.name == "sqlite" else None


@contextmanager
def ingest_transaction() -> Iterator[db.AppSession]:
    if db.engine().dialect.name != "sqlite":
        with db.transaction() as s:
            yield s
        return
    with _LOCK, db.transaction() as s:
        yield s
