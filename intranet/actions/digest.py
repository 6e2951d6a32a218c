"""Digests: each person's daily or weekly mail (their choice; weekly by default) of the most
active posts of their groups and the company feed they have not taken part in, plus the
notifications of the kinds they chose to receive "in the digest", in their language.

The app keeps no per-post read state, so "not read" is approximated by "not mine, and I have
not commented, reacted or acknowledged it". Muted groups are left out. A digest is due a day
(a week) after the previous one, or after the account was created; each person's digest is
claimed by moving ``last_digest_at`` with a conditional UPDATE in the transaction that queues
it, so two workers never send the same one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from intranet.access.groups import feed_posts_clause, readable_posts_clause
from intranet.actions.mail import link_context, locale_of, one_click_unsubscribe, queue_mail, render_mail
from intranet.actions.mail_kinds import MailItem, excerpt
from intranet.actions.mail_prefs import group_levels, unsubscribe_token
from intranet.actions.notification_mail import wanted_items
from intranet.models import (
    Acknowledgement,
    Comment,
    DigestFrequency,
    GroupLevel,
    MailMode,
    MailPreference,
    Notification,
    Post,
    Reaction,
    User,
    utcnow,
)
from intranet.platform import db
from intranet.platform.errors import Conflict

log = logging.getLogger(__name__)
PERIOD = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}
TOP_POSTS = 8
PEOPLE_PER_ROUND = 100


def _baseline() -> ColumnElement[datetime]:
    return func.coalesce(MailPreference.last_digest_at, User.created_at)


def due_people(session: Session, now: datetime) -> list[int]:
    daily = and_(MailPreference.digest == DigestFrequency.DAILY,
                 _baseline() <= now - PERIOD[DigestFrequency.DAILY])
    weekly = and_(or_(MailPreference.user_id.is_(None), MailPreference.digest == DigestFrequency.WEEKLY),
                  _baseline() <= now - PERIOD[DigestFrequency.WEEKLY])
    return list(session.scalars(select(User.id).outerjoin(MailPreference, MailPreference.user_id == User.id)
                                .where(User.is_active_account, or_(daily, weekly))
                                .order_by(User.id).limit(PEOPLE_PER_ROUND)))


def send_digests(now: datetime | None = None) -> int:
    """One round: a digest for each person whose digest is due; the number of mails queued."""
    now = now or utcnow()
    s = db.session()
    user_ids = due_people(s, now)
    s.rollback()
    queued = 0
    with link_context():
        for uid in user_ids:
            try:
                with db.transaction() as tx:
                    queued += digest_person(tx, uid, now)
            except (Conflict, IntegrityError, OperationalError) as exc:  # another worker took it
                log.info("digest for user %s skipped: %s", uid, exc)
    return queued


def _claim(session: Session, user: User, pref: MailPreference | None, since: datetime | None,
           now: datetime) -> None:
    """Move this person's ``last_digest_at`` from ``since`` (read before composing) to ``now``;
    Conflict (or IntegrityError for a first digest) when another worker moved it meanwhile."""
    if pref is None:
        session.add(MailPreference(user_id=user.id, digest=DigestFrequency.WEEKLY, last_digest_at=now))
        session.flush()  # a concurrent first digest fails here on the primary key
        return
    condition = (MailPreference.last_digest_at.is_(None) if since is None
                 else MailPreference.last_digest_at == since)
    taken = session.execute(update(MailPreference).where(MailPreference.user_id == user.id, condition)
                            .values(last_digest_at=now)).rowcount
    if taken != 1:
        raise Conflict("digest taken by another worker")
    session.expire(pref)


def digest_person(session: Session, user_id: int, now: datetime) -> int:
    """Compose this person's digest, then claim it and queue it; 1 if a mail was queued.

    Composing comes first: the claim's UPDATE holds SQLite's write lock until commit, and
    composing under it made every writer of the company wait (the capacity bench's 503s)."""
    user = session.get(User, user_id)
    if user is None or not user.is_active_account:
        return 0
    pref = session.get(MailPreference, user.id)
    last = pref.last_digest_at if pref else None
    frequency = pref.digest if pref else DigestFrequency.WEEKLY
    mail = None if frequency == DigestFrequency.OFF else _compose(session, user, last or user.created_at,
                                                                  frequency)
    _claim(session, user, pref, last, now)
    if mail is None:
        return 0
    queue_mail(session, **mail)
    return 1


def _compose(session: Session, user: User, since: datetime, frequency: DigestFrequency) -> dict | None:
    """The digest since ``since``, in the person's language (``queue_mail``'s arguments), or
    None when there is nothing to tell."""
    locale = locale_of(user)
    with force_locale(locale):
        posts = active_posts(session, user, since)
        notes = wanted_items(session, user, session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.created_at > since).order_by(Notification.id)),
            MailMode.DIGEST)
        if not posts and not notes:
            return None
        subject = _("Your daily digest") if frequency == DigestFrequency.DAILY else _("Your weekly digest")
        context = {"user": user, "posts": posts, "notes": notes, "daily": frequency == DigestFrequency.DAILY,
                   "unsubscribe": url_for("mail.unsubscribe", token=unsubscribe_token(user.id, "digest"),
                                          _external=True),
                   "settings_url": url_for("mail.settings", _external=True)}
        text, html = render_mail("digest", locale, **context)
    return {"to": user.email, "subject": subject, "text": text, "html": html, "kind": "digest",
            "user_id": user.id, "headers": one_click_unsubscribe(context["unsubscribe"])}


def active_posts(session: Session, user: User, since: datetime) -> list[tuple[MailItem, int, int]]:
    """The most active posts since ``since`` of my groups (not muted) and the company feed that
    I did not write nor take part in: (item, comments, reactions), most active first."""
    comments = select(func.count()).where(Comment.post_id == Post.id).scalar_subquery()
    reactions = select(func.count()).where(Reaction.post_id == Post.id).scalar_subquery()
    muted = [gid for gid, level in group_levels(session, user.id).items() if level == GroupLevel.MUTED]
    mine = or_(exists().where(Comment.post_id == Post.id, Comment.author_id == user.id),
               exists().where(Reaction.post_id == Post.id, Reaction.user_id == user.id),
               exists().where(Acknowledgement.post_id == Post.id, Acknowledgement.user_id == user.id))
    stmt = (select(Post, comments, reactions)
            .where(Post.created_at > since, Post.author_id != user.id, feed_posts_clause(user),
                   readable_posts_clause(user), ~mine)
            .order_by((comments + reactions).desc(), Post.id.desc()).limit(TOP_POSTS))
    if muted:
        stmt = stmt.where(or_(Post.group_id.is_(None), Post.group_id.not_in(muted)))
    found = []
    for post, n_comments, n_reactions in session.execute(stmt):
        where = post.group.name if post.group else _("Company feed")
        title = _("%(author)s in %(group)s", author=post.author.name, group=where)
        found.append((MailItem("digest", title, excerpt(post.html),
                               url_for("posts.show", post_id=post.id, _external=True), post.created_at),
                      n_comments, n_reactions))
    return found
