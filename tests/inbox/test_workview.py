"""The work view over HTTP: the list with a case open beside it, the pane fragment, the reply box
of a source that cannot reply (said at once, text kept on a refused send), bulk actions and saved
filters per person."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from intranet.actions.groups import do_set_member
from intranet.models import Case, CaseStatus, Group, Notification, NotificationKind, SavedFilter, User
from intranet.platform import db
from tests.case_helpers import inbox_cast, make_case, make_source, set_service

JSON = {"Accept": "application/json"}


def _case(app, case_id: int) -> Case:
    with app.app_context():
        return db.session().get(Case, case_id)


def test_the_list_and_the_open_case_side_by_side(app, cast, web):
    ic = inbox_cast(app, cast, reply_url="https://replies.example/hook")
    other = make_case(app, ic.source, cast.service, text="Second case, the app crashes")
    web.login(ic.sam)
    page = web.get(f"/inbox?status=open&case={ic.case.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-case-pane' in html and f'data-case-page data-case-id="{ic.case.id}"' in html
    assert "Second case, the app crashes" in html  # the list is still there
    # each row opens its case beside the list, keeping the list's filters
    assert f'href="/inbox?status=open&amp;case={other.id}#case-detail"' in html
    # the forms of the open case come back to the work view
    assert f'name="next" value="/inbox?status=open&amp;case={ic.case.id}"' in html
    pane = web.get(f"/inbox/cases/{other.id}/pane")
    assert pane.status_code == 200 and "<html" not in pane.get_data(as_text=True)
    assert "Second case, the app crashes" in pane.get_data(as_text=True)
    assert web.get("/inbox?case=abc").status_code == 400
    assert web.get("/inbox?case=999999").status_code == 404
    assert web.get("/inbox/cases/999999/pane").status_code == 404


def test_a_form_sent_from_the_work_view_comes_back_to_it(app, cast, web):
    ic = inbox_cast(app, cast)
    web.login(ic.sam)
    here = f"/inbox?status=open&case={ic.case.id}"
    resp = web.post(f"/inbox/cases/{ic.case.id}/assign", data={"user_id": str(ic.sam.id), "next": here})
    assert resp.status_code == 302 and resp.headers["Location"] == here
    assert _case(app, ic.case.id).assignee_id == ic.sam.id
    evil = web.post(f"/inbox/cases/{ic.case.id}/status",
                    data={"status": "waiting", "next": "//evil.example/"})
    assert evil.headers["Location"] == f"/inbox/cases/{ic.case.id}"


def test_a_source_that_cannot_reply_says_so_before_typing(app, cast, web):
    ic = inbox_cast(app, cast)  # no reply URL
    web.login(ic.sam)
    html = web.get(f"/inbox/cases/{ic.case.id}").get_data(as_text=True)
    assert "cannot send replies from here" in html
    textarea = re.search(r"<textarea id=\"reply-body\"[^>]*>", html).group(0)
    assert "disabled" in textarea and 'aria-describedby="reply-unavailable"' in textarea


def test_a_refused_reply_comes_back_with_the_text_typed(app, cast, web):
    ic = inbox_cast(app, cast)
    web.login(ic.sam)
    typed = "Bonjour, nous remboursons <aujourd'hui> & demain"
    here = f"/inbox?case={ic.case.id}"
    resp = web.post(f"/inbox/cases/{ic.case.id}/replies", data={"body": typed, "next": here})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Bonjour, nous remboursons &lt;aujourd&#39;hui&gt; &amp; demain</textarea>" in html
    assert "This source has no reply connector" in html and 'data-inbox-list' in html  # the work view
    on_page = web.post(f"/inbox/cases/{ic.case.id}/replies", data={"body": typed})
    assert on_page.status_code == 400 and "remboursons" in on_page.get_data(as_text=True)
    assert web.post(f"/inbox/cases/{ic.case.id}/replies", json={"body": typed},
                    headers=JSON).get_json()["error"]["field"] == "body"


def test_bulk_assign_changes_each_case_it_may_and_says_why_not_for_the_others(app, cast, web):
    ic = inbox_cast(app, cast)
    second = make_case(app, ic.source, cast.service, text="Where is my order?")
    foreign = make_case(app, ic.source, cast.marketing, text="Your ad is great")
    done = make_case(app, ic.source, cast.service, status=CaseStatus.RESOLVED)
    web.login(ic.sam)
    resp = web.post("/inbox/bulk", json={"op": "assign:me", "case_id": [ic.case.id, second.id, foreign.id,
                                                                     done.id]}, headers=JSON)
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["changed"] == [ic.case.id, second.id]
    assert set(data["refused"]) == {str(foreign.id), str(done.id)}
    assert "Reopen the case" in data["refused"][str(done.id)]
    assert {_case(app, i).assignee_id for i in (ic.case.id, second.id)} == {ic.sam.id}
    assert _case(app, foreign.id).assignee_id is None
    # the page form: status then ignore, back to the list with a flash per refusal
    form = web.post("/inbox/bulk", data={"op": "status:waiting", "case_id": [str(ic.case.id), str(done.id)],
                                         "next": "/inbox?status=all"})
    assert form.status_code == 302 and form.headers["Location"] == "/inbox?status=all"
    assert _case(app, ic.case.id).status == CaseStatus.WAITING
    web.post("/inbox/bulk", data={"op": "ignore", "case_id": [str(second.id)]})
    assert _case(app, second.id).status == CaseStatus.IGNORED


def test_bulk_requests_that_mean_nothing_are_clear_400s(app, cast, web):
    ic = inbox_cast(app, cast)
    web.login(ic.sam)
    cases = [ic.case.id]
    for body, field in (({"op": "assign:me", "case_id": []}, "case_id"),
                        ({"op": "status:nonsense", "case_id": cases}, "status"),
                        ({"op": "explode", "case_id": cases}, "action"),
                        ({"action": "assign", "case_id": ["x"]}, "case_id"),
                        ({"op": "assign:me", "case_id": list(range(1, 102))}, "case_id")):
        resp = web.post("/inbox/bulk", json=body, headers=JSON)
        assert resp.status_code == 400 and resp.get_json()["error"]["field"] == field, body
    outsider = web.post("/inbox/bulk", json={"op": "ignore", "case_id": cases}, headers=JSON)
    assert outsider.status_code == 200
    alice = web.__class__(app, app.test_client()).login(cast.alice)  # no inbox
    assert alice.post("/inbox/bulk", json={"op": "ignore", "case_id": cases}, headers=JSON).status_code == 404


def test_saved_filters_are_each_persons_own(app, cast, web, make_web):
    ic = inbox_cast(app, cast)
    web.login(ic.sam)
    saved = web.post("/inbox/filters", data={"name": "Mes urgences", "status": "open", "urgency": "high",
                                             "mine": "1"})
    assert saved.status_code == 302 and "urgency=high" in saved.headers["Location"]
    html = web.get("/inbox").get_data(as_text=True)
    assert "Mes urgences" in html and 'href="/inbox?status=open&amp;mine=1&amp;urgency=high"' in html
    # the same name replaces the filter; a bad value is refused with the field named
    web.post("/inbox/filters", data={"name": "Mes urgences", "status": "new"})
    bad = web.post("/inbox/filters", json={"name": "x", "urgency": "yesterday"}, headers=JSON)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "urgency"
    empty = web.post("/inbox/filters", json={"name": "  "}, headers=JSON)
    assert empty.status_code == 400 and empty.get_json()["error"]["field"] == "name"
    with app.app_context():
        [row] = db.session().query(SavedFilter).all()
        assert row.args == {"status": "new"} and row.user_id == ic.sam.id
    mia = make_web().login(ic.mia)
    assert "Mes urgences" not in mia.get("/inbox").get_data(as_text=True)
    assert mia.post(f"/inbox/filters/{row.id}/delete", headers=JSON).status_code == 404
    assert web.post(f"/inbox/filters/{row.id}/delete", headers=JSON).status_code == 200
    with app.app_context():
        assert db.session().query(SavedFilter).count() == 0


def test_no_reply_source_and_forwarded_source_names(app, cast, web):
    ic = inbox_cast(app, cast)
    forwarded = make_source(app, slug="forwarded", name="Forwarded by colleagues")
    case = make_case(app, forwarded, cast.service, text="Vu sur un forum")
    with app.app_context(), db.transaction() as s:
        s.get(User, ic.sam.id).locale = "fr"
    web.login(ic.sam)
    html = web.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert "Forwarded by colleagues" not in html
    assert "1\u202f200 abonnés" in html or "1\u00a0200 abonnés" in html


def test_each_reply_held_for_approval_notifies_every_lead_of_the_service(app, cast, web, make_web,
                                                                         captured_events):
    app.config.update(INBOX_REPLY_BACKOFF=0, INBOX_REPLY_ATTEMPTS=1)
    ic = inbox_cast(app, cast, reply_url="https://replies.example/hook")
    set_service(app, cast.service, require_approval=True)
    with app.app_context(), db.transaction() as s:
        for lead in (cast.bob, cast.admin):
            do_set_member(s, s.get(User, cast.admin.id), s.get(Group, cast.service_group.id),
                          s.get(User, lead.id), "lead")
    web.login(ic.sam)
    for text in ("First answer", "Second answer"):
        resp = web.post(f"/inbox/cases/{ic.case.id}/replies", json={"body": text}, headers=JSON)
        assert resp.get_json()["state"] == "pending_approval"
    with app.app_context():
        rows = db.session().scalars(select(Notification).where(
            Notification.kind == NotificationKind.REPLY_APPROVAL)).all()
        assert sorted((n.user_id, n.case_id) for n in rows) == sorted(
            [(cast.bob.id, ic.case.id)] * 2 + [(cast.admin.id, ic.case.id)] * 2)
    live = [e for e in captured_events if e["type"] == "notification"]
    assert {room for e in live for room in e["rooms"]} == {f"user:{cast.bob.id}", f"user:{cast.admin.id}"}
    lead = make_web().login(cast.bob)
    page = lead.get("/notifications").get_data(as_text=True)
    assert page.count(f"Sam Agent wrote a reply on case #{ic.case.id} that waits for your approval") == 2
    assert f'href="/inbox/cases/{ic.case.id}"' in page
    # the work view marks the case for the lead; a lead's own reply waits for nobody
    assert "Reply to approve" in lead.get("/inbox").get_data(as_text=True)
    lead.post(f"/inbox/cases/{ic.case.id}/replies", json={"body": "Lead answer"}, headers=JSON)
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == NotificationKind.REPLY_APPROVAL)) == 4
