"""Conversations and messages: start, add people, leave, rename, mute, send, edit, delete, read.

Every change publishes events to the conversation's current participants after commit (the
``Event`` rows are the durable log behind catch-up) and message changes enqueue search work.
Permissions are re-checked here even though views fetch through ``access``: actions are also
called from the CLI, the demo and tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext
from sqlalchemy import Select, Update, bindparam, delete, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from intranet.access import messaging as access_messaging
from intranet.actions.common import clean_text, enqueue_index, enqueue_index_now
from intranet.actions.notifications import notify, unread_count
from intranet.models import (
    Attachment,
    Conversation,
    Message,
    MessageReaction,
    Notification,
    NotificationKind,
    Participant,
    User,
    utcnow,
)
from intranet.platform import presence
from intranet.platform.db import insert_now, read
from intranet.platform.errors import Forbidden, Invalid, NotFound
from intranet.platform.events import publish, publish_now
from intranet.platform.sanitize import Rendered, render, scan

TITLE_MAX = 120


_MESSAGE = lazy_gettext("Message")


def _max_others() -> int:
    return current_app.config["MAX_CONVERSATION_OTHERS"]


def _member(user: User, conversation: Conversation) -> Participant:
    """The actor's participation: outsiders get the same 404 as for a missing conversation."""
    row = access_messaging.participation(user, conversation.id)
    if row is None or not user.is_active_account:
        raise NotFound(_("This conversation does not exist or you are not in it."))
    return row


def _people(session: Session, actor: User, user_ids: object) -> list[User]:
    """The other people named, all existing active accounts, without the actor or repeats."""
    if not isinstance(user_ids, list | tuple) or any(
            isinstance(i, bool) or not isinstance(i, int) for i in user_ids):
        raise Invalid(_("Choose people by their ids."), field="user_ids")
    ids = [i for i in dict.fromkeys(user_ids) if i != actor.id]
    if not ids:
        raise Invalid(_("Choose at least one other person."), field="user_ids")
    if len(ids) > _max_others():
        raise Invalid(_("A conversation can include at most %(n)d other people.", n=_max_others()),
                      field="user_ids")
    found = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}
    if len(found) < len(ids):
        raise Invalid(_("Some of these people do not exist."), field="user_ids")
    gone = [u.name for u in found.values() if not u.is_active_account]
    if gone:
        raise Invalid(ngettext("%(names)s can no longer receive messages (account deactivated).",
                               "%(names)s can no longer receive messages (accounts deactivated).",
                               len(gone), names=", ".join(sorted(gone))), field="user_ids")
    return [found[i] for i in ids]


def _title(value: object) -> str:
    return clean_text(value, field="title", label=_("Title"), max_len=TITLE_MAX, required=False)


def _join(session: Session, conversation: Conversation, user_id: int) -> bool:
    """Add or re-activate a participation; True if the person was not in already."""
    row = session.get(Participant, (conversation.id, user_id))
    if row is None:
        session.add(Participant(conversation_id=conversation.id, user_id=user_id,
                                last_read_message_id=conversation.last_message_id or 0))
        return True
    if row.left_at is not None:
        row.left_at, row.joined_at = None, utcnow()
        return True
    return False


def do_start_conversation(session: Session, creator: User, user_ids: object,
                          title: object = None) -> tuple[Conversation, bool]:
    """Start a conversation; returns it and whether it is new.

    One other person and no title: the direct conversation between the two, reused if it
    exists (the creator re-joins it if they had left). Otherwise a new group conversation.
    """
    others = _people(session, creator, user_ids)
    name = _title(title)
    if len(others) == 1 and not name:
        low, high = sorted((creator.id, others[0].id))
        key = f"{low}:{high}"
        existing = session.scalar(select(Conversation).where(Conversation.direct_key == key))
        if existing is not None:
            if _join(session, existing, creator.id):
                session.flush()
                publish(session, "conversation", {"op": "add", "id": existing.id}, user_id=creator.id)
            return existing, False
    else:
        key = None
    conversation = Conversation(title=name, direct_key=key, created_by_id=creator.id)
    session.add(conversation)
    session.flush()
    for person in (creator, *others):
        _join(session, conversation, person.id)
    session.flush()
    publish(session, "conversation", {"op": "add", "id": conversation.id}, conversation_id=conversation.id)
    return conversation, True


