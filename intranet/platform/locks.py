"""Work that must run once across workers: ``exclusive(name)`` says whether this process may.

With several web workers (or servers, or cron beside them) each would run the same periodic job
at the same minute. On PostgreSQL the job holds a transaction-level advisory lock
(``platform.postgres.locks``) on a connection of its own for as long as it runs: a second worker
finds it taken and skips the round; a crashed holder's connection drops and frees it. SQLite, the
portable twin: every run goes ahead, since one writer at a time already serializes the jobs'
transactions and the jobs are idempotent (comments once per external id, breaches once per case).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from intranet.platform import db
from intranet.platform.postgres.locks import try_xact_lock


@contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """True when this process holds ``name`` for the block (on SQLite: always), else False."""
    engine = db.engine()
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as connection, connection.begin():
        yield try_xact_lock(connection, name)
