"""Posts: write, edit, delete, pin, announce, acknowledge; mentions and topics.

Each test runs the action in a committed transaction and checks its rows, its events (type,
op, id and exactly which rooms), its search outbox rows and, for moderation, its audit rows.
"""

from __future__ import annotations

import threading
import time

import pytest
from domain_helpers import COMPANY, act, fresh, make_user, rooms
from sqlalchemy import func, select

from intranet.actions.comments import do_add_comment
from intranet.actions.groups import do_join_group
from intranet.actions.posts import do_acknowledge, do_create_post, do_delete_post, do_edit_post, do_pin_post
from intranet.actions.users import do_deactivate_user
from intranet.models import Comment, Mention, Notification, Post, Topic
from intranet.platform import db
from intranet.platform.errors import Conflict, Forbidden, Invalid, NotFound


def new_post(app, author, group, body, **kw) -> int:
    with app.app_context(), db.transaction() as s:
        return do_create_post(s, fresh(s, author), fresh(s, group) if group else None, body, **kw).id


# --- creating -------------------------------------------------------------------------------

def test_company_post_goes_to_the_company_room(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        post = do_create_post(s, fresh(s, cast.alice), None, "Hello **everyone**")
    ev = ch.one("post")
    assert ev["rooms"] == list(COMPANY)
    assert ev["data"]["op"] == "add" and ev["data"]["id"] == post.id and ev["data"]["group_id"] is None
    assert ev["data"]["event_id"] == ch.rows[0].id
    assert ch.outbox == [("post", post.id, "upsert")]
    assert ch.audits == [] and ch.notes == []
    with app.app_context():
        stored = db.session.get(Post, post.id)
        assert stored.body == "Hello **everyone**"
        assert stored.html == "<p>Hello <strong>everyone</strong></p>\n"
        assert stored.author_id == cast.alice.id and stored.group_id is None


@pytest.mark.parametrize(("group", "author", "members"), [
    ("coffee", "bob", ["bob"]),
    ("apollo", "alice", ["lea", "alice"]),
    ("board", "admin", ["admin"]),
    ("marketing_group", "lea", ["lea", "alice"]),
])
def test_group_post_reaches_exactly_the_members(app, cast, captured_events, group, author, members):
    with act(app, captured_events) as (s, ch):
        post = do_create_post(s, fresh(s, getattr(cast, author)), fresh(s, getattr(cast, group)), "news")
    ev = ch.one("post")
    assert set(ev["rooms"]) == rooms(*(getattr(cast, m) for m in members))
    assert ev["data"] == {"op": "add", "id": post.id, "group_id": getattr(cast, group).id,
                          "author_id": getattr(cast, author).id, "type": "post", "event_id": ch.rows[0].id}
    assert ch.rows[0].group_id == getattr(cast, group).id and ch.rows[0].user_id is None
    assert ch.outbox == [("post", post.id, "upsert")]


@pytest.mark.parametrize(("group", "who", "error"), [
    ("coffee", "alice", Forbidden),  # public: readable, but join to post
    ("apollo", "bob", Forbidden),  # private: visible, members only
    ("board", "alice", NotFound),  # secret: does not exist for her
    ("board", "lea", NotFound),
])
def test_non_members_cannot_post(app, cast, captured_events, group, who, error):
    with pytest.raises(error), act(app, captured_events) as (s, _ch):
        do_create_post(s, fresh(s, getattr(cast, who)), fresh(s, getattr(cast, group)), "let me in")
    assert captured_events == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0


@pytest.mark.parametrize("body", ["", "   ", None, 42, "x" * 20_001])
def test_post_body_is_validated(app, cast, body):
    with pytest.raises(Invalid), app.app_context(), db.transaction() as s:
        do_create_post(s, fresh(s, cast.alice), None, body)


# --- editing --------------------------------------------------------------------------------

def test_author_edits_and_readers_are_told(app, cast, captured_events):
    pid = new_post(app, cast.alice, cast.apollo, "first draft")
    with act(app, captured_events) as (s, ch):
        do_edit_post(s, fresh(s, cast.alice), s.get(Post, pid), "second *draft*")
    ev = ch.one("post")
    assert ev["data"]["op"] == "update" and ev["data"]["id"] == pid
    assert set(ev["rooms"]) == rooms(cast.alice, cast.lea) | {f"post:{pid}"}  # and its open pages
    assert ch.rows[0].post_id == pid
    assert ch.outbox == [("post", pid, "upsert")]
    with app.app_context():
        post = db.session.get(Post, pid)
        assert post.body == "second *draft*" and "<em>draft</em>" in post.html
        assert post.edited_at is not None


@pytest.mark.parametrize("who", ["lea", "admin"])
def test_only_the_author_edits(app, cast, captured_events, who):
    pid = new_post(app, cast.alice, cast.apollo, "mine")
    with pytest.raises(Forbidden), act(app, captured_events) as (s, _ch):
        do_edit_post(s, fresh(s, getattr(cast, who)), s.get(Post, pid), "theirs")
    assert captured_events == []


# --- deleting -------------------------------------------------------------------------------

def test_author_deletes_own_post_without_audit(app, cast, captured_events):
    pid = new_post(app, cast.alice, cast.apollo, "oops")
    with app.app_context(), db.transaction() as s:
        cid = do_add_comment(s, fresh(s, cast.lea), s.get(Post, pid), "a reply").id
    with act(app, captured_events) as (s, ch):
        do_delete_post(s, fresh(s, cast.alice), s.get(Post, pid))
    ev = ch.one("post")
    assert ev["data"]["op"] == "remove" and ev["data"]["id"] == pid
    assert set(ev["rooms"]) == rooms(cast.alice, cast.lea)
    assert sorted(ch.outbox) == [("comment", cid, "delete"), ("post", pid, "delete")]
    assert ch.audits == []
    with app.app_context():
        assert db.session.get(Post, pid) is None and db.session.get(Comment, cid) is None


@pytest.mark.parametrize(("group", "author", "moderator"), [
    ("apollo", "alice", "lea"),  # group lead
    ("apollo", "alice", "admin"),  # admin, not even a member
    (None, "alice", "admin"),  # company feed: admins
])
def test_leads_and_admins_remove_posts_with_audit(app, cast, captured_events, group, author, moderator):
    pid = new_post(app, getattr(cast, author), getattr(cast, group) if group else None, "off topic")
    with act(app, captured_events) as (s, ch):
        do_delete_post(s, fresh(s, getattr(cast, moderator)), s.get(Post, pid))
    assert ch.one("post")["data"]["op"] == "remove"
    data = {"author_id": getattr(cast, author).id, "group_id": getattr(cast, group).id if group else None}
    assert ch.audits == [("post.remove", "post", pid, data)]
    with app.app_context():
        assert db.session.get(Post, pid) is None


@pytest.mark.parametrize(("group", "author", "who"), [
    ("apollo", "lea", "alice"),  # a plain member
    (None, "alice", "lea"),  # a group lead has no power on the company feed
    (None, "alice", "bob"),
])
def test_others_cannot_delete(app, cast, captured_events, group, author, who):
    pid = new_post(app, getattr(cast, author), getattr(cast, group) if group else None, "stay")
    with pytest.raises(Forbidden), act(app, captured_events) as (s, _ch):
        do_delete_post(s, fresh(s, getattr(cast, who)), s.get(Post, pid))
    with app.app_context():
        assert db.session.get(Post, pid) is not None


# --- pinning --------------------------------------------------------------------------------

@pytest.mark.parametrize(("group", "who"), [("apollo", "lea"), ("apollo", "admin"), (None, "admin")])
def test_leads_and_admins_pin_and_unpin(app, cast, captured_events, group, who):
    pid = new_post(app, cast.alice, getattr(cast, group) if group else None, "important")
    with act(app, captured_events) as (s, ch):
        do_pin_post(s, fresh(s, getattr(cast, who)), s.get(Post, pid), True)
    ev = ch.one("post")
    assert ev["data"]["op"] == "update" and ev["data"]["id"] == pid
    assert set(ev["rooms"]) == (rooms(cast.alice, cast.lea) if group else COMPANY)
    assert ch.audits == [("post.pin", "post", pid, {})]
    with app.app_context():
        assert db.session.get(Post, pid).pinned_at is not None
    with act(app, captured_events) as (s, ch):
        do_pin_post(s, fresh(s, getattr(cast, who)), s.get(Post, pid), False)
    assert ch.audits == [("post.unpin", "post", pid, {})]
    with app.app_context():
        assert db.session.get(Post, pid).pinned_at is None


@pytest.mark.parametrize(("group", "who"), [("apollo", "alice"), (None, "lea"), (None, "alice")])
def test_members_cannot_pin(app, cast, captured_events, group, who):
    pid = new_post(app, cast.alice, getattr(cast, group) if group else None, "me first")
    with pytest.raises(Forbidden), act(app, captured_events) as (s, _ch):
        do_pin_post(s, fresh(s, getattr(cast, who)), s.get(Post, pid), True)
    assert captured_events == []


# --- announcements and acknowledgements ----------------------------------------------------

def test_lead_announces_to_every_member(app, cast, captured_events):
    mia = make_user(app, "mia@example.com", department=cast.marketing)
    with act(app, captured_events) as (s, ch):
        post = do_create_post(s, fresh(s, cast.lea), fresh(s, cast.marketing_group), "Read me",
                              announcement=True)
    assert post.is_announcement
    assert ch.notified() == {cast.alice.id: ["announcement"], mia.id: ["announcement"]}
    notes = ch.of("notification")
    assert {tuple(e["rooms"]) for e in notes} == {(f"user:{cast.alice.id}",), (f"user:{mia.id}",)}
    assert all(e["data"]["kind"] == "announcement" and e["data"]["unread"] == 1 for e in notes)


def test_company_announcement_is_for_admins_and_reaches_every_active_account(app, cast, captured_events):
    gone = make_user(app, "gone@example.com")
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, fresh(s, gone), acting_user=fresh(s, cast.admin))
    with act(app, captured_events) as (s, ch):
        do_create_post(s, fresh(s, cast.admin), None, "Company news", announcement=True)
    assert set(ch.notified()) == {cast.alice.id, cast.bob.id, cast.lea.id}
    with pytest.raises(Forbidden), app.app_context(), db.transaction() as s:
        do_create_post(s, fresh(s, cast.lea), None, "I am only a group lead", announcement=True)