def do_add_participants(session: Session, user: User, conversation: Conversation,
                        user_ids: object) -> list[int]:
    """A participant adds people to a group conversation; returns the ids actually added."""
    _member(user, conversation)
    if conversation.is_direct:
        raise Invalid(_("A direct conversation stays between two people: start a new conversation "
                        "to include more."), field="user_ids")
    people = _people(session, user, user_ids)
    current = set(session.scalars(select(Participant.user_id).where(
        Participant.conversation_id == conversation.id, Participant.left_at.is_(None))))
    new = [p.id for p in people if p.id not in current]
    if len(current) + len(new) > _max_others() + 1:
        raise Invalid(_("A conversation can include at most %(n)d people.", n=_max_others() + 1),
                      field="user_ids")
    for uid in new:
        _join(session, conversation, uid)
    session.flush()
    if new:
        publish(session, "conversation", {"op": "members", "id": conversation.id, "user_ids": new},
                conversation_id=conversation.id)
    return new


def do_leave(session: Session, user: User, conversation: Conversation) -> None:
    """Leave: no more messages, notifications or access. The others see who left; my other pages
    hear it on my own room (I am no longer in the conversation's audience)."""
    row = _member(user, conversation)
    row.left_at = utcnow()
    session.flush()
    session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.conversation_id == conversation.id,
        Notification.read_at.is_(None)).values(read_at=utcnow()))
    payload = {"op": "leave", "id": conversation.id, "user_id": user.id}
    publish(session, "conversation", payload, conversation_id=conversation.id)
    publish(session, "conversation", payload, user_id=user.id)


def do_rename(session: Session, user: User, conversation: Conversation, title: object) -> None:
    _member(user, conversation)
    if conversation.is_direct:
        raise Invalid(_("A direct conversation is named after the other person."), field="title")
    conversation.title = _title(title)
    publish(session, "conversation", {"op": "update", "id": conversation.id},
            conversation_id=conversation.id)


def do_set_muted(session: Session, user: User, conversation: Conversation, muted: bool) -> None:
    """Muted: no notifications for new messages (mentions still notify), not in the nav total."""
    row = _member(user, conversation)
    row.muted = bool(muted)
    publish(session, "conversation", {"op": "mute", "id": conversation.id, "muted": row.muted},
            user_id=user.id)


def _body(value: object, *, required: bool = True) -> str:
    """The label is lazy: it is translated only for an error, not on every message sent. Empty
    only when files carry the message."""
    return clean_text(value, field="body", label=_MESSAGE,
                      max_len=current_app.config["MAX_MESSAGE_LENGTH"], required=required)


def _render(session: Session, conversation: Conversation, text: str) -> tuple[Rendered, set[int]]:
    """Markdown -> safe HTML; @handles of colleagues link to their profile, and the ids of the
    participants among them (the only ones a mention notifies) come back."""
    handles = scan(text).mentions
    users = {u.username: u for u in session.scalars(
        select(User).where(User.username.in_(handles), User.is_active_account))} if handles else {}
    rendered = render(text, lambda h: (f"/people/{users[h].id}", "mention") if h in users else None, None)
    inside = set(session.scalars(select(Participant.user_id).where(
        Participant.conversation_id == conversation.id, Participant.left_at.is_(None)))) if users else set()
    return rendered, {u.id for u in users.values()} & inside


def _recipients(session: Session, author: User, conversation: Conversation) -> list[tuple[int, bool]]:
    """Who receives a new message, as (user id, muted) rows read without loading entities (this
    runs on every send). A direct conversation brings back someone who left it; a deactivated
    colleague cannot receive anything, so writing only to them is refused."""
    if conversation.is_direct:
        other_id = next(int(i) for i in conversation.direct_key.split(":") if int(i) != author.id)
        other = session.get(User, other_id)
        if other is None or not other.is_active_account:
            raise Invalid(_("%(name)s can no longer receive messages (account deactivated).",
                            name=other.name if other else "?"), field="body")
        if _join(session, conversation, other_id):
            session.flush()
            publish(session, "conversation", {"op": "add", "id": conversation.id}, user_id=other_id)
    rows = [tuple(row) for row in read(  # Core: no ORM result per row
        _recipients_statement(), {"conversation_id": conversation.id, "author_id": author.id}, session)]
    if not rows:
        raise Invalid(_("Nobody else in this conversation can receive messages."), field="body")
    return rows


