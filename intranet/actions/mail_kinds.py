"""The kinds of notification mail: what each is about, how it reads in a mail, and the in-app
notification kinds it covers. The core registers its own (mentions, messages, replies to my
posts, announcements, join requests); an app registers its kinds the same way (the inbox: SLA
breaches, replies waiting for approval, case assignments), so the core never imports it.

A kind's ``describe`` turns one in-app notification into a mail item for its recipient, or None
when there is nothing left to say. It runs only on notifications the recipient may still see
(``access.visible_notifications_clause``), inside a request context whose ``url_for`` makes
absolute links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet.models import (
    Acknowledgement,
    Comment,
    Message,
    Notification,
    NotificationKind,
    Participant,
    Task,
    User,
)
from intranet.models.mail import MailMode
from intranet.platform.sanitize import index_text

EXCERPT = 280


@dataclass(frozen=True)
class MailItem:
    kind: str  # the MailKind's key
    title: str
    excerpt: str
    url: str
    when: datetime


Describe = Callable[[Session, User, Notification], MailItem | None]


@dataclass(frozen=True)
class MailKind:
    key: str
    label: object  # a lazy string: the settings page and the API's description
    notification_kinds: tuple[NotificationKind, ...]
    describe: Describe
    default: MailMode = MailMode.IMMEDIATELY
    # announcements: "never" is not offered; they are mailed until acknowledged, read or not
    always: bool = False
    mention: bool = False  # passes a group set to "mentions only"
    pending: Callable[[Session, User, Notification], bool] | None = None  # default: unread


KINDS: dict[str, MailKind] = {}
_BY_NOTIFICATION: dict[NotificationKind, MailKind] = {}


def register(kind: MailKind) -> None:
    KINDS[kind.key] = kind
    for nk in kind.notification_kinds:
        _BY_NOTIFICATION[nk] = kind


def for_notification(kind: NotificationKind) -> MailKind | None:
    return _BY_NOTIFICATION.get(kind)


def mailable_notification_kinds() -> list[NotificationKind]:
    """The notification kinds some mail kind describes (the others are never mailed)."""
    return list(_BY_NOTIFICATION)


def excerpt(html: str) -> str:
    text = index_text(html)
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1].rstrip() + "…"


def _actor(n: Notification) -> str:
    return n.actor.name if n.actor else _("Someone")


def _post_item(key: str, title: str, n: Notification, session: Session) -> MailItem | None:
    if n.post is None:
        return None
    comment = session.get(Comment, n.comment_id) if n.comment_id else None
    html = comment.html if comment else n.post.html
    anchor = f"#comment-{comment.id}" if comment else ""
    url = url_for("posts.show", post_id=n.post.id, _external=True) + anchor
    return MailItem(key, title, excerpt(html), url, n.created_at)


def _in_group(n: Notification) -> str:
    group = n.post.group if n.post else n.group
    return _(" in %(group)s", group=group.name) if group else ""


def _mention(session: Session, user: User, n: Notification) -> MailItem | None:
    if n.kind == NotificationKind.MESSAGE_MENTION:
        return _message(session, user, n, _("%(actor)s mentioned you in a conversation", actor=_actor(n)))
    if n.task_id is not None:
        return _task_mention(session, n)
    return _post_item("mention", _("%(actor)s mentioned you", actor=_actor(n)) + _in_group(n), n, session)


def _task_mention(session: Session, n: Notification) -> MailItem | None:
    """A mention in a task's description (the notification is visible: its group is readable)."""
    task = session.get(Task, n.task_id)
    if task is None:
        return None
    title = _("%(actor)s mentioned you in the task “%(title)s”", actor=_actor(n), title=task.title)
    url = url_for("tasks.show", task_id=task.id, _external=True)
    return MailItem("mention", title + _in_group(n), excerpt(task.html), url, n.created_at)


def _reply(session: Session, user: User, n: Notification) -> MailItem | None:
    return _post_item("reply", _("%(actor)s commented on your post", actor=_actor(n)), n, session)


def _announcement(session: Session, user: User, n: Notification) -> MailItem | None:
    return _post_item("announcement", _("%(actor)s posted an announcement", actor=_actor(n)) + _in_group(n),
                      n, session)


def _unacknowledged(session: Session, user: User, n: Notification) -> bool:
    return n.post_id is not None and session.get(Acknowledgement, (n.post_id, user.id)) is None


def _message(session: Session, user: User, n: Notification, title: str | None = None) -> MailItem | None:
    """The newest message of the conversation I have not read (the conversation is mine: the
    notification is visible)."""
    seen = session.scalar(select(Participant.last_read_message_id).where(
        Participant.conversation_id == n.conversation_id, Participant.user_id == user.id)) or 0
    last = session.scalar(select(Message).where(
        Message.conversation_id == n.conversation_id, Message.id > seen, Message.deleted_at.is_(None),
        Message.author_id != user.id).order_by(Message.id.desc()).limit(1))
    if last is None:
        return None
    return MailItem("message", title or _("%(actor)s sent you new messages", actor=_actor(n)),
                    excerpt(last.body_html),
                    url_for("messages.show", conversation_id=n.conversation_id, _external=True), n.created_at)


def _join_request(session: Session, user: User, n: Notification) -> MailItem | None:
    if n.group is None:
        return None
    title = _("%(actor)s asks to join %(group)s", actor=_actor(n), group=n.group.name)
    url = url_for("groups.members", group_id=n.group.id, _external=True)
    return MailItem("join_request", title, "", url, n.created_at)


def register_core() -> None:
    register(MailKind("mention", _l("Mentions of me"),
                      (NotificationKind.MENTION, NotificationKind.MESSAGE_MENTION), _mention, mention=True))
    register(MailKind("message", _l("Direct and group messages"), (NotificationKind.MESSAGE,), _message))
    register(MailKind("reply", _l("Comments on my posts"), (NotificationKind.COMMENT,), _reply))
    register(MailKind("announcement", _l("Announcements to acknowledge"), (NotificationKind.ANNOUNCEMENT,),
                      _announcement, always=True, pending=_unacknowledged))
    register(MailKind("join_request", _l("Requests to join a group I lead"), (NotificationKind.JOIN_REQUEST,),
                      _join_request))

register_core()
