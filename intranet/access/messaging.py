"""Who reads a conversation: its current participants only, everywhere (pages, API, sockets,
catch-up, notifications, search); admins and department leads included, they get the same 404
as a stranger. Part of the one place that decides who may see what (``access``), which builds
its event and notification rules on ``my_conversation_ids``.
"""

from __future__ import annotations

from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, bindparam, select

from intranet.models import Conversation, Message, Participant, User
from intranet.platform import db
from intranet.platform.errors import NotFound

_KEPT_PARTICIPATIONS = "intranet.kept_participations"


def my_conversation_ids(user_id: int | ColumnElement[int]) -> Select:
    """The conversations someone currently takes part in (a subquery for ``IN``): the one rule
    for lists, catch-up, notifications and socket fan-out."""
    return select(Participant.conversation_id).where(Participant.user_id == user_id,
                                                     Participant.left_at.is_(None))


def participation(user: User, conversation_id: int) -> Participant | None:
    """My current place in a conversation, or None (never joined, or left).

    The row is kept referenced for the session's life: the identity map holds objects weakly, so
    a view's check (``access_conversation``) that only tests the row let it be collected and the
    action's own check loaded it again (one more query per sent message). Same object, same
    state as ``session.get`` returns while anyone holds it; a new session starts empty."""
    s = db.session()
    row = s.get(Participant, (conversation_id, user.id))
    if row is not None:
        s.info.setdefault(_KEPT_PARTICIPATIONS, {})[(conversation_id, user.id)] = row
    return row if row is not None and row.left_at is None else None


def access_conversation(user: User, conversation_id: int) -> Conversation:
    """Participants only: an admin or a department lead gets the same 404 as a stranger.

    The conversation and my place in it come in one query (two ``session.get`` were two, on
    every message sent); my place is kept for the actions' own check, as ``participation``."""
    s = db.session()
    row = s.execute(_conversation_and_place(), {"conversation_id": conversation_id, "me": user.id}).first()
    if row is None or row.Participant.left_at is not None:
        raise NotFound(_("This conversation does not exist or you are not in it."))
    s.info.setdefault(_KEPT_PARTICIPATIONS, {})[(conversation_id, user.id)] = row.Participant
    return row.Conversation


@lru_cache(maxsize=1)
def _conversation_and_place() -> Select:
    return (select(Conversation, Participant)
            .join(Participant, (Participant.conversation_id == Conversation.id)
                  & (Participant.user_id == bindparam("me")))
            .where(Conversation.id == bindparam("conversation_id")))


def access_message(user: User, message_id: int) -> Message:
    message = db.session.get(Message, message_id)
    if message is None or participation(user, message.conversation_id) is None:
        raise NotFound(_("This message does not exist or is not visible to you."))
    return message


def can_edit_message(user: User, message: Message) -> bool:
    """Own messages only, and not once deleted; nobody moderates private conversations."""
    return message.author_id == user.id and message.deleted_at is None
