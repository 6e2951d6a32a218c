"""SLA breaches and the scheduler with several workers: each breach is recorded once even when two
runs overlap, and on PostgreSQL a job another worker is running is skipped."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from intranet.inbox.actions.ingest import do_record_breaches
from intranet.inbox.workers.scheduler import check_sla
from intranet.models import AuditLog, Case, CaseActivity, Notification, NotificationKind, utcnow
from intranet.platform import db
from intranet.platform.locks import exclusive
from tests.case_helpers import make_case, make_source

CASES = 6


def _overdue_cases(app, cast) -> list[int]:
    """Cases of Marketing (lea leads it) past both their due times."""
    source = make_source(app)
    late = {"first_due_in": timedelta(minutes=-5), "resolution_due_in": timedelta(minutes=-1)}
    return [make_case(app, source, cast.marketing, **late).id for _ in range(CASES)]


def _counts(session) -> tuple[Counter, int, int, int]:
    session.expire_all()
    cases = Counter(kind for breaches in session.scalars(select(Case.breaches)) for kind in breaches)
    activities = session.scalar(select(func.count()).select_from(CaseActivity)
                                .where(CaseActivity.kind == "sla_breach"))
    audits = session.scalar(select(func.count()).select_from(AuditLog)
                            .where(AuditLog.action == "case.sla_breach"))
    notes = session.scalar(select(func.count()).select_from(Notification)
                           .where(Notification.kind == NotificationKind.SLA_BREACH))
    return cases, activities, audits, notes


def test_two_overlapping_sla_runs_record_each_breach_once(app, cast, session, captured_events):
    ids = _overdue_cases(app, cast)
    now, results, errors = utcnow(), [], []
    gate = threading.Barrier(2)

    def run() -> None:
        gate.wait()
        try:
            with app.app_context():
                results.append(check_sla(now))
        except Exception as exc:  # a failed run would hide a double count: report it
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    recorded = [item for result in results for item in result]
    assert sorted(recorded) == sorted((cid, kind) for cid in ids for kind in ("first_response", "resolution"))
    cases, activities, audits, notes = _counts(session)
    assert cases == {"first_response": CASES, "resolution": CASES}
    assert activities == audits == notes == 2 * CASES
    breach_events = [e for e in captured_events if e["type"] == "case" and e["data"]["op"] == "breach"]
    assert len(breach_events) == 2 * CASES
    with app.app_context():
        assert check_sla(now + timedelta(minutes=1)) == []  # and again later: nothing new


def _postgresql(app) -> None:
    with app.app_context():
        if db.engine().dialect.name != "postgresql":
            pytest.skip("PostgreSQL only (row locks and advisory locks): runs under pytest --db=postgresql")


def test_a_run_started_between_another_runs_read_and_its_writes_records_nothing_twice(app, cast, session):
    """PostgreSQL: run B (another worker) starts right after run A read its due cases, before A
    writes (a SQLAlchemy event starts it at that point, on its own thread and connection), and A
    gives it a second before going on. A read its cases locked: B waits for them and then finds
    them recorded. Before, B recorded every breach in that second, then A recorded them again and
    its write of each case's breaches list dropped the kind B had added."""
    _postgresql(app)
    _overdue_cases(app, cast)
    now, during = utcnow(), []
    with app.app_context():
        engine = db.engine()

    def run_b() -> None:
        with app.app_context():
            during.append(check_sla(now))

    b = threading.Thread(target=run_b)
    with app.app_context(), db.transaction() as s:
        run_a = s.connection()

        def start_b(conn, _cursor, statement, *_args) -> None:
            if conn is run_a and not b.is_alive() and not during and "FROM inbox_cases" in statement:
                b.start()
                b.join(timeout=1.0)  # B records (old code) or waits for A's locks (now)

        event.listen(engine, "after_cursor_execute", start_b)
        try:
            first = do_record_breaches(s, now)
        finally:
            event.remove(engine, "after_cursor_execute", start_b)
    b.join(timeout=30)
    [second] = during
    assert len(first) == 2 * CASES and second == []
    cases, activities, audits, notes = _counts(session)
    assert cases == {"first_response": CASES, "resolution": CASES}
    assert activities == audits == notes == 2 * CASES


def test_a_scheduler_job_another_worker_runs_is_skipped(app, cast, session):
    """PostgreSQL: while a worker holds the SLA job's advisory lock, another's run does nothing."""
    _postgresql(app)
    _overdue_cases(app, cast)
    now = utcnow()
    with app.app_context(), exclusive("inbox.sla") as mine:
        assert mine
        with app.app_context():
            assert check_sla(now) == []
    with app.app_context():
        assert len(check_sla(now)) == 2 * CASES


def test_on_sqlite_every_run_goes_ahead(app):
    """SQLite, the portable twin: no lock to take (one writer at a time serializes the runs)."""
    with app.app_context():
        if db.engine().dialect.name != "sqlite":
            pytest.skip("SQLite's twin of the advisory lock")
        with exclusive("inbox.sla") as first, exclusive("inbox.sla") as second:
            assert first and second
