"""Retention: settings (page and API, admins only), the scheduled job redacting customers' data
and erasing old messages in batches, counts kept, runs recorded in the audit log."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from intranet.actions.messaging import do_send_message, do_start_conversation
from intranet.inbox.workers import retention as job
from intranet.models import AuditLog, Case, ExternalComment, Message, User, utcnow
from intranet.platform import db
from tests.api_helpers import api_clients, conforms
from tests.case_helpers import make_case, make_source


def _audits(session, action):
    return [r.data for r in session.scalars(select(AuditLog).where(AuditLog.action == action))]


def test_settings_through_the_api_admins_only(app, session, cast):
    api = api_clients(app, cast)
    status, data = api["admin"]("GET", "/admin/retention")
    assert status == 200 and data["inbox_days"] is None
    conforms(data, "Retention")
    status, data = api["admin"]("PUT", "/admin/retention", {"inbox_days": 30, "message_days": None})
    assert status == 200 and (data["inbox_days"], data["message_days"]) == (30, None)
    for bad in ({"inbox_days": 0}, {"inbox_days": "30"}, {"message_days": 99999}, {"inbox_days": True}):
        status, data = api["admin"]("PUT", "/admin/retention", bad)
        assert status == 400 and data["error"]["field"] in ("inbox_days", "message_days"), bad
    assert api["lea"]("GET", "/admin/retention")[0] == 404
    assert api["lea"]("PUT", "/admin/retention", {"inbox_days": 1})[0] == 404
    assert _audits(session, "retention.update") == [{"inbox_days": 30, "message_days": None}]


def test_settings_page(web, cast, session):
    web.login(cast.admin)
    assert "Data retention" in web.get("/admin/retention").get_data(as_text=True)
    assert web.post("/admin/retention", data={"inbox_days": "90", "message_days": ""}).status_code == 302
    assert _audits(session, "retention.update") == [{"inbox_days": 90, "message_days": None}]
    assert web.post("/admin/retention", data={"inbox_days": "-3"}).status_code == 400
    page = web.get("/admin/retention", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Conservation des données" in page
    web.login(cast.lea)
    assert web.get("/admin/retention").status_code == 404


def test_job_redacts_old_customer_data_and_keeps_counts(app, session, cast, monkeypatch):
    monkeypatch.setattr(job, "BATCH", 2)  # several batches, one transaction each
    source = make_source(app)
    old = [make_case(app, source, cast.service, author=f"old{i}", text=f"Old complaint {i}",
                     created=utcnow() - timedelta(days=40)) for i in range(5)]
    recent = make_case(app, source, cast.service, author="fresh", text="Fresh complaint")
    api = api_clients(app, cast)
    api["admin"]("PUT", "/admin/retention", {"inbox_days": 30})
    with app.app_context():
        outcome = job.apply_retention()
        assert (outcome.comments, outcome.messages, outcome.skipped) == (5, 0, False)
        assert job.apply_retention().skipped  # less than an hour later: nothing to do
        assert job.apply_retention(force=True).comments == 0  # already redacted
    for case in old:
        comment = session.get(ExternalComment, case.comment_id)
        assert (comment.author, comment.author_url, comment.url, comment.text) == ("", "", "", "")
        assert comment.redacted_at is not None and comment.followers == 1200
    fresh = session.get(ExternalComment, recent.comment_id)
    assert fresh.author == "fresh" and fresh.text == "Fresh complaint" and fresh.redacted_at is None
    assert session.scalar(select(func.count()).select_from(Case)) == 6  # the dashboard's counts stay
    assert _audits(session, "retention.apply") == [
        {"comments": 5, "messages": 0, "inbox_days": 30, "message_days": None}]


def test_job_erases_old_messages_when_asked(app, session, cast):
    with app.app_context(), db.transaction() as s:
        alice, bob = s.get(User, cast.alice.id), s.get(User, cast.bob.id)
        conversation, _new = do_start_conversation(s, alice, [bob.id])
        first = do_send_message(s, alice, conversation, "From last year").id
        second = do_send_message(s, bob, conversation, "From today").id
    with app.app_context(), db.transaction() as s:
        last_year = utcnow() - timedelta(days=400)
        s.execute(update(Message).where(Message.id == first).values(created_at=last_year))
    api = api_clients(app, cast)
    api["admin"]("PUT", "/admin/retention", {"message_days": 365})
    with app.app_context():
        assert job.apply_retention().messages == 1
    erased, kept = session.get(Message, first), session.get(Message, second)
    assert erased.deleted_at is not None and erased.body_md == "" and erased.body_html == ""
    assert kept.deleted_at is None and kept.body_md == "From today"


def test_redacted_cases_say_so_on_the_inbox_pages(app, web, cast):
    source = make_source(app)
    case = make_case(app, source, None, author="olduser", text="Old words",
                     created=utcnow() - timedelta(days=9))
    with app.app_context(), db.transaction() as s:
        s.execute(update(ExternalComment).where(ExternalComment.id == case.comment_id)
                  .values(author="", text="", url="", author_url="", redacted_at=utcnow()))
    web.login(cast.admin)
    page = web.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert "Erased after the retention period." in page and "Old words" not in page
