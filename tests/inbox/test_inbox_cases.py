"""Working a case: assign, status transitions, notes with mentions, triage override, access."""

from __future__ import annotations

from datetime import timedelta

from intranet.models import AuditLog, Case, CaseActivity, CaseStatus, InboxAgent, Notification
from intranet.platform import db
from tests.case_helpers import inbox_cast, make_case
from tests.domain_helpers import make_user


def test_agent_assigns_and_moves_the_case_through_its_statuses(app, cast, web):
    ic = inbox_cast(app, cast)
    web.login(ic.sam)
    url = f"/inbox/cases/{ic.case.id}"
    assert web.get(url).status_code == 200
    resp = web.post(f"{url}/assign", json={"user_id": ic.sam.id}, headers={"Accept": "application/json"})
    assert resp.status_code == 200, resp.get_json()
    for status in ("waiting", "resolved"):
        resp = web.post(f"{url}/status", json={"status": status}, headers={"Accept": "application/json"})
        assert resp.status_code == 200, resp.get_json()
    with app.app_context():
        s = db.session()
        case = s.get(Case, ic.case.id)
        assert case.status == CaseStatus.RESOLVED and case.resolved_at is not None
        assert case.assignee_id == ic.sam.id
        kinds = [a.kind for a in s.query(CaseActivity).filter_by(case_id=case.id).order_by(CaseActivity.id)]
        assert kinds == ["assign", "status", "status"]
        assert {a.action for a in s.query(AuditLog)} >= {"case.assign", "case.status"}


def test_invalid_transition_is_a_clear_400(app, cast, web):
    ic = inbox_cast(app, cast)
    web.login(ic.sam)
    resp = web.post(f"/inbox/cases/{ic.case.id}/status", json={"status": "resolved"},
                    headers={"Accept": "application/json"})
    assert resp.status_code == 400
    assert "cannot become" in resp.get_json()["error"]["message"]
    resp = web.post(f"/inbox/cases/{ic.case.id}/status", json={"status": "closed"},
                    headers={"Accept": "application/json"})
    assert resp.status_code == 400 and resp.get_json()["error"]["field"] == "status"


def test_access_for_each_role(app, cast, web, make_web):
    ic = inbox_cast(app, cast)
    url = f"/inbox/cases/{ic.case.id}"
    expect = {ic.sam: (200, 200), ic.mia: (404, 200), cast.admin: (200, 200), cast.bob: (404, 404),
              cast.alice: (404, 404)}
    for user, (case_status, inbox_status) in expect.items():
        client = make_web().login(user)
        assert client.get(url).status_code == case_status, user.name
        inbox = client.get("/inbox")
        assert inbox.status_code == inbox_status, user.name
        listed = f'data-case-id="{ic.case.id}"' in inbox.get_data(as_text=True)
        assert listed == (case_status == 200), user.name
        home = client.get("/").get_data(as_text=True)
        assert ("data-inbox-badge" in home) == (inbox_status == 200), user.name
    # lea leads Marketing: Service client's case is not hers, a Marketing one is
    other = make_case(app, ic.source, cast.marketing)
    lea = make_web().login(cast.lea)
    assert lea.get(url).status_code == 404
    assert lea.get(f"/inbox/cases/{other.id}").status_code == 200


def test_list_shows_sla_time_left_and_breaches_with_a_controlled_clock(app, cast, web):
    ic = inbox_cast(app, cast)
    late = make_case(app, ic.source, cast.service, text="Still waiting for my refund",
                     first_due_in=timedelta(minutes=-30))
    web.login(ic.sam)
    page = web.get("/inbox").get_data(as_text=True)
    assert "First response: 1 hour left" in page
    assert page.count("SLA breached") >= 2  # the filter's label and the late case
    app.config["INBOX_CLOCK"] = lambda: late.created_at + timedelta(hours=3)
    page = web.get("/inbox?breached=1").get_data(as_text=True)
    assert f'data-case-id="{ic.case.id}"' in page and f'data-case-id="{late.id}"' in page
    app.config["INBOX_CLOCK"] = lambda: late.created_at
    page = web.get("/inbox?breached=1").get_data(as_text=True)
    assert f'data-case-id="{late.id}"' in page and f'data-case-id="{ic.case.id}"' not in page


