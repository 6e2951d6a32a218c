"""Comments and reactions: rows, events to the post's audience, outbox, notifications, access."""

from __future__ import annotations

import pytest
from domain_helpers import COMPANY, act, fresh, rooms
from sqlalchemy import func, select

from intranet.actions.comments import (
    do_add_comment,
    do_add_reaction,
    do_delete_comment,
    do_edit_comment,
    do_remove_reaction,
    do_toggle_reaction,
    reaction_counts,
)
from intranet.actions.posts import do_create_post
from intranet.models import Comment, Mention, Post, Reaction
from intranet.platform import db
from intranet.platform.errors import Conflict, Forbidden, Invalid, NotFound


def new_post(app, author, group, body="A post") -> int:
    with app.app_context(), db.transaction() as s:
        return do_create_post(s, fresh(s, author), fresh(s, group) if group else None, body).id


def new_comment(app, author, post_id, body="A comment") -> int:
    with app.app_context(), db.transaction() as s:
        return do_add_comment(s, fresh(s, author), s.get(Post, post_id), body).id


# --- comments -------------------------------------------------------------------------------

def test_comment_is_stored_published_indexed_and_notifies_the_author(app, cast, captured_events):
    pid = new_post(app, cast.alice, cast.apollo)
    with act(app, captured_events) as (s, ch):
        comment = do_add_comment(s, fresh(s, cast.lea), s.get(Post, pid), "Nice **work**")
    ev = ch.one("comment")
    assert ev["data"]["op"] == "add" and ev["data"]["id"] == comment.id
    assert ev["data"]["post_id"] == pid and ev["data"]["comments"] == 1
    assert set(ev["rooms"]) == rooms(cast.alice, cast.lea) | {f"post:{pid}"}
    assert ch.outbox == [("comment", comment.id, "upsert")]
    assert ch.notes == [(cast.alice.id, "comment", pid)]
    note = ch.one("notification")
    assert note["rooms"] == [f"user:{cast.alice.id}"] and note["data"]["kind"] == "comment"
    with app.app_context():
        stored = db.session.get(Comment, comment.id)
        assert stored.html == "<p>Nice <strong>work</strong></p>\n" and stored.author_id == cast.lea.id


def test_commenting_on_my_own_post_notifies_nobody(app, cast, captured_events):
    pid = new_post(app, cast.alice, None)
    with act(app, captured_events) as (s, ch):
        do_add_comment(s, fresh(s, cast.alice), s.get(Post, pid), "adding a detail")
    assert ch.notes == [] and ch.of("notification") == []
    assert ch.one("comment")["rooms"] == [*COMPANY, f"post:{pid}"]


def test_comment_mentions_notify_readers_only(app, cast, captured_events):
    pid = new_post(app, cast.lea, cast.apollo)
    with act(app, captured_events) as (s, ch):
        comment = do_add_comment(s, fresh(s, cast.alice), s.get(Post, pid), "cc @bob and @lea")
    # lea is mentioned (one notification, not also "comment"); bob may not read Apollo
    assert ch.notes == [(cast.lea.id, "mention", pid)]
    assert ch.reaching(cast.bob) == []
    with app.app_context():
        rows = db.session.scalars(select(Mention).where(Mention.comment_id == comment.id)).all()
        assert {m.user_id for m in rows} == {cast.bob.id, cast.lea.id}


def test_company_comment_mention_notifies_the_person_and_the_author(app, cast, captured_events):
    pid = new_post(app, cast.lea, None)
    with act(app, captured_events) as (s, ch):
        do_add_comment(s, fresh(s, cast.alice), s.get(Post, pid), "@bob knows")
    assert ch.notified() == {cast.bob.id: ["mention"], cast.lea.id: ["comment"]}


@pytest.mark.parametrize(("group", "who", "allowed"), [
    (None, "bob", True),  # company feed: everyone
    ("coffee", "alice", True),  # public group: readers may comment without joining
    ("apollo", "bob", False),  # private group: members only
    ("board", "alice", False),  # secret group: not even visible
])
def test_who_may_comment(app, cast, captured_events, group, who, allowed):
    author = {"coffee": cast.bob, "apollo": cast.lea, "board": cast.admin}.get(group, cast.lea)
    pid = new_post(app, author, getattr(cast, group) if group else None)
    if allowed:
        new_comment(app, getattr(cast, who), pid)
        return
    with pytest.raises(NotFound), act(app, captured_events) as (s, _ch):
        do_add_comment(s, fresh(s, getattr(cast, who)), s.get(Post, pid), "sneaky")
    assert captured_events == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


