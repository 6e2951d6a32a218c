"""WAL checkpoints in the web process's own thread (intranet/checkpoint.py): request connections
never checkpoint inside a commit, and the log file stays bounded all the same."""

from __future__ import annotations

import os
import shutil
import sqlite3
from typing import Any

import pytest
from sqlalchemy import insert, text

from intranet import create_app
from intranet.models import Event
from intranet.platform import db
from intranet.platform.sqlite.checkpoint import KEY
from tests.conftest import _config

pytestmark = pytest.mark.sqlite_only  # the WAL checkpoint thread is SQLite's


def _app(tmp_path: Any, template_db: Any, seconds: float):
    db_file = tmp_path / "intranet.db"
    shutil.copy(template_db, db_file)
    config = {**_config(tmp_path, f"sqlite:///{db_file}"), "SQLITE_CHECKPOINT_SECONDS": seconds}
    return create_app(config), db_file


def _write(app, rows: int) -> None:
    """About ``rows`` pages of log, in commits of 100 rows, as requests' transactions do."""
    with app.app_context():
        for _ in range(rows // 100):
            with db.transaction() as s:
                s.execute(insert(Event), [{"type": "bench", "payload": {"x": "a" * 3000}}] * 100)
        db.session.remove()


def _autocheckpoint(app) -> int:
    with app.app_context(), db.engine().connect() as conn:
        return conn.execute(text("PRAGMA wal_autocheckpoint")).scalar_one()


def test_requests_do_not_checkpoint_and_the_thread_keeps_the_log_bounded(tmp_path, template_db):
    app, db_file = _app(tmp_path, template_db, 3600)  # the thread runs but waits: we checkpoint here
    wal = f"{db_file}-wal"
    assert _autocheckpoint(app) == 1000  # before the first request: SQLite's default
    app.test_client().get("/healthz")
    checkpointer = app.extensions[KEY]
    try:
        assert checkpointer.thread is not None and checkpointer.thread.is_alive()
        assert _autocheckpoint(app) == 0
        _write(app, 1500)
        grown = os.path.getsize(wal)
        assert grown > 1400 * 4096  # no checkpoint inside those commits (SQLite's would stop at 1,000)
        with sqlite3.connect(db_file) as conn:
            busy, frames, copied = checkpointer.checkpoint(conn)
        assert busy == 0 and copied == frames > 0
        _write(app, 1500)  # the log starts again from its beginning: the file does not double
        again = os.path.getsize(wal)
        assert again < grown * 1.2
        _write(app, 1500)  # without a checkpoint it does
        grown = os.path.getsize(wal)
        assert grown > again * 1.8
        checkpointer.restart_frames = 1000  # a long log: the passive checkpoint is followed by a RESTART
        with sqlite3.connect(db_file) as conn:
            busy, frames, copied = checkpointer.checkpoint(conn)
        assert busy == 0 and frames == copied > 0  # complete, and no reader left on the old log
        _write(app, 1500)
        assert os.path.getsize(wal) == grown
    finally:
        checkpointer.stop()
        with app.app_context():
            db.engine().dispose()


def test_without_the_setting_sqlite_checkpoints_as_usual(tmp_path, template_db):
    """CLI commands, the search worker and ``SQLITE_CHECKPOINT_SECONDS = 0`` keep SQLite's own."""
    app, _db_file = _app(tmp_path, template_db, 0)
    app.test_client().get("/healthz")
    assert KEY not in app.extensions
    assert _autocheckpoint(app) == 1000
    with app.app_context():
        db.engine().dispose()