def test_group_announcement_skips_deactivated_members(app, cast, captured_events):
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, fresh(s, cast.alice), acting_user=fresh(s, cast.admin))
    with act(app, captured_events) as (s, ch):
        do_create_post(s, fresh(s, cast.lea), fresh(s, cast.apollo), "Sprint review", announcement=True)
    assert ch.notified() == {}
    assert ch.of("notification") == []


@pytest.mark.parametrize(("group", "who"), [("apollo", "alice"), ("coffee", "alice")])
def test_plain_members_cannot_announce(app, cast, group, who):
    if group == "coffee":
        with app.app_context(), db.transaction() as s:
            do_join_group(s, fresh(s, cast.alice), fresh(s, cast.coffee))
    with pytest.raises(Forbidden), app.app_context(), db.transaction() as s:
        do_create_post(s, fresh(s, getattr(cast, who)), fresh(s, getattr(cast, group)), "Hear me",
                       announcement=True)


def test_acknowledge_once_and_author_sees_the_count(app, cast, captured_events):
    pid = new_post(app, cast.lea, cast.marketing_group, "Please confirm", announcement=True)
    with act(app, captured_events) as (s, ch):
        count = do_acknowledge(s, fresh(s, cast.alice), s.get(Post, pid))
    assert count == 1
    ev = ch.one("post")
    assert ev["rooms"] == [f"user:{cast.lea.id}"]
    assert ev["data"]["op"] == "ack" and ev["data"]["id"] == pid and ev["data"]["acks"] == 1
    assert ch.rows[0].user_id == cast.lea.id
    with pytest.raises(Conflict), act(app, captured_events) as (s, _ch):
        do_acknowledge(s, fresh(s, cast.alice), s.get(Post, pid))
    assert captured_events == []