@pytest.mark.parametrize("body", ["", "  ", None, ["x"], "y" * 5_001])
def test_comment_body_is_validated(app, cast, body):
    pid = new_post(app, cast.alice, None)
    with pytest.raises(Invalid), app.app_context(), db.transaction() as s:
        do_add_comment(s, fresh(s, cast.bob), s.get(Post, pid), body)


def test_author_edits_comment_and_new_mentions_are_notified_once(app, cast, captured_events):
    pid = new_post(app, cast.lea, None)
    cid = new_comment(app, cast.alice, pid, "hello @bob")
    with act(app, captured_events) as (s, ch):
        do_edit_comment(s, fresh(s, cast.alice), s.get(Comment, cid), "hello @bob, *edited*")
    ev = ch.one("comment")
    assert ev["data"]["op"] == "update" and ev["data"]["id"] == cid and ev["data"]["post_id"] == pid
    assert ev["rooms"] == [*COMPANY, f"post:{pid}"]
    assert ch.outbox == [("comment", cid, "upsert")]
    assert ch.notes == []  # bob was already told
    with act(app, captured_events) as (s, ch):
        do_edit_comment(s, fresh(s, cast.alice), s.get(Comment, cid), "hello @bob and @lea")
    assert ch.notes == [(cast.lea.id, "mention", pid)]
    with app.app_context():
        comment = db.session.get(Comment, cid)
        assert comment.edited_at is not None and "@lea" in comment.body


@pytest.mark.parametrize("who", ["lea", "admin"])
def test_only_the_author_edits_a_comment(app, cast, captured_events, who):
    pid = new_post(app, cast.lea, cast.apollo)
    cid = new_comment(app, cast.alice, pid)
    with pytest.raises(Forbidden), act(app, captured_events) as (s, _ch):
        do_edit_comment(s, fresh(s, getattr(cast, who)), s.get(Comment, cid), "rewritten")
    assert captured_events == []


def test_author_deletes_comment_without_audit(app, cast, captured_events):
    pid = new_post(app, cast.lea, cast.apollo)
    cid = new_comment(app, cast.alice, pid)
    with act(app, captured_events) as (s, ch):
        do_delete_comment(s, fresh(s, cast.alice), s.get(Comment, cid))
    ev = ch.one("comment")
    assert ev["data"] == {"op": "remove", "id": cid, "post_id": pid, "comments": 0, "type": "comment",
                          "event_id": ch.rows[0].id}
    assert set(ev["rooms"]) == rooms(cast.alice, cast.lea) | {f"post:{pid}"}
    assert ch.outbox == [("comment", cid, "delete")] and ch.audits == []
    with app.app_context():
        assert db.session.get(Comment, cid) is None


@pytest.mark.parametrize(("group", "moderator"), [("apollo", "lea"), ("apollo", "admin"), (None, "admin")])
def test_leads_and_admins_remove_comments_with_audit(app, cast, captured_events, group, moderator):
    pid = new_post(app, cast.alice, getattr(cast, group) if group else None)
    cid = new_comment(app, cast.alice, pid)
    with act(app, captured_events) as (s, ch):
        do_delete_comment(s, fresh(s, getattr(cast, moderator)), s.get(Comment, cid))
    assert ch.audits == [("comment.remove", "comment", cid, {"author_id": cast.alice.id})]
    assert ch.one("comment")["data"]["op"] == "remove"


@pytest.mark.parametrize(("group", "who"), [("apollo", "alice"), (None, "lea"), (None, "bob")])
def test_others_cannot_remove_a_comment(app, cast, captured_events, group, who):
    author = cast.lea if who == "alice" else cast.alice
    pid = new_post(app, author, getattr(cast, group) if group else None)
    cid = new_comment(app, author, pid)
    with pytest.raises(Forbidden), act(app, captured_events) as (s, _ch):
        do_delete_comment(s, fresh(s, getattr(cast, who)), s.get(Comment, cid))
    with app.app_context():
        assert db.session.get(Comment, cid) is not None


