"""Reactions on messages and replies in threads.

A reaction is one of the posts' emoji kinds, at most one of each kind per person and message;
the conversation's participants see it live (a ``message`` event, op ``react``, the durable
kind: a page that was offline catches it up like an edit). A reply names its thread's root, a
message of the same conversation that is not itself a reply (threads are one level deep, as in
Slack and Teams; replying to a reply answers its root).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from intranet.actions.comments import _kind
from intranet.actions.messaging import _member, do_send_message
from intranet.models import Conversation, Message, MessageReaction, User
from intranet.platform.errors import Conflict, Invalid, NotFound
from intranet.platform.events import publish


def _reactable(user: User, message: Message) -> None:
    _member(user, message.conversation)
    if message.deleted_at is not None:
        raise Conflict(_("This message was deleted."))


def _event(session: Session, user: User, message: Message, kind: str, op: str) -> None:
    publish(session, "message", {"op": "react", "id": message.id, "conversation_id": message.conversation_id,
                                 "author_id": user.id, "kind": kind, "on": op == "add"},
            conversation_id=message.conversation_id)


def do_add_message_reaction(session: Session, user: User, message: Message, kind: object) -> None:
    """409 when I already reacted with this kind (as for posts)."""
    _reactable(user, message)
    kind = _kind(kind)
    if session.get(MessageReaction, (message.id, user.id, kind)):
        raise Conflict(_("You already reacted with this emoji."))
    session.add(MessageReaction(message_id=message.id, user_id=user.id, kind=kind))
    session.flush()
    _event(session, user, message, kind, "add")


def do_remove_message_reaction(session: Session, user: User, message: Message, kind: object) -> None:
    _member(user, message.conversation)
    kind = _kind(kind)
    row = session.get(MessageReaction, (message.id, user.id, kind))
    if row is None:
        raise NotFound(_("You have not reacted with this emoji."))
    session.delete(row)
    session.flush()
    _event(session, user, message, kind, "remove")


def do_toggle_message_reaction(session: Session, user: User, message: Message, kind: object) -> bool:
    """The page's emoji button: add if absent, else remove; whether it is now on."""
    if session.get(MessageReaction, (message.id, user.id, _kind(kind))):
        do_remove_message_reaction(session, user, message, kind)
        return False
    do_add_message_reaction(session, user, message, kind)
    return True


def thread_root(session: Session, conversation: Conversation, reply_to: object) -> Message:
    """The root a reply goes under: a message of this conversation (a reply's root when it is
    a reply), not deleted; 400 otherwise (a hidden message is as unknown as a missing one)."""
    if isinstance(reply_to, bool) or not isinstance(reply_to, int):
        raise Invalid(_("%(name)s must be an integer.", name="reply_to"), field="reply_to")
    root = session.get(Message, reply_to)
    if root is not None and root.reply_to_id is not None:
        root = session.get(Message, root.reply_to_id)
    if root is None or root.conversation_id != conversation.id:
        raise Invalid(_("There is no such message in this conversation to reply to."), field="reply_to")
    if root.deleted_at is not None:
        raise Invalid(_("This message was deleted: it cannot be replied to."), field="reply_to")
    return root


def do_reply(session: Session, author: User, conversation: Conversation, reply_to: object,
             body: object) -> Message:
    """A reply in the thread of ``reply_to``; everyone in the conversation gets it live."""
    _member(author, conversation)
    return do_send_message(session, author, conversation, body,
                           reply_to=thread_root(session, conversation, reply_to))
