"""SLA clocks with a controlled clock: due dates at opening, breaches recorded and notified once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from intranet.inbox.actions.ingest import do_record_breaches
from intranet.inbox.workers.scheduler import check_sla
from intranet.models import AuditLog, Case, CaseActivity, Notification, NotificationKind, utcnow
from intranet.platform import db
from tests.inbox_helpers import comment, deliver, make_route, make_rule, make_source, set_sla


def _setup(app, cast):
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, "acme")
    set_sla(app, cast.lea, cast.marketing, first=30, resolution=120)
    make_route(app, cast.lea, cast.marketing, "All Acme", query="acme")
    deliver(app.test_client(), source, [comment("1", "Acme, where is my parcel?")])


def _breaches(app, now):
    with app.app_context(), db.transaction() as s:
        return do_record_breaches(s, now)


def test_due_dates_come_from_the_service_settings(app, cast, session):
    _setup(app, cast)
    case = session.scalar(select(Case))
    assert case.first_response_due - case.created_at == timedelta(minutes=30)
    assert case.resolution_due - case.created_at == timedelta(minutes=120)


def test_breaches_are_recorded_once_and_notify_the_lead(app, cast, session, captured_events, web):
    _setup(app, cast)
    opened = session.scalar(select(Case.created_at))
    assert _breaches(app, opened + timedelta(minutes=29)) == []
    first = _breaches(app, opened + timedelta(minutes=31))
    assert [kind for _id, kind in first] == ["first_response"]
    assert _breaches(app, opened + timedelta(minutes=45)) == []  # once
    late = _breaches(app, opened + timedelta(minutes=121))
    assert [kind for _id, kind in late] == ["resolution"]
    session.expire_all()
    case = session.scalar(select(Case))
    assert case.breaches == ["first_response", "resolution"]
    notes = session.scalars(select(Notification)
                            .where(Notification.kind == NotificationKind.SLA_BREACH)).all()
    assert [(n.user_id, n.case_id) for n in notes] == [(cast.lea.id, case.id)] * 2
    kinds = session.scalars(select(CaseActivity.kind).where(CaseActivity.case_id == case.id)).all()
    assert kinds.count("sla_breach") == 2
    assert session.scalar(select(AuditLog).where(AuditLog.action == "case.sla_breach")) is not None
    breach_events = [e for e in captured_events if e["type"] == "case" and e["data"]["op"] == "breach"]
    assert len(breach_events) == 2 and f"user:{cast.lea.id}" in breach_events[0]["rooms"]
    page = web.login(cast.lea).get("/notifications").get_data(as_text=True)
    assert f"Case #{case.id} missed its response target." in page and f"/inbox/cases/{case.id}" in page


def test_answered_or_resolved_cases_do_not_breach(app, cast, session):
    _setup(app, cast)
    with app.app_context(), db.transaction() as s:
        case = s.scalar(select(Case))
        case.first_response_at = case.created_at + timedelta(minutes=5)
        opened = case.created_at
    assert _breaches(app, opened + timedelta(minutes=60)) == []
    with app.app_context(), db.transaction() as s:
        s.scalar(select(Case)).status = "resolved"
    assert _breaches(app, opened + timedelta(days=3)) == []


def test_unrouted_breaches_notify_admins_and_the_cli_check_runs(app, cast, session):
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, "acme")
    deliver(app.test_client(), source, [comment("1", "acme?")])
    with app.app_context():
        assert check_sla(utcnow() + timedelta(minutes=61))[0][1] == "first_response"
    note = session.scalar(select(Notification).where(Notification.kind == NotificationKind.SLA_BREACH))
    assert note.user_id == cast.admin.id
    result = app.test_cli_runner().invoke(args=["inbox", "sla"])
    assert result.exit_code == 0 and "new breaches" in result.output
