"""Group pages: directory, creation, join/leave, requests, members and settings."""

from __future__ import annotations

from sqlalchemy import event, select

from intranet.models import Group, JoinRequest, Membership, RequestStatus, Role
from intranet.platform import db

JSON = {"Accept": "application/json"}


def _flashes(web) -> list[tuple[str, str]]:
    """What the next page will show (base.html renders the flashed messages)."""
    with web.raw.session_transaction() as sess:
        return list(sess.get("_flashes", []))


def _role(app, group_id: int, user_id: int) -> Role | None:
    """Read in a fresh app context: the requests under test must not share ours (nor its g)."""
    with app.app_context():
        membership = db.session.get(Membership, (group_id, user_id))
        return membership.role if membership else None


def test_directory_lists_my_groups_first_and_hides_secret_ones(web, cast):
    web.login(cast.alice)
    html = web.get("/groups").get_data(as_text=True)
    assert "Board" not in html  # secret, alice is not a member
    mine = [html.index("Project Apollo"), html.index(">Marketing<")]
    others = [html.index("Coffee lovers"), html.index(">Service client<")]
    assert max(mine) < min(others)
    assert "Ask to join" in html and ">Join<" in html and ">Leave<" in html


def test_directory_counts_members_in_one_query(app, web, cast):
    web.login(cast.admin)
    statements: list[str] = []

    with app.app_context():
        engine = db.engine()
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            html = web.get("/groups").get_data(as_text=True)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    assert "Board" in html  # the admin is a member of the secret group
    counts = [s for s in statements if "count(" in s.lower() and "memberships" in s.lower()
              and "posts" not in s.lower()]  # the side rail counts new posts, not members
    assert len(counts) == 1


def test_create_group_with_each_visibility(app, web, cast):
    web.login(cast.bob)
    for visibility in ("public", "private", "secret"):
        response = web.post("/groups/new", data={"name": f"Team {visibility}", "description": "",
                                                 "kind": "project", "visibility": visibility})
        assert response.status_code == 302
        with app.app_context():
            group = db.session.scalar(select(Group).where(Group.name == f"Team {visibility}"))
            assert group.visibility == visibility
            assert response.headers["Location"] == f"/groups/{group.id}"
        assert _role(app, group.id, cast.bob.id) == Role.LEAD
    other = web.post("/groups/new", data={"name": "", "kind": "department", "visibility": "open"})
    html = other.get_data(as_text=True)
    assert other.status_code == 400 and "Enter a name." in html and "Not a valid choice" in html


def test_join_public_group(app, web, cast):
    web.login(cast.alice)
    response = web.post(f"/groups/{cast.coffee.id}/join", headers=JSON)
    assert response.status_code == 200 and response.json["outcome"] == "joined"
    assert _role(app, cast.coffee.id, cast.alice.id) == Role.MEMBER


def test_private_group_request_then_lead_approves(app, web, make_web, cast):
    web.login(cast.bob)
    asked = web.post(f"/groups/{cast.apollo.id}/join", data={"message": "Can I help?"})
    assert asked.status_code == 302
    assert _role(app, cast.apollo.id, cast.bob.id) is None
    assert web.post(f"/groups/{cast.apollo.id}/join", headers=JSON).status_code == 409  # already asked

    lea = make_web().login(cast.lea)
    page = lea.get(f"/groups/{cast.apollo.id}/members").get_data(as_text=True)
    assert "Requests to join" in page and "Can I help?" in page
    with app.app_context():
        request_id = db.session.scalar(select(JoinRequest.id).where(JoinRequest.user_id == cast.bob.id))
    bob_decides = web.post(f"/groups/{cast.apollo.id}/requests/{request_id}",
                           data={"decision": "approve"}, headers=JSON)
    assert bob_decides.status_code == 403
    approved = lea.post(f"/groups/{cast.apollo.id}/requests/{request_id}", data={"decision": "approve"})
    assert approved.status_code == 302
    assert _role(app, cast.apollo.id, cast.bob.id) == Role.MEMBER
    with app.app_context():
        assert db.session.get(JoinRequest, request_id).status == RequestStatus.APPROVED