def test_only_announcements_are_acknowledged(app, cast):
    pid = new_post(app, cast.lea, cast.marketing_group, "Just chatting")
    with pytest.raises(Invalid), app.app_context(), db.transaction() as s:
        do_acknowledge(s, fresh(s, cast.alice), s.get(Post, pid))


def test_acknowledging_needs_read_access(app, cast):
    pid = new_post(app, cast.lea, cast.apollo, "Apollo only", announcement=True)
    with pytest.raises(NotFound), app.app_context(), db.transaction() as s:
        do_acknowledge(s, fresh(s, cast.bob), s.get(Post, pid))


# --- mentions -------------------------------------------------------------------------------

def test_mention_on_company_feed_notifies_the_person(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        post = do_create_post(s, fresh(s, cast.alice), None, "Thanks @bob for the help")
    assert ch.notes == [(cast.bob.id, "mention", post.id)]
    note = ch.one("notification")
    assert note["rooms"] == [f"user:{cast.bob.id}"]
    assert note["data"]["op"] == "add" and note["data"]["kind"] == "mention" and note["data"]["unread"] == 1
    assert f'href="/people/{cast.bob.id}"' in post.html and 'class="mention"' in post.html
    with app.app_context():
        assert db.session.scalar(select(Mention.user_id).where(Mention.post_id == post.id)) == cast.bob.id


def test_mention_in_private_group_never_reaches_a_non_member(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        do_create_post(s, fresh(s, cast.alice), fresh(s, cast.apollo), "Ask @bob about the budget, @lea")
    assert ch.notified() == {cast.lea.id: ["mention"]}
    assert ch.reaching(cast.bob) == []


def test_mention_of_a_deactivated_person_is_ignored(app, cast, captured_events):
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, fresh(s, cast.bob), acting_user=fresh(s, cast.admin))
    with act(app, captured_events) as (s, ch):
        post = do_create_post(s, fresh(s, cast.alice), None, "hi @bob")
    assert ch.notes == [] and "/people/" not in post.html


def test_group_mention_notifies_members_who_may_read(app, cast, captured_events):
    mia = make_user(app, "mia@example.com", department=cast.marketing)  # marketing, not in apollo
    with act(app, captured_events) as (s, ch):
        post = do_create_post(s, fresh(s, cast.lea), fresh(s, cast.apollo), "FYI @marketing")
    assert ch.notified() == {cast.alice.id: ["mention"]}  # lea wrote it; mia may not read Apollo
    assert ch.reaching(mia) == []
    assert f'href="/groups/{cast.marketing_group.id}"' in post.html


def test_group_mention_needs_the_right_to_post_there(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        do_create_post(s, fresh(s, cast.bob), None, "Hey @project-apollo and @marketing")
    assert ch.notes == []
    with act(app, captured_events) as (s, ch):
        do_create_post(s, fresh(s, cast.alice), None, "Hey @project-apollo")
    assert ch.notified() == {cast.lea.id: ["mention"]}


def test_secret_group_mention_by_outsider_does_nothing(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        post = do_create_post(s, fresh(s, cast.bob), None, "What is @board?")
    assert ch.notes == [] and "/groups/" not in post.html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Mention)) == 0


def test_mentions_in_code_and_links_are_ignored(app, cast, captured_events):
    body = "`@bob` and [@bob](http://wiki.corp/@bob) and <http://wiki.corp/@lea>\n\n```\n@lea\n```"
    with act(app, captured_events) as (s, ch):
        post = do_create_post(s, fresh(s, cast.alice), None, body)
    assert ch.notes == [] and ch.of("notification") == []
    assert "/people/" not in post.html


def test_edit_notifies_only_newly_mentioned_people(app, cast, captured_events):
    pid = new_post(app, cast.alice, None, "Hi @bob")
    with act(app, captured_events) as (s, ch):
        do_edit_post(s, fresh(s, cast.alice), s.get(Post, pid), "Hi @bob and @lea")
    assert ch.notes == [(cast.lea.id, "mention", pid)]
    assert ch.reaching(cast.bob) == []
    with act(app, captured_events) as (s, ch):
        do_edit_post(s, fresh(s, cast.alice), s.get(Post, pid), "Hi @lea, @bob (typo fixed)")
    assert ch.notes == []


def test_edit_adding_a_group_mention_notifies_its_new_readers(app, cast, captured_events):
    pid = new_post(app, cast.alice, None, "Hi @lea")
    with act(app, captured_events) as (s, ch):
        do_edit_post(s, fresh(s, cast.alice), s.get(Post, pid), "Hi @lea and @service-client")
    assert ch.notes == []  # alice is not in Service client: she may not ping it
    with act(app, captured_events) as (s, ch):
        do_edit_post(s, fresh(s, cast.alice), s.get(Post, pid), "Hi @lea and @project-apollo")
    assert ch.notes == []  # lea, Apollo's other member, was already mentioned
    mia = make_user(app, "mia@example.com", department=cast.marketing)
    with act(app, captured_events) as (s, ch):
        do_edit_post(s, fresh(s, cast.alice), s.get(Post, pid), "Hi @lea, @project-apollo, @marketing")
    assert ch.notes == [(mia.id, "mention", pid)]


# --- topics ---------------------------------------------------------------------------------

def test_topics_are_recorded_case_insensitive_with_accents(app, cast):
    pid = new_post(app, cast.alice, None, "#Café time, #CAFÉ again and #Budget2025. Not `#code`.")
    with app.app_context():
        post = db.session.get(Post, pid)
        assert [t.name for t in post.topics] == ["budget2025", "café"]
        assert 'href="/topics/caf%C3%A9"' in post.html and 'class="topic"' in post.html
    pid2 = new_post(app, cast.bob, None, "More #budget2025")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Topic)) == 2
        assert [t.name for t in db.session.get(Post, pid2).topics] == ["budget2025"]


