"""Notifications: who is told of what, live unread counts, marking read."""

from __future__ import annotations

from domain_helpers import act, fresh, make_user
from sqlalchemy import select

from intranet.actions.comments import do_add_comment
from intranet.actions.groups import do_decide_join_request, do_join_group
from intranet.actions.notifications import do_mark_read, notify, unread_count
from intranet.actions.posts import do_create_post, do_delete_post
from intranet.models import JoinRequest, Notification, NotificationKind, Post
from intranet.platform import db


def post_by(app, author, group=None, body="A post", **kw) -> int:
    with app.app_context(), db.transaction() as s:
        return do_create_post(s, fresh(s, author), fresh(s, group) if group else None, body, **kw).id


def unread(app, user) -> int:
    with app.app_context():
        return unread_count(db.session(), user.id)


def test_comment_on_my_post_notifies_me_with_a_live_count(app, cast, captured_events):
    pid = post_by(app, cast.alice)
    for n, who in enumerate((cast.bob, cast.lea), start=1):
        with act(app, captured_events) as (s, ch):
            comment = do_add_comment(s, fresh(s, who), s.get(Post, pid), "Great")
        ev = ch.one("notification")
        assert ev["rooms"] == [f"user:{cast.alice.id}"]
        assert ev["data"]["kind"] == "comment" and ev["data"]["unread"] == n and ev["data"]["op"] == "add"
        assert ev["data"]["id"] == ch.rows[0].payload["id"]
        with app.app_context():
            note = db.session.get(Notification, ev["data"]["id"])
            assert (note.user_id, note.actor_id, note.post_id, note.comment_id) == (
                cast.alice.id, who.id, pid, comment.id)
            assert note.read_at is None


def test_my_own_comment_notifies_nobody(app, cast, captured_events):
    pid = post_by(app, cast.alice)
    with act(app, captured_events) as (s, ch):
        do_add_comment(s, fresh(s, cast.alice), s.get(Post, pid), "me again")
    assert ch.notes == [] and ch.of("notification") == []


def test_announcement_notifies_every_member_once(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        do_create_post(s, fresh(s, cast.lea), fresh(s, cast.apollo), "All hands @alice", announcement=True)
    # alice is mentioned and a member: one notification (the mention), not two
    assert ch.notified() == {cast.alice.id: ["mention"]}
    mia = make_user(app, "mia@example.com", department=cast.marketing)
    with act(app, captured_events) as (s, ch):
        pid = do_create_post(s, fresh(s, cast.lea), fresh(s, cast.marketing_group), "Team day",
                             announcement=True).id
    assert ch.notes == [(cast.alice.id, "announcement", pid), (mia.id, "announcement", pid)]
    assert {e["rooms"][0] for e in ch.of("notification")} == {f"user:{cast.alice.id}", f"user:{mia.id}"}


def test_join_request_notifies_the_leads_and_approval_the_requester(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        do_join_group(s, fresh(s, cast.bob), fresh(s, cast.apollo))
    assert ch.notified() == {cast.lea.id: ["join_request"]}
    with app.app_context():
        note = db.session.scalar(select(Notification).where(Notification.user_id == cast.lea.id))
        assert (note.actor_id, note.group_id, note.post_id) == (cast.bob.id, cast.apollo.id, None)
        rid = db.session.scalar(select(JoinRequest.id))
    with act(app, captured_events) as (s, ch):
        do_decide_join_request(s, fresh(s, cast.lea), s.get(JoinRequest, rid), True)
    assert ch.notified() == {cast.bob.id: ["join_approved"]}
    ev = ch.one("notification")
    assert ev["rooms"] == [f"user:{cast.bob.id}"] and ev["data"]["kind"] == "join_approved"


def test_mark_read_publishes_the_new_unread_count(app, cast, captured_events):
    pids = [post_by(app, cast.alice, body=f"@bob number {i}") for i in range(3)]
    assert unread(app, cast.bob) == 3
    with app.app_context():
        first = db.session.scalar(select(Notification.id).where(Notification.post_id == pids[0]))
    with act(app, captured_events) as (s, ch):
        assert do_mark_read(s, fresh(s, cast.bob), [first]) == 1
    ev = ch.one("notification")
    assert ev["rooms"] == [f"user:{cast.bob.id}"]
    assert ev["data"]["op"] == "read" and ev["data"]["unread"] == 2
    assert ch.rows[0].user_id == cast.bob.id
    with act(app, captured_events) as (s, ch):
        assert do_mark_read(s, fresh(s, cast.bob)) == 2
    assert ch.one("notification")["data"]["unread"] == 0
    with act(app, captured_events) as (s, ch):  # nothing left to mark: nothing to publish
        assert do_mark_read(s, fresh(s, cast.bob)) == 0
    assert ch.events == []


def test_mark_read_touches_only_my_notifications(app, cast, captured_events):
    post_by(app, cast.lea, body="@alice and @bob")
    with app.app_context():
        bobs = db.session.scalar(select(Notification.id).where(Notification.user_id == cast.bob.id))
    with act(app, captured_events) as (s, ch):
        assert do_mark_read(s, fresh(s, cast.alice), [bobs]) == 0
    assert ch.events == []
    assert unread(app, cast.bob) == 1 and unread(app, cast.alice) == 1
    with app.app_context(), db.transaction() as s:
        do_mark_read(s, fresh(s, cast.alice), [])
    assert unread(app, cast.alice) == 1


def test_notify_skips_the_actor_and_duplicates(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        rows = notify(s, [cast.bob.id, cast.alice.id, cast.bob.id], NotificationKind.MENTION,
                      actor=fresh(s, cast.alice))
    assert [r.user_id for r in rows] == [cast.bob.id]
    assert [e["rooms"] for e in ch.events] == [[f"user:{cast.bob.id}"]]


def test_removing_a_post_tells_the_notified_their_new_unread_count(app, cast, captured_events):
    post_by(app, cast.lea, body="Unrelated, thanks @bob")
    pid = post_by(app, cast.lea, body="Hello @alice and @bob")
    assert (unread(app, cast.alice), unread(app, cast.bob)) == (1, 2)
    with act(app, captured_events) as (s, ch):
        do_delete_post(s, fresh(s, cast.lea), s.get(Post, pid))
    counts = {e["rooms"][0]: e["data"]["unread"] for e in ch.of("notification")}
    assert counts == {f"user:{cast.alice.id}": 0, f"user:{cast.bob.id}": 1}
    assert (unread(app, cast.alice), unread(app, cast.bob)) == (0, 1)