def test_customer_text_is_escaped_and_links_are_safe(app, cast, web):
    ic = inbox_cast(app, cast)
    case = make_case(app, ic.source, cast.service,
                     text='<script>alert(1)</script> see https://evil.com/x @alice #promo')
    web.login(ic.sam)
    page = web.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert 'href="https://evil.com/x" rel="nofollow noopener noreferrer"' in page


def test_note_mentions_notify_only_colleagues_who_may_read_the_case(app, cast, web):
    ic = inbox_cast(app, cast)
    sam2 = make_user(app, "tom@example.com", "Tom", department=cast.service)
    web.login(ic.sam)
    resp = web.post(f"/inbox/cases/{ic.case.id}/notes", headers={"Accept": "application/json"},
                    json={"body": f"@admin and @mia and @{sam2.username} look **here**"})
    assert resp.status_code == 201, resp.get_json()
    with app.app_context():
        s = db.session()
        notified = {n.user_id for n in s.query(Notification).filter_by(case_id=ic.case.id)}
        note = s.query(CaseActivity).filter_by(kind="note").one()
    assert notified == {cast.admin.id}
    assert "<strong>here</strong>" in note.body_html


def test_triage_override_is_kept_and_audited(app, cast, web):
    ic = inbox_cast(app, cast)
    web.login(ic.sam)
    resp = web.post(f"/inbox/cases/{ic.case.id}/triage", headers={"Accept": "application/json"},
                    json={"sentiment": "neutral", "urgency": "high", "needs_response": "false"})
    assert resp.status_code == 200
    changes = resp.get_json()["changes"]
    assert changes == {"sentiment": ["negative", "neutral"], "needs_response": [True, False]}
    with app.app_context():
        case = db.session().get(Case, ic.case.id)
        assert case.overridden and case.triage["sentiment"] == "negative"
        assert db.session().query(AuditLog).filter_by(action="case.triage").count() == 1
    page = web.get(f"/inbox/cases/{ic.case.id}").get_data(as_text=True)
    assert "overridden" in page and "The machine said" in page
    bad = web.post(f"/inbox/cases/{ic.case.id}/triage", headers={"Accept": "application/json"},
                   json={"urgency": "apocalyptic"})
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "urgency"


def test_assignment_notifies_and_the_notification_goes_with_access(app, cast, make_web):

    ic = inbox_cast(app, cast)
    admin = make_web().login(cast.admin)
    admin.post(f"/inbox/cases/{ic.case.id}/assign", json={"user_id": ic.sam.id},
               headers={"Accept": "application/json"})
    sam = make_web().login(ic.sam)
    page = sam.get("/notifications").get_data(as_text=True)
    assert f"assigned case #{ic.case.id} to you" in page and f'href="/inbox/cases/{ic.case.id}"' in page
    with app.app_context(), db.transaction() as s:
        s.query(InboxAgent).filter_by(user_id=ic.sam.id).delete()
    page = sam.get("/notifications").get_data(as_text=True)
    assert f"case #{ic.case.id}" not in page
    assert sam.get(f"/inbox/cases/{ic.case.id}").status_code == 404


def test_case_changes_reach_the_service_live_and_nobody_else(app, cast, make_web, socket_for):
    ic = inbox_cast(app, cast)
    sam, mia, bob = (make_web().login(u) for u in (ic.sam, ic.mia, cast.bob))
    sockets = {name: socket_for(client) for name, client in (("sam", sam), ("mia", mia), ("bob", bob))}
    for sc in sockets.values():
        sc.get_received()
    admin = make_web().login(cast.admin)
    admin.post(f"/inbox/cases/{ic.case.id}/assign", json={"user_id": ic.sam.id},
               headers={"Accept": "application/json"})
    got = {name: [m for m in sc.get_received() if m["name"] == "case"] for name, sc in sockets.items()}
    assert len(got["sam"]) == 1 and got["mia"] == [] and got["bob"] == []
    payload = got["sam"][0]["args"][0]
    assert payload["op"] == "assign" and payload["id"] == ic.case.id and payload["assignee_id"] == ic.sam.id
    assert "text" not in payload and "author" not in payload  # no customer data on the wire
    caught = sam.get("/api/v1/events?after=0").get_json()["events"]
    assert any(e["type"] == "case" and e["id"] == ic.case.id for e in caught)
    assert not any(e["type"] == "case" for e in mia.get("/api/v1/events?after=0").get_json()["events"])
