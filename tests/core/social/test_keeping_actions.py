"""The actions behind scheduling, @all, reminders and live poll results: what each writes, which
events go where, who is notified, and when (a scheduled post: at publication, not before)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from intranet.actions.announcements import do_remind_unacknowledged, unacknowledged
from intranet.actions.groups import do_remove_member
from intranet.actions.poll_spec import parse_poll
from intranet.actions.polls import do_vote
from intranet.actions.posts import do_acknowledge, do_create_post
from intranet.actions.scheduling import do_schedule_post, publish_due
from intranet.models import Notification, PollOption, Post, ScheduledPost, utcnow
from intranet.platform import db
from intranet.platform.errors import Conflict, Forbidden, Invalid
from tests.domain_helpers import act, fresh, rooms
from tests.mail_helpers import text_part


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_scheduled_post_exists_for_nobody_until_published_then_notifies(app, cast, captured_events):
    when = utcnow() + timedelta(hours=2)
    with act(app, captured_events) as (s, ch):
        row = do_schedule_post(s, fresh(s, cast.lea), fresh(s, cast.marketing_group),
                               "Big news for @alice", when, announcement=True)
    assert [e["type"] for e in ch.events] == ["scheduled"] and ch.one("scheduled")["rooms"] == list(
        rooms(cast.lea))
    assert ch.notes == [] and _count(app, Post) == 0
    with app.app_context():
        assert publish_due(now=utcnow()) == 0  # not yet
    assert _count(app, Post) == 0 and _count(app, ScheduledPost) == 1
    del captured_events[:]
    with app.app_context():
        assert publish_due(now=when + timedelta(seconds=1)) == 1
        assert publish_due(now=when + timedelta(seconds=2)) == 0  # claimed once
        post = db.session.scalar(select(Post))
        notes = {(n.user_id, n.kind.value) for n in db.session.scalars(select(Notification))}
    assert post.is_announcement and post.author_id == cast.lea.id and _count(app, ScheduledPost) == 0
    assert (cast.alice.id, "mention") in notes  # mentioned, and so not told twice as a reader
    post_events = [e for e in captured_events if e["type"] == "post"]
    assert [e["data"]["op"] for e in post_events] == ["add"] and row.id


def test_a_publication_refused_at_its_time_keeps_the_reason(app, cast, captured_events):
    when = utcnow() + timedelta(hours=1)
    with act(app, captured_events) as (s, _ch):
        do_schedule_post(s, fresh(s, cast.alice), fresh(s, cast.apollo), "later", when)
    with app.app_context(), db.transaction() as s:
        do_remove_member(s, fresh(s, cast.lea), fresh(s, cast.apollo), fresh(s, cast.alice))
    with app.app_context():
        assert publish_due(now=when + timedelta(minutes=1)) == 0
        row = db.session.scalar(select(ScheduledPost))
    assert row.error and _count(app, Post) == 0


def test_schedule_refusals(app, cast):
    with app.app_context(), db.transaction() as s:
        alice = fresh(s, cast.alice)
        with pytest.raises(Forbidden):
            do_schedule_post(s, alice, fresh(s, cast.marketing_group), "x", utcnow() + timedelta(hours=1),
                             announcement=True)
        with pytest.raises(Invalid):
            poll = parse_poll({"options": ["a", "b"],
                               "closes_at": (utcnow() + timedelta(hours=1)).isoformat()})
            do_schedule_post(s, alice, None, "x", utcnow() + timedelta(hours=2), poll=poll)


def test_at_all_notifies_every_member_once_for_leads_only(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        do_create_post(s, fresh(s, cast.lea), fresh(s, cast.apollo), "@all meeting at 3, @alice too")
    assert ch.notified() == {cast.alice.id: ["mention"]}  # lea writes: everyone but her, once
    with app.app_context(), db.transaction() as s, pytest.raises(Forbidden):
        do_create_post(s, fresh(s, cast.alice), fresh(s, cast.apollo), "@all look")


def test_reminder_notifies_and_mails_who_has_not_acknowledged(app, cast, captured_events, smtp_server,
                                                             send_mail):
    with app.app_context(), db.transaction() as s:
        post_id = do_create_post(s, fresh(s, cast.lea), fresh(s, cast.apollo), "Read this",
                                 announcement=True).id
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert [u.id for u in unacknowledged(db.session, post)] == [cast.alice.id]
    with act(app, captured_events) as (s, ch):
        reminded = do_remind_unacknowledged(s, fresh(s, cast.lea), s.get(Post, post_id))
    assert reminded == [cast.alice.id] and ch.notified() == {cast.alice.id: ["ack_reminder"]}
    assert ch.audits[0][0] == "post.remind"
    assert send_mail() >= 1
    mails = smtp_server.to("alice@example.com")
    assert mails and "Read this" in text_part(mails[-1]) and f"/posts/{post_id}" in text_part(mails[-1])
    with app.app_context(), db.transaction() as s, pytest.raises(Conflict):
        do_remind_unacknowledged(s, fresh(s, cast.lea), s.get(Post, post_id))  # within the hour
    with app.app_context(), db.transaction() as s, pytest.raises(Forbidden):
        do_remind_unacknowledged(s, fresh(s, cast.alice), s.get(Post, post_id))
    with app.app_context(), db.transaction() as s:
        do_acknowledge(s, fresh(s, cast.alice), s.get(Post, post_id))
        assert unacknowledged(s, s.get(Post, post_id)) == []


def test_vote_event_carries_counts_to_the_audience_and_the_post_room(app, cast, captured_events):
    with app.app_context(), db.transaction() as s:
        post = do_create_post(s, fresh(s, cast.bob), fresh(s, cast.coffee), "Tea or coffee?",
                              poll=parse_poll({"options": ["Tea", "Coffee"]}))
        post_id = post.id
    with act(app, captured_events) as (s, ch):
        post = s.get(Post, post_id)
        first = s.scalar(select(PollOption.id).where(PollOption.post_id == post_id)
                         .order_by(PollOption.position))
        do_vote(s, fresh(s, cast.alice), post, [first])
    ev = ch.one("poll")
    assert ev["data"]["counts"] == {str(first): 1} and ev["data"]["voters"] == 1
    assert f"post:{post_id}" in ev["rooms"] and f"user:{cast.bob.id}" in ev["rooms"]
    assert "Alice" not in str(ev["data"])  # never who voted