def test_edit_replaces_topics(app, cast):
    pid = new_post(app, cast.alice, None, "#alpha #beta")
    with app.app_context(), db.transaction() as s:
        do_edit_post(s, fresh(s, cast.alice), s.get(Post, pid), "#beta #gamma")
    with app.app_context():
        assert [t.name for t in db.session.get(Post, pid).topics] == ["beta", "gamma"]


def test_notifications_of_a_deleted_post_go_with_it(app, cast):
    pid = new_post(app, cast.alice, None, "ping @bob")
    with app.app_context(), db.transaction() as s:
        do_delete_post(s, fresh(s, cast.alice), s.get(Post, pid))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_two_posts_creating_the_same_topic_at_the_same_moment_both_succeed(app, cast, session):
    """The first post's new #topic is written but not committed when the second post looks for
    it: the second must not fail on the unique name (it answered 500), and both share one topic."""
    flushed, errors = threading.Event(), []

    def first() -> None:
        with app.app_context(), db.transaction() as s:
            do_create_post(s, s.get(type(cast.alice), cast.alice.id), None, "Launch day #fresh")
            s.flush()
            flushed.set()
            time.sleep(0.3)  # still open when the second post looks for the topic

    def second() -> None:
        flushed.wait(5)
        try:
            with app.app_context(), db.transaction() as s:
                do_create_post(s, s.get(type(cast.bob), cast.bob.id), None, "Me too #fresh")
        except Exception as exc:  # the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    assert session.scalar(select(func.count()).select_from(Topic).where(Topic.name == "fresh")) == 1
    posts = session.scalars(select(Post).where(Post.body.contains("#fresh"))).all()
    assert len(posts) == 2 and all([t.name for t in p.topics] == ["fresh"] for p in posts)