def test_secret_group_is_404_for_non_members_everywhere(web, cast):
    web.login(cast.alice)
    board = cast.board.id
    for method, url in [("get", f"/groups/{board}/members"), ("get", f"/groups/{board}/settings"),
                        ("post", f"/groups/{board}/join"), ("post", f"/groups/{board}/leave"),
                        ("post", f"/groups/{board}/members"), ("post", f"/groups/{board}/settings")]:
        assert getattr(web, method)(url).status_code == 404, url


def test_last_lead_cannot_leave(app, web, cast):
    web.login(cast.bob)
    response = web.post(f"/groups/{cast.coffee.id}/leave")
    assert response.status_code == 302
    [(category, message)] = _flashes(web)
    assert category == "error" and "at least one lead" in message
    assert _role(app, cast.coffee.id, cast.bob.id) == Role.LEAD
    as_json = web.post(f"/groups/{cast.coffee.id}/leave", headers=JSON)
    assert as_json.status_code == 409 and "at least one lead" in as_json.json["error"]["message"]


def test_member_leaves(app, web, cast):
    web.login(cast.alice)
    response = web.post(f"/groups/{cast.apollo.id}/leave")
    assert response.status_code == 302 and response.headers["Location"] == "/groups"
    assert _role(app, cast.apollo.id, cast.alice.id) is None


def test_lead_adds_promotes_and_removes_members(app, web, make_web, cast):
    web.login(cast.lea)
    added = web.post(f"/groups/{cast.apollo.id}/members", data={"user": "@bob", "role": "member"})
    assert added.status_code == 302 and _role(app, cast.apollo.id, cast.bob.id) == Role.MEMBER
    promoted = web.post(f"/groups/{cast.apollo.id}/members/{cast.alice.id}/role", data={"role": "lead"})
    assert promoted.status_code == 302 and _role(app, cast.apollo.id, cast.alice.id) == Role.LEAD
    removed = web.post(f"/groups/{cast.apollo.id}/members/{cast.bob.id}/remove")
    assert removed.status_code == 302 and _role(app, cast.apollo.id, cast.bob.id) is None
    unknown = web.post(f"/groups/{cast.apollo.id}/members", data={"user": "nobody@example.com"})
    assert unknown.status_code == 400 and "Nobody active" in unknown.get_data(as_text=True)

    alice = make_web().login(cast.alice)  # now a lead herself: she sees the management forms
    assert "Add a member" in alice.get(f"/groups/{cast.apollo.id}/members").get_data(as_text=True)


def test_members_cannot_manage(app, web, cast):
    web.login(cast.alice)
    page = web.get(f"/groups/{cast.apollo.id}/members").get_data(as_text=True)
    assert "Léa Bernard" in page and "Add a member" not in page
    assert web.post(f"/groups/{cast.apollo.id}/members", data={"user": "bob"}).status_code == 403
    assert web.post(f"/groups/{cast.apollo.id}/members/{cast.lea.id}/role",
                    data={"role": "member"}, headers=JSON).status_code == 403
    assert web.get(f"/groups/{cast.apollo.id}/settings").status_code == 403
    assert _role(app, cast.apollo.id, cast.lea.id) == Role.LEAD


def test_lead_changes_settings(app, web, cast):
    web.login(cast.lea)
    form = web.get(f"/groups/{cast.apollo.id}/settings").get_data(as_text=True)
    assert '<input checked id="visibility-1" name="visibility" type="radio" value="private">' in form
    response = web.post(f"/groups/{cast.apollo.id}/settings",
                        data={"name": "Apollo 2", "description": "Moon", "visibility": "secret"})
    assert response.status_code == 302
    with app.app_context():
        group = db.session.get(Group, cast.apollo.id)
        assert (group.name, group.description, group.visibility) == ("Apollo 2", "Moon", "secret")
