"""Escalation into the network, both ways: the case opens a thread in a department group that
quotes the comment read-only; the thread's comments show in the case timeline; notes can go to
the thread; resolving marks it; the group's members may read (not work) the case."""

from __future__ import annotations

from intranet.models import Case, Comment, Mention, Notification, Post
from intranet.platform import db
from tests.case_helpers import inbox_cast, make_case

JSON = {"Accept": "application/json"}


def _escalate(web, case_id: int, group_id: int):
    return web.post(f"/inbox/cases/{case_id}/escalate", json={"group_id": group_id}, headers=JSON)


def test_escalation_quotes_the_comment_read_only_and_opens_the_case_to_the_group(app, cast, web, make_web):
    ic = inbox_cast(app, cast)
    case = make_case(app, ic.source, cast.service,
                     text="**Bold** <b>x</b> @alice #promo [link](javascript:x)")
    web.login(ic.sam)  # sam works in Service client: a member of its department group
    resp = _escalate(web, case.id, cast.service_group.id)
    assert resp.status_code == 201, resp.get_json()
    post_id = resp.get_json()["post_id"]
    with app.app_context():
        s = db.session()
        post = s.get(Post, post_id)
        assert post.group_id == cast.service_group.id
        assert f'href="/inbox/cases/{case.id}"' in post.html
        assert "jdoe" not in post.body and "x.example" not in post.body  # who wrote it stays in the case
        assert "<strong>Bold</strong>" not in post.html and "<b>" not in post.html
        assert 'href="javascript' not in post.html
        assert s.query(Mention).filter_by(post_id=post_id).count() == 0  # the customer pings no one
        assert s.query(Notification).filter_by(user_id=cast.alice.id).count() == 0
        stored = s.get(Case, case.id)
        assert (stored.group_id, stored.post_id) == (cast.service_group.id, post_id)
    bob = make_web().login(cast.bob)  # plain employee, member of the Service client group
    page = bob.get(f"/inbox/cases/{case.id}")
    assert page.status_code == 200 and "escalated to your group" in page.get_data(as_text=True)
    taken = bob.post(f"/inbox/cases/{case.id}/assign", json={"user_id": cast.bob.id}, headers=JSON)
    assert taken.status_code == 403
    alice = make_web().login(cast.alice)
    assert alice.get(f"/inbox/cases/{case.id}").status_code == 404
    assert _escalate(web, case.id, cast.service_group.id).status_code == 409


def test_thread_comments_show_in_the_timeline_and_notes_go_to_the_thread(app, cast, web, make_web):
    ic = inbox_cast(app, cast)
    web.login(ic.sam)
    post_id = _escalate(web, ic.case.id, cast.service_group.id).get_json()["post_id"]
    bob = make_web().login(cast.bob)
    resp = bob.post(f"/posts/{post_id}/comments", data={"body": "It is a known billing bug, fixed tonight"},
                    headers=JSON)
    assert resp.status_code == 201
    page = web.get(f"/inbox/cases/{ic.case.id}").get_data(as_text=True)
    assert "Bob Durand in the thread:" in page and "known billing bug" in page
    note = web.post(f"/inbox/cases/{ic.case.id}/notes", headers=JSON,
                    json={"body": "Thanks, telling the customer", "to_thread": True})
    assert note.status_code == 201
    web.post(f"/inbox/cases/{ic.case.id}/assign", json={"user_id": ic.sam.id}, headers=JSON)
    resolved = web.post(f"/inbox/cases/{ic.case.id}/status", json={"status": "resolved"}, headers=JSON)
    assert resolved.status_code == 200
    with app.app_context():
        bodies = [c.body for c in db.session().query(Comment).filter_by(post_id=post_id).order_by(Comment.id)]
    assert bodies[1] == "Thanks, telling the customer"
    assert bodies[2].endswith("Case resolved.")
    thread = bob.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "Case resolved." in thread


def test_escalation_needs_a_department_group_the_agent_may_post_in(app, cast, web):
    ic = inbox_cast(app, cast)
    web.login(ic.sam)
    assert _escalate(web, ic.case.id, cast.marketing_group.id).status_code == 403  # not a member
    assert _escalate(web, ic.case.id, cast.coffee.id).status_code == 400  # not a department group
    assert _escalate(web, ic.case.id, cast.board.id).status_code == 404  # secret: does not exist for sam
    with app.app_context():
        assert db.session().get(Case, ic.case.id).post_id is None