# --- reactions ------------------------------------------------------------------------------

def test_reaction_add_and_remove(app, cast, captured_events):
    pid = new_post(app, cast.alice, cast.apollo)
    with act(app, captured_events) as (s, ch):
        do_add_reaction(s, fresh(s, cast.lea), s.get(Post, pid), "like")
    ev = ch.one("reaction")
    assert ev["data"]["op"] == "add" and ev["data"]["id"] == pid and ev["data"]["kind"] == "like"
    assert ev["data"]["user_id"] == cast.lea.id and ev["data"]["counts"] == {"like": 1}
    assert set(ev["rooms"]) == rooms(cast.alice, cast.lea) | {f"post:{pid}"}
    assert ch.outbox == [] and ch.notes == []
    with act(app, captured_events) as (s, ch):
        do_add_reaction(s, fresh(s, cast.alice), s.get(Post, pid), "like")
        do_add_reaction(s, fresh(s, cast.alice), s.get(Post, pid), "love")
    assert ch.of("reaction")[-1]["data"]["counts"] == {"like": 2, "love": 1}
    with act(app, captured_events) as (s, ch):
        do_remove_reaction(s, fresh(s, cast.lea), s.get(Post, pid), "like")
    ev = ch.one("reaction")
    assert ev["data"]["op"] == "remove" and ev["data"]["counts"] == {"like": 1, "love": 1}
    with app.app_context():
        assert reaction_counts(db.session(), pid) == {"like": 1, "love": 1}


def test_reacting_twice_with_the_same_emoji_conflicts(app, cast, captured_events):
    pid = new_post(app, cast.alice, None)
    with app.app_context(), db.transaction() as s:
        do_add_reaction(s, fresh(s, cast.bob), s.get(Post, pid), "wow")
    with pytest.raises(Conflict), act(app, captured_events) as (s, _ch):
        do_add_reaction(s, fresh(s, cast.bob), s.get(Post, pid), "wow")
    assert captured_events == []


@pytest.mark.parametrize("kind", ["", "thumbsup", None, 3, "LIKE"])
def test_unknown_reaction_is_invalid(app, cast, kind):
    pid = new_post(app, cast.alice, None)
    with pytest.raises(Invalid), app.app_context(), db.transaction() as s:
        do_add_reaction(s, fresh(s, cast.bob), s.get(Post, pid), kind)


def test_removing_a_missing_reaction_is_not_found(app, cast):
    pid = new_post(app, cast.alice, None)
    with pytest.raises(NotFound), app.app_context(), db.transaction() as s:
        do_remove_reaction(s, fresh(s, cast.bob), s.get(Post, pid), "sad")


def test_toggle_reaction(app, cast, captured_events):
    pid = new_post(app, cast.alice, None)
    with act(app, captured_events) as (s, ch):
        assert do_toggle_reaction(s, fresh(s, cast.bob), s.get(Post, pid), "thanks") is True
    assert ch.one("reaction")["data"]["op"] == "add"
    assert ch.one("reaction")["rooms"] == [*COMPANY, f"post:{pid}"]
    with act(app, captured_events) as (s, ch):
        assert do_toggle_reaction(s, fresh(s, cast.bob), s.get(Post, pid), "thanks") is False
    assert ch.one("reaction")["data"]["op"] == "remove"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Reaction)) == 0


@pytest.mark.parametrize(("group", "who", "allowed"), [
    ("coffee", "alice", True), ("apollo", "bob", False), ("board", "lea", False),
])
def test_who_may_react(app, cast, captured_events, group, who, allowed):
    author = {"coffee": cast.bob, "apollo": cast.lea, "board": cast.admin}[group]
    pid = new_post(app, author, getattr(cast, group))
    with app.app_context(), db.transaction() as s:
        if allowed:
            do_add_reaction(s, fresh(s, getattr(cast, who)), s.get(Post, pid), "like")
        else:
            with pytest.raises(NotFound):
                do_add_reaction(s, fresh(s, getattr(cast, who)), s.get(Post, pid), "like")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Reaction)) == int(allowed)