@cache
def _recipients_statement() -> Select:
    """Built once: building and keying it again on every send cost as much as running it."""
    return (select(Participant.user_id, Participant.muted).join(User, User.id == Participant.user_id)
            .where(Participant.conversation_id == bindparam("conversation_id"), Participant.left_at.is_(None),
                   Participant.user_id != bindparam("author_id"), User.is_active_account))


@cache
def _pending_notifications_statement() -> Select:
    return (select(Notification.user_id)
            .where(Notification.conversation_id == bindparam("conversation_id"),
                   Notification.kind == bindparam("kind"), Notification.read_at.is_(None)))


def do_send_message(session: Session, author: User, conversation: Conversation, body: object,
                    *, reply_to: Message | None = None, with_files: bool = False) -> Message:
    """Send a message: every participant gets it live and in catch-up; notifications only for
    people not looking at the conversation (see ``_notify``). ``reply_to``: a thread's root,
    already checked by ``message_social.thread_root`` (its count moves with the reply).
    ``with_files``: files come with it, so the text may be empty."""
    mine = _member(author, conversation)
    text = _body(body, required=not with_files)
    recipients = _recipients(session, author, conversation)
    rendered, mentioned = _render(session, conversation, text)
    message = _write_message(session, author, conversation, mine, text, rendered.html, reply_to)
    payload = {"op": "add", "id": message.id, "conversation_id": conversation.id, "author_id": author.id}
    if reply_to is not None:
        payload["reply_to"] = reply_to.id
    publish_now(session, "message", payload, conversation_id=conversation.id,
                audience=[author.id, *(uid for uid, _muted in recipients)])
    enqueue_index_now(session, "message", message.id)
    _notify(session, author, conversation, recipients, mentioned)
    return message


def _write_message(session: Session, author: User, conversation: Conversation, mine: Participant,
                   text: str, html: str, reply_to: Message | None = None) -> Message:
    """The message row, the conversation's last message and my read position, as Core statements
    (the ORM's units of work were most of a send's time: bench/JOURNAL.md, Messaging, Stop 8 round
    2). The objects in the session get the same values as committed ones, and the message joins
    the session as a persistent object, as if it had been flushed."""
    session.flush()  # a direct conversation's re-join (``_recipients``) goes first, as before
    now = utcnow()
    values = {"conversation_id": conversation.id, "author_id": author.id, "body_md": text,
              "body_html": html, "created_at": now, "edited_at": None, "deleted_at": None,
              "reply_to_id": reply_to.id if reply_to else None, "reply_count": 0,
              "last_reply_at": None}
    message = Message(id=insert_now(session, Message.__table__, values), **values)
    if reply_to is not None:  # the root's count, in the same statement order as the rest
        session.connection().execute(update(Message.__table__).where(Message.id == reply_to.id).values(
            reply_count=Message.__table__.c.reply_count + 1, last_reply_at=now))
        session.expire(reply_to, ["reply_count", "last_reply_at"])
    make_transient_to_detached(message)
    session.add(message)
    connection = session.connection()
    connection.execute(_conversation_moved(), {"c_id": conversation.id, "c_last": message.id, "c_at": now})
    connection.execute(_position_moved(), {"c_id": conversation.id, "u_id": author.id, "m_id": message.id})
    set_committed_value(conversation, "last_message_id", message.id)
    set_committed_value(conversation, "last_activity", now)
    set_committed_value(mine, "last_read_message_id", message.id)
    return message


@cache
def _conversation_moved() -> Update:
    table = Conversation.__table__
    return (update(table).where(table.c.id == bindparam("c_id"))
            .values(last_message_id=bindparam("c_last"), last_activity=bindparam("c_at")))


@cache
def _position_moved() -> Update:
    table = Participant.__table__
    return (update(table)
            .where(table.c.conversation_id == bindparam("c_id"), table.c.user_id == bindparam("u_id"))
            .values(last_read_message_id=bindparam("m_id")))


