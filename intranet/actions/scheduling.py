"""Posts scheduled for later: written now, published by the scheduler at their time.

Until then a scheduled post is only a row its author sees: no feed, search document, event or
notification exists. At its time ``publish_due`` calls ``do_create_post`` as the author, so every
check (still a member, still a lead for an announcement) runs then, and its events, mentions,
@all and announcement notifications go out at publication, not before. A refused publication
keeps the row with the reason, for the author to change or cancel.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from intranet.actions.poll_spec import PollSpec, parse_poll, parse_time
from intranet.actions.posts import _body, check_can_post, check_kind, discard_draft, do_create_post
from intranet.models import Group, Post, ScheduledPost, User, utcnow
from intranet.platform import db
from intranet.platform.errors import DomainError, Forbidden, Invalid, NotFound
from intranet.platform.events import publish

log = logging.getLogger(__name__)
MIN_AHEAD = timedelta(minutes=1)
MAX_AHEAD = timedelta(days=366)
BATCH = 50


def parse_publish_at(value: object, *, now: datetime | None = None) -> datetime:
    now = now or utcnow()
    when = parse_time(value, "publish_at")
    if when < now + MIN_AHEAD:
        raise Invalid(_("Choose a publication time at least a minute from now."), field="publish_at")
    if when > now + MAX_AHEAD:
        raise Invalid(_("Choose a publication time within a year."), field="publish_at")
    return when


def do_schedule_post(session: Session, author: User, group: Group | None, body: object,
                     publish_at: datetime, *, announcement: bool = False, kind: object = None,
                     poll: PollSpec | None = None) -> ScheduledPost:
    """Check now what can be checked (place, rights, text, poll), keep it for ``publish_at``."""
    check_can_post(author, group, announcement=announcement)
    kind = check_kind(kind, poll)
    if poll is not None and poll.closes_at is not None and poll.closes_at <= publish_at:
        raise Invalid(_("The poll would close before it is published."), field="poll.closes_at")
    row = ScheduledPost(author_id=author.id, group_id=group.id if group else None, body=_body(body),
                        kind=kind, announcement=announcement, poll=poll.to_json() if poll else None,
                        publish_at=publish_at)
    session.add(row)
    discard_draft(session, author, group)
    session.flush()
    publish(session, "scheduled", {"op": "add", "id": row.id}, user_id=author.id)
    return row


def do_cancel_scheduled(session: Session, user: User, row: ScheduledPost) -> None:
    if row.author_id != user.id:
        raise NotFound(_("This scheduled post does not exist."))
    session.delete(row)
    publish(session, "scheduled", {"op": "remove", "id": row.id}, user_id=user.id)


def access_scheduled(session: Session, user: User, scheduled_id: int) -> ScheduledPost:
    """A scheduled post is its author's alone (404 for everyone else)."""
    row = session.get(ScheduledPost, scheduled_id)
    if row is None or row.author_id != user.id:
        raise NotFound(_("This scheduled post does not exist."))
    return row


def publish_one(session: Session, row: ScheduledPost) -> Post | None:
    """Publish as its author; the row goes. Raises the action's error if refused now.

    The row is claimed by deleting it first: a second scheduler running at the same moment finds
    nothing to delete (PostgreSQL waits for the first's commit; SQLite has one writer) and stops."""
    claimed = session.execute(delete(ScheduledPost).where(ScheduledPost.id == row.id,
                                                          ScheduledPost.error.is_(None)))
    if claimed.rowcount != 1:
        return None
    author = session.get(User, row.author_id)
    if author is None or not author.is_active_account:
        raise Forbidden(_("The author's account is no longer active."))
    poll = parse_poll(row.poll, now=utcnow()) if row.poll else None
    post = do_create_post(session, author, row.group, row.body, announcement=row.announcement,
                          kind=row.kind, poll=poll)
    publish(session, "scheduled", {"op": "published", "id": row.id, "post_id": post.id}, user_id=author.id)
    return post


def publish_due(now: datetime | None = None) -> int:
    """The scheduler's job: publish every scheduled post whose time has come, each in its own
    transaction (one refused post never holds back the others). Returns how many were published.

    Each row is claimed by deleting it in its publishing transaction (``publish_one``).
    """
    now = now or utcnow()
    published = 0
    ids = list(db.session.scalars(select(ScheduledPost.id).where(
        ScheduledPost.publish_at <= now, ScheduledPost.error.is_(None))
        .order_by(ScheduledPost.publish_at, ScheduledPost.id).limit(BATCH)))
    db.session.rollback()
    for sid in ids:
        try:
            with db.transaction() as s:
                row = s.get(ScheduledPost, sid)
                if row is None or publish_one(s, row) is None:
                    continue
            published += 1
        except DomainError as exc:
            _mark_failed(sid, exc.message)
        except Exception as exc:
            db.log_round_failure(log, exc, "scheduled post %s: publication failed, will retry", sid)
    return published


def _mark_failed(sid: int, reason: str) -> None:
    with db.transaction() as s:
        row = s.get(ScheduledPost, sid)
        if row is not None:
            row.error = reason[:400]
            publish(s, "scheduled", {"op": "failed", "id": sid}, user_id=row.author_id)


def publish_due_job() -> int:
    """Registered with the mail sender's periodic jobs (``mail.register_job``): the embedded
    default runs it every ``MAIL_JOBS_SECONDS`` in its thread, ``flask mail worker`` or cron's
    ``flask mail jobs`` elsewhere. It queues no mail itself: 0 for the job's mail count."""
    count = publish_due()
    if count:
        log.info("published %d scheduled post(s)", count)
    return 0
