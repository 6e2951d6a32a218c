"""PostgreSQL advisory locks (``platform.postgres.locks``): one holder at a time across
connections, freed when the holder's transaction ends or its connection is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, create_engine, text

from intranet.platform import db
from intranet.platform.config import ROOT
from intranet.platform.postgres.locks import lock_key, try_xact_lock


@pytest.fixture
def pg_engine(app) -> Iterator[Engine]:
    """The test's database under ``pytest --db=postgresql``; else the server named by
    INTRANET_TEST_POSTGRES_URL (advisory locks need no schema); else skip."""
    with app.app_context():
        engine = db.engine()
    if engine.dialect.name == "postgresql":
        yield engine
        return
    url = os.environ.get("INTRANET_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PostgreSQL only: run under pytest --db=postgresql or set INTRANET_TEST_POSTGRES_URL")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1).rstrip("/") + "/postgres")
    yield engine
    engine.dispose()


def test_one_holder_until_its_transaction_ends(pg_engine):
    with pg_engine.connect() as a, pg_engine.connect() as b:
        with a.begin():
            assert try_xact_lock(a, "inbox.sla")
            assert try_xact_lock(a, "inbox.sla")  # re-entrant for its holder
            with b.begin():
                assert not try_xact_lock(b, "inbox.sla")
                assert try_xact_lock(b, "inbox.poll")  # another name, another lock
        with b.begin():
            assert try_xact_lock(b, "inbox.sla")  # a committed: free


def test_a_lost_connection_frees_its_lock(pg_engine):
    holder = pg_engine.raw_connection()  # a worker's own connection, at the driver's level
    try:
        cursor = holder.cursor()
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s), pg_backend_pid()", (lock_key("inbox.sla"),))
        locked, pid = cursor.fetchone()
        assert locked is True
        with pg_engine.connect() as other:
            with other.begin():
                assert not try_xact_lock(other, "inbox.sla")
            holder.invalidate()  # the worker died: its connection is closed under it
            _wait_until_backend_gone(other, pid)
            with other.begin():
                assert try_xact_lock(other, "inbox.sla")
    finally:
        holder.close()


def _wait_until_backend_gone(conn: Connection, pid: int) -> None:
    """The server ends a closed connection's backend (and frees its locks) a moment after the
    client hangs up: wait for that, not for a fixed time."""
    for _ in range(600):
        with conn.begin():
            alive = conn.execute(text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid})
            if not alive.first():
                return
        time.sleep(0.05)
    raise AssertionError(f"backend {pid} still alive 30 s after its client closed")


def test_a_lock_has_the_same_key_in_every_process():
    key = lock_key("inbox.sla")
    assert -(2**63) <= key < 2**63
    script = "from intranet.platform.postgres.locks import lock_key; print(lock_key('inbox.sla'))"
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": "123"}, check=True)
    assert int(run.stdout) == key
