"""A background round that met a busy database (SQLite's write lock held past the timeout) logs
one warning line and tries again; any other failure keeps its traceback in the log."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from intranet.platform import db


def _locked_error(tmp_path) -> OperationalError:
    """A real "database is locked": a second writer while the first holds the write lock."""
    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with engine.begin() as conn, pytest.raises(OperationalError) as raised:
            conn.execute(text("INSERT INTO t VALUES (1)"))
        return raised.value
    finally:
        holder.close()
        engine.dispose()


def test_a_busy_database_is_one_warning_line(tmp_path, caplog):
    exc = _locked_error(tmp_path)
    assert db.busy(exc)
    with caplog.at_level(logging.WARNING):
        db.log_round_failure(logging.getLogger("rounds"), exc, "scheduler: %s failed", "check_sla")
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "check_sla failed" in record.getMessage() and "database is locked" in record.getMessage()


def test_any_other_failure_keeps_its_traceback(caplog):
    try:
        raise ValueError("broken")
    except ValueError as exc:
        with caplog.at_level(logging.WARNING):
            db.log_round_failure(logging.getLogger("rounds"), exc, "scheduler: %s failed", "check_sla")
    (record,) = caplog.records
    assert record.levelno == logging.ERROR and record.exc_info and record.exc_info[0] is ValueError
    assert not db.busy(ValueError("database is locked"))
