"""The inbox's kinds of notification mail (registered by the inbox, never imported by the core):
a reply waiting for a lead's approval and a case assignment, mailed while still pending."""

from __future__ import annotations

from datetime import timedelta

from intranet.actions.groups import do_set_member
from intranet.actions.notification_mail import send_notification_mails
from intranet.inbox.actions.cases import do_assign
from intranet.inbox.actions.ingest import do_record_breaches
from intranet.inbox.actions.replies import access_reply, do_decide_reply, do_reply
from intranet.models import Case, User, utcnow
from intranet.platform import db
from tests.case_helpers import inbox_cast, set_service
from tests.mail_helpers import text_part


def _round(app, send_mail):
    with app.app_context():
        queued = send_notification_mails(now=utcnow() + timedelta(minutes=11))
    send_mail()
    return queued


def test_a_held_reply_is_mailed_to_the_services_leads_while_it_waits(app, cast, smtp_server, send_mail):
    ic = inbox_cast(app, cast, reply_url="https://replies.example/hook")
    set_service(app, cast.service, require_approval=True)
    with app.app_context(), db.transaction() as s:
        do_set_member(s, s.get(User, cast.admin.id), s.get(type(cast.service_group), cast.service_group.id),
                      s.get(User, cast.bob.id), "lead")
    with app.app_context(), db.transaction() as s:
        do_reply(s, s.get(User, ic.sam.id), s.get(Case, ic.case.id), "Sorry, we refund you today.")
    assert _round(app, send_mail) == 1
    [msg] = smtp_server.to("bob@example.com")
    assert msg["Subject"] == f"Sam Agent wrote a reply on case #{ic.case.id} that waits for your approval"
    assert "My card was charged twice!" in text_part(msg)
    assert f"/inbox/cases/{ic.case.id}" in text_part(msg)


def test_an_approved_reply_is_no_longer_mailed(app, cast, smtp_server, send_mail):
    ic = inbox_cast(app, cast, reply_url="https://replies.example/hook")
    set_service(app, cast.service, require_approval=True)
    with app.app_context(), db.transaction() as s:
        do_set_member(s, s.get(User, cast.admin.id), s.get(type(cast.service_group), cast.service_group.id),
                      s.get(User, cast.bob.id), "lead")
    with app.app_context(), db.transaction() as s:
        reply = do_reply(s, s.get(User, ic.sam.id), s.get(Case, ic.case.id), "Refund today.")
    with app.app_context(), db.transaction() as s:
        case = s.get(Case, ic.case.id)
        do_decide_reply(s, s.get(User, cast.bob.id), case, access_reply(s, case, reply.id), False)
    assert _round(app, send_mail) == 0


def test_an_assigned_case_is_mailed_to_the_agent(app, cast, smtp_server, send_mail):
    ic = inbox_cast(app, cast)
    with app.app_context(), db.transaction() as s:
        do_assign(s, s.get(User, cast.admin.id), s.get(Case, ic.case.id), ic.sam.id)
    assert _round(app, send_mail) == 1
    [msg] = smtp_server.to("sam@example.com")
    assert msg["Subject"] == f"Ada Admin assigned case #{ic.case.id} to you"


def test_an_sla_breach_is_mailed_to_the_services_leads(app, cast, smtp_server, send_mail):
    ic = inbox_cast(app, cast)
    with app.app_context(), db.transaction() as s:
        do_set_member(s, s.get(User, cast.admin.id), s.get(type(cast.service_group), cast.service_group.id),
                      s.get(User, cast.bob.id), "lead")
    with app.app_context(), db.transaction() as s:
        assert do_record_breaches(s, utcnow() + timedelta(minutes=61))  # the first response was due in 1 h
    assert _round(app, send_mail) == 1
    [msg] = smtp_server.to("bob@example.com")
    assert msg["Subject"] == f"Case #{ic.case.id} missed its response target."
    assert "My card was charged twice!" in text_part(msg)
    assert smtp_server.to("sam@example.com") == []  # an agent, not a lead
