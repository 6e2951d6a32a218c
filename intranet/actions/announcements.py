"""Who has not acknowledged an announcement, and the lead's reminder to them.

The people asked are the announcement's audience now (the group's active members, or every active
account for the company feed), minus its author and those who acknowledged. A reminder is one
in-app notification and one mail each, at most once an hour per announcement (recorded in the
audit log, which also says who reminded whom).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.common import audit
from intranet.actions.mail import link_context, locale_of, queue_mail
from intranet.actions.notifications import notify
from intranet.actions.posts import ack_count  # noqa: F401 (the page shows it)
from intranet.models import Acknowledgement, AuditLog, Membership, NotificationKind, Post, User, utcnow
from intranet.platform.errors import Conflict, Forbidden, Invalid
from intranet.platform.sanitize import index_text

REMIND_EVERY = timedelta(hours=1)
EXCERPT = 280


def may_see_acks(user: User, post: Post) -> bool:
    """The same people who see the count: the author and the group's leads (admins)."""
    return post.is_announcement and (post.author_id == user.id or access.can_moderate(user, post.group))


def unacknowledged(session: Session, post: Post) -> list[User]:
    """Active people the announcement asks, who have not acknowledged it, by name."""
    stmt = select(User).where(User.is_active_account, User.id != post.author_id,
                              ~select(Acknowledgement.user_id).where(
                                  Acknowledgement.post_id == post.id,
                                  Acknowledgement.user_id == User.id).exists())
    if post.group_id is not None:
        stmt = stmt.join(Membership, (Membership.user_id == User.id) & (Membership.group_id == post.group_id))
    return list(session.scalars(stmt.order_by(User.name, User.id)))


def last_reminder(session: Session, post: Post) -> datetime | None:
    return session.scalar(select(AuditLog.created_at).where(
        AuditLog.action == "post.remind", AuditLog.target_type == "post", AuditLog.target_id == post.id)
        .order_by(AuditLog.id.desc()).limit(1))


def do_remind_unacknowledged(session: Session, user: User, post: Post) -> list[int]:
    """Notify and mail everyone who has not acknowledged yet; returns their ids."""
    if not post.is_announcement:
        raise Invalid(_("Only announcements ask for an acknowledgement."))
    if not may_see_acks(user, post):
        raise Forbidden(_("Only the author or a lead of the group can send reminders."))
    last = last_reminder(session, post)
    if last is not None and utcnow() - last < REMIND_EVERY:
        raise Conflict(_("A reminder was sent less than an hour ago."))
    people = unacknowledged(session, post)
    if not people:
        raise Conflict(_("Everyone has acknowledged this announcement."))
    notify(session, [p.id for p in people], NotificationKind.ACK_REMINDER, actor=user, post_id=post.id,
           group_id=post.group_id)
    for person in people:
        _mail(session, user, person, post)
    audit(session, user, "post.remind", "post", post.id, count=len(people))
    return [p.id for p in people]


def _mail(session: Session, sender: User, person: User, post: Post) -> None:
    """In the person's language; the link opens the announcement."""
    with force_locale(locale_of(person)), link_context():
        where = post.group.name if post.group else _("Company feed")
        subject = _("Reminder: please acknowledge the announcement in %(where)s", where=where)
        url = url_for("posts.show", post_id=post.id, _external=True)
        excerpt = index_text(post.html)[:EXCERPT]
        text = _("%(name)s asks you to read and acknowledge this announcement:", name=sender.name)
        queue_mail(session, to=person.email, subject=subject, text=f"{text}\n\n{excerpt}\n\n{url}\n",
                   kind="ack_reminder", user_id=person.id)