def _notify(session: Session, author: User, conversation: Conversation,
            recipients: Iterable[tuple[int, bool]], mentioned: set[int]) -> None:
    """At most one unread notification per conversation and kind for each person: a burst of
    messages is one "new messages" line, not fifty. Nobody reading the conversation right now
    is notified; mute silences messages but not mentions of me."""
    looking = presence.registry().focused_on(conversation.id)
    candidates = [(uid, muted) for uid, muted in recipients
                  if uid not in looking and (uid in mentioned or not muted)]
    if not candidates:
        return
    for kind, ids in ((NotificationKind.MESSAGE_MENTION, [uid for uid, _m in candidates if uid in mentioned]),
                      (NotificationKind.MESSAGE, [uid for uid, _m in candidates if uid not in mentioned])):
        if ids:
            pending = _pending(session, conversation.id, kind)
            notify(session, [uid for uid in ids if uid not in pending], kind, actor=author,
                   conversation_id=conversation.id)


def _pending(session: Session, conversation_id: int, kind: NotificationKind) -> set[int]:
    """Who has an unread notification of this kind for the conversation already (after the
    first message of a burst: everyone, on every send; hence a Core read of plain ids)."""
    rows = read(_pending_notifications_statement(), {"conversation_id": conversation_id, "kind": kind},
                session)
    return set(rows.scalars())


def _own(user: User, message: Message) -> None:
    _member(user, message.conversation)
    if not access_messaging.can_edit_message(user, message):
        raise Forbidden(_("You can only change your own messages."))


def do_edit_message(session: Session, user: User, message: Message, body: object) -> None:
    """The author rewrites a message (no new notifications: people were told already)."""
    _own(user, message)
    text = _body(body, required=not message.attachments)
    rendered, _mentioned = _render(session, message.conversation, text)
    message.body_md, message.body_html, message.edited_at = text, rendered.html, utcnow()
    publish(session, "message", {"op": "update", "id": message.id, "conversation_id": message.conversation_id,
                                 "author_id": user.id}, conversation_id=message.conversation_id)
    enqueue_index(session, "message", message.id)


def do_delete_message(session: Session, user: User, message: Message) -> None:
    """Soft delete: the text and the files' rows are erased for good (the files leave the index
    with the message: they are its children there); the place shows "message deleted"."""
    _own(user, message)
    erase_message(session, message)


def erase_message(session: Session, message: Message) -> None:
    """The erasing part of ``do_delete_message``, without the author's checks: for deleting a
    person and for the messages' retention period (both audited by their callers)."""
    message.deleted_at, message.body_md, message.body_html = utcnow(), "", ""
    session.execute(delete(Attachment).where(Attachment.message_id == message.id))
    session.execute(delete(MessageReaction).where(MessageReaction.message_id == message.id))
    session.expire(message, ["attachments"])
    publish(session, "message", {"op": "remove", "id": message.id, "conversation_id": message.conversation_id,
                                 "author_id": message.author_id}, conversation_id=message.conversation_id)
    enqueue_index(session, "message", message.id, op="delete")


def do_mark_read(session: Session, user: User, conversation: Conversation, message_id: object) -> int:
    """Move my read position forward (never back); the others see it as "read by". Reading up to
    the last message also clears my notifications about this conversation. Returns the position."""
    row = _member(user, conversation)
    if isinstance(message_id, bool) or not isinstance(message_id, int):
        raise Invalid(_("%(name)s must be an integer.", name="message_id"), field="message_id")
    message = session.get(Message, message_id)
    if message is None or message.conversation_id != conversation.id:
        raise NotFound(_("This message does not exist or is not visible to you."))
    if message_id <= row.last_read_message_id:
        return row.last_read_message_id
    row.last_read_message_id = message_id
    publish(session, "read", {"op": "read", "id": conversation.id, "conversation_id": conversation.id,
                              "user_id": user.id, "message_id": message_id}, conversation_id=conversation.id)
    if message_id >= (conversation.last_message_id or 0):
        _clear_notifications(session, user, conversation)
    return message_id


def _clear_notifications(session: Session, user: User, conversation: Conversation) -> None:
    changed = session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.conversation_id == conversation.id,
        Notification.read_at.is_(None)).values(read_at=utcnow())).rowcount
    if changed:
        publish(session, "notification", {"op": "read", "unread": unread_count(session, user.id)},
                user_id=user.id)
