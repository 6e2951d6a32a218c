"""Notification mails: what a person has still not read ``MAIL_DELAY_SECONDS`` after it happened,
gathered into one mail per person per round, in their language, with a link to each thing and
an unsubscribe link per kind.

Each person's round is one transaction: their notifications are marked ``mailed_at`` with a
conditional UPDATE and the mail is queued in the outbox. Two mailers at once (two workers) cannot
both take the same notifications: the second's UPDATE finds fewer rows than it read, and its
transaction is rolled back. Content reaches the mail only through ``access``: a notification
about a post in a group the person has left is not visible, so it is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale, ngettext
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from intranet.access.visibility import visible_notifications_clause
from intranet.actions.mail import link_context, locale_of, one_click_unsubscribe, queue_mail, render_mail
from intranet.actions.mail_kinds import KINDS, MailItem, for_notification, mailable_notification_kinds
from intranet.actions.mail_prefs import group_levels, kind_modes, unsubscribe_token
from intranet.models import GroupLevel, MailMode, Notification, User, utcnow
from intranet.platform import db
from intranet.platform.errors import Conflict

log = logging.getLogger(__name__)
PEOPLE_PER_ROUND = 200
ITEMS_SHOWN = 15  # in one mail; the rest is counted, with the link to all notifications


def send_notification_mails(now: datetime | None = None, max_batches: int = 20) -> int:
    """One round: a mail for each person with notifications due (``PEOPLE_PER_ROUND`` people a
    batch, until none is left or ``max_batches``); the number of mails queued."""
    cutoff = (now or utcnow()) - timedelta(seconds=float(current_app.config.get("MAIL_DELAY_SECONDS", 600)))
    queued = 0
    _settle_unmailable(cutoff)
    with link_context():
        for _batch in range(max_batches):
            s = db.session()
            user_ids = list(s.scalars(select(Notification.user_id).distinct().where(
                Notification.mailed_at.is_(None), Notification.created_at <= cutoff).limit(PEOPLE_PER_ROUND)))
            s.rollback()
            if not user_ids:
                break
            queued += _mail_people(user_ids, cutoff)
    return queued


def _settle_unmailable(cutoff: datetime) -> int:
    """Mark due notifications that can never become mail as mailed, in one statement: those read
    already (unless their kind stays pending after reading, as announcements do) and those of a
    kind no mail describes. Most of a busy company's notifications are read live; taking them one
    person's transaction at a time cost more than every page served (the capacity bench)."""
    pending = [nk for kind in KINDS.values() if kind.pending for nk in kind.notification_kinds]
    due = (Notification.mailed_at.is_(None), Notification.created_at <= cutoff)
    with db.transaction() as s:
        return s.execute(update(Notification).values(mailed_at=utcnow()).where(*due, or_(
            and_(Notification.read_at.is_not(None), Notification.kind.not_in(pending)),
            Notification.kind.not_in(mailable_notification_kinds())))).rowcount


def _mail_people(user_ids: list[int], cutoff: datetime) -> int:
    queued = 0
    for uid in user_ids:
        try:
            with db.transaction() as tx:
                queued += mail_person(tx, uid, cutoff)
        except (Conflict, OperationalError) as exc:  # another mailer took them meanwhile
            log.info("notification mail for user %s skipped: %s", uid, exc)
    return queued


def mail_person(session: Session, user_id: int, cutoff: datetime) -> int:
    """Mark this person's due notifications mailed and queue one mail about those still worth
    it (unread, visible, wanted now); 1 if a mail was queued.

    The mail is composed before the notifications are taken: the taking UPDATE holds SQLite's
    write lock until commit, and composing under it made every writer of the company wait."""
    rows = list(session.scalars(select(Notification).where(
        Notification.user_id == user_id, Notification.mailed_at.is_(None),
        Notification.created_at <= cutoff).order_by(Notification.id)))
    if not rows:
        return 0
    user = session.get(User, user_id)
    mail = None
    if user is not None and user.is_active_account:
        with force_locale(locale_of(user)):
            items = wanted_items(session, user, rows, MailMode.IMMEDIATELY)
        mail = notification_mail(user, items) if items else None
    ids = [n.id for n in rows]
    taken = session.execute(update(Notification).values(mailed_at=utcnow()).where(
        Notification.id.in_(ids), Notification.mailed_at.is_(None))).rowcount
    if taken != len(ids):
        raise Conflict("notifications taken by another mailer")
    if mail is None:
        return 0
    queue_mail(session, **mail)
    return 1


def wanted_items(session: Session, user: User, rows: Iterable[Notification],
                 mode: MailMode) -> list[MailItem]:
    """The mail items for the notifications among ``rows`` that ``user`` may still see, has not
    dealt with, and wants by ``mode`` (their kind's setting and their group's level), worded in
    the current locale (callers force the person's)."""
    rows = list(rows)
    visible = set(session.scalars(select(Notification.id).where(
        Notification.id.in_([n.id for n in rows]), visible_notifications_clause(user))))
    modes, levels = kind_modes(session, user.id), group_levels(session, user.id)
    items: dict[tuple[str, str], MailItem] = {}
    for n in rows:
        kind = for_notification(n.kind)
        if kind is None or n.id not in visible or modes.get(kind.key) != mode:
            continue
        if not (kind.pending(session, user, n) if kind.pending else n.read_at is None):
            continue
        group_id = n.group_id or (n.post.group_id if n.post else None)
        if levels.get(group_id, GroupLevel.ALL) != GroupLevel.ALL and not kind.mention:
            continue
        item = kind.describe(session, user, n)
        if item is not None:
            items.setdefault((item.kind, item.url), item)  # new messages of one conversation: once
    return list(items.values())


def notification_mail(user: User, items: list[MailItem]) -> dict[str, Any]:
    """The mail about ``items`` for ``user``, in their language: ``queue_mail``'s arguments."""
    locale = locale_of(user)
    kinds = list(dict.fromkeys(item.kind for item in items))
    with force_locale(locale):
        unsubscribe = [(str(KINDS[k].label), url_for("mail.unsubscribe", token=unsubscribe_token(user.id, k),
                                                     _external=True)) for k in kinds]
        subject = items[0].title if len(items) == 1 else ngettext(
            "%(num)d new notification", "%(num)d new notifications", len(items))
        context = {"user": user, "items": items[:ITEMS_SHOWN], "more": max(0, len(items) - ITEMS_SHOWN),
                   "unsubscribe": unsubscribe,
                   "notifications_url": url_for("feed.notifications", _external=True),
                   "settings_url": url_for("mail.settings", _external=True)}
    text, html = render_mail("notifications", locale, **context)
    return {"to": user.email, "subject": subject, "text": text, "html": html, "kind": "notification",
            "user_id": user.id, "headers": one_click_unsubscribe(unsubscribe[0][1])}
