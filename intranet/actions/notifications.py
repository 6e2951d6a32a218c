"""Notifications: one row per recipient, published live to that recipient only."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from intranet.actions.mail_prefs import muted_user_ids
from intranet.models import Notification, NotificationKind, User, utcnow
from intranet.platform.events import publish

# a muted group still notifies these (someone named me)
DIRECT = frozenset({NotificationKind.MENTION, NotificationKind.MESSAGE_MENTION,
                    NotificationKind.CASE_MENTION})


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(
        select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0


def notify(
    session: Session,
    recipients: Iterable[int],
    kind: NotificationKind,
    *,
    actor: User | None,
    post_id: int | None = None,
    comment_id: int | None = None,
    group_id: int | None = None,
    conversation_id: int | None = None,
    case_id: int | None = None,
    task_id: int | None = None,
) -> list[Notification]:
    """Notify each recipient once (never the actor), except those who muted the group it is
    about, unless it mentions them. Callers pass only people allowed to read."""
    actor_id = actor.id if actor else None
    wanted = [uid for uid in dict.fromkeys(recipients) if uid != actor_id]
    if group_id is not None and kind not in DIRECT:
        muted = muted_user_ids(session, group_id, wanted)
        wanted = [uid for uid in wanted if uid not in muted]
    rows = [
        Notification(user_id=uid, kind=kind, actor_id=actor_id, post_id=post_id,
                     comment_id=comment_id, group_id=group_id, conversation_id=conversation_id,
                     case_id=case_id, task_id=task_id)
        for uid in wanted
    ]
    session.add_all(rows)
    session.flush()
    for row in rows:
        publish(session, "notification",
                {"op": "add", "id": row.id, "kind": kind.value,
                 "unread": unread_count(session, row.user_id)},
                user_id=row.user_id)
    return rows


def do_mark_read(session: Session, user: User, ids: list[int] | None = None) -> int:
    """Mark some (or all) of my notifications read; returns how many changed."""
    stmt = update(Notification).where(Notification.user_id == user.id,
                                      Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    changed = session.execute(stmt.values(read_at=utcnow())).rowcount
    if changed:
        publish(session, "notification", {"op": "read", "unread": unread_count(session, user.id)},
                user_id=user.id)
    return changed


def publish_unread_counts(session: Session, user_ids: Iterable[int]) -> None:
    """After notifications disappeared with what they were about (a removed post), tell each
    person's open pages the new unread count, so the badge does not promise what is gone."""
    for uid in dict.fromkeys(user_ids):
        publish(session, "notification", {"op": "read", "unread": unread_count(session, uid)}, user_id=uid)


def unread_about_post(session: Session, post_id: int) -> list[int]:
    """Who has unread notifications about this post."""
    return list(session.scalars(select(Notification.user_id).distinct().where(
        Notification.post_id == post_id, Notification.read_at.is_(None))))
