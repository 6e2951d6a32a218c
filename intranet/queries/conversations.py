"""Read models of messaging: my conversation list, unread counts, message pages, read positions.

Every function starts from the viewer's current participations (``access_messaging.my_conversation_ids``)
or from a conversation already fetched through ``access_messaging.access_conversation``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from intranet.models import Conversation, Message, MessageReaction, Participant, User

LIST_LIMIT = 200
PAGE_SIZE = 50
MAX_AFTER = 500


@dataclass
class ConversationView:
    conversation: Conversation
    title: str
    others: list[User]
    unread: int
    muted: bool
    last_message: Message | None = None
    read_positions: dict[int, int] = field(default_factory=dict)  # user id -> last read message id

    @property
    def id(self) -> int:
        return self.conversation.id


def display_title(conversation: Conversation, others: list[User]) -> str:
    """A name given by someone, else the other people's names (a direct one: the other person)."""
    if conversation.title:
        return conversation.title
    if not others:
        return _("Only you")
    names = [u.name for u in others[:3]]
    if len(others) > 3:
        return _("%(names)s and %(n)d others", names=", ".join(names), n=len(others) - 3)
    return ", ".join(names)


def unread_counts(session: Session, viewer: User) -> dict[int, int]:
    """Unread messages per conversation I am in: others' messages after my read position."""
    me = Participant
    rows = session.execute(
        select(me.conversation_id, func.count(Message.id))
        .join(Message, and_(Message.conversation_id == me.conversation_id,
                            Message.id > me.last_read_message_id, Message.author_id != viewer.id,
                            Message.deleted_at.is_(None)))
        .where(me.user_id == viewer.id, me.left_at.is_(None)).group_by(me.conversation_id))
    return {cid: n for cid, n in rows}


def unread_total(session: Session, viewer: User) -> int:
    """The nav badge: unread messages in conversations I have not muted."""
    return session.scalar(
        select(func.count(Message.id)).select_from(Participant)
        .join(Message, and_(Message.conversation_id == Participant.conversation_id,
                            Message.id > Participant.last_read_message_id,
                            Message.author_id != viewer.id, Message.deleted_at.is_(None)))
        .where(Participant.user_id == viewer.id, Participant.left_at.is_(None),
               Participant.muted.is_(False))) or 0


def _participants(session: Session, ids: list[int]) -> dict[int, list[Participant]]:
    rows = session.scalars(select(Participant).options(joinedload(Participant.user))
                           .where(Participant.conversation_id.in_(ids), Participant.left_at.is_(None))
                           .order_by(Participant.joined_at, Participant.user_id))
    out: dict[int, list[Participant]] = {}
    for row in rows:
        out.setdefault(row.conversation_id, []).append(row)
    return out


def titles(session: Session, viewer: User, conversations: Iterable[Conversation]) -> dict[int, str]:
    """Each conversation's name as the viewer's list shows it (search results use it too)."""
    conversations = list(conversations)
    people = _participants(session, [c.id for c in conversations])
    return {c.id: display_title(c, [p.user for p in people.get(c.id, []) if p.user_id != viewer.id])
            for c in conversations}


def conversation_list(session: Session, viewer: User, ids: list[int] | None = None) -> list[ConversationView]:
    """My conversations, most recent activity first (``ids``: only these, e.g. one list item)."""
    stmt = (select(Conversation, Participant.muted)
            .join(Participant, and_(Participant.conversation_id == Conversation.id,
                                    Participant.user_id == viewer.id, Participant.left_at.is_(None)))
            .order_by(Conversation.last_activity.desc(), Conversation.id.desc()).limit(LIST_LIMIT))
    if ids is not None:
        stmt = stmt.where(Conversation.id.in_(ids))
    rows = list(session.execute(stmt))
    cids = [c.id for c, _muted in rows]
    people = _participants(session, cids)
    last_ids = [c.last_message_id for c, _m in rows if c.last_message_id]
    lasts = {m.id: m for m in session.scalars(select(Message).options(joinedload(Message.author))
                                               .where(Message.id.in_(last_ids)))} if last_ids else {}
    unread = unread_counts(session, viewer)
    views = []
    for conversation, muted in rows:
        rows_ = people.get(conversation.id, [])
        others = [p.user for p in rows_ if p.user_id != viewer.id]
        views.append(ConversationView(
            conversation, display_title(conversation, others), others, unread.get(conversation.id, 0),
            muted, lasts.get(conversation.last_message_id or 0),
            {p.user_id: p.last_read_message_id for p in rows_}))
    return views


def conversation_view(session: Session, viewer: User, conversation: Conversation) -> ConversationView:
    """One conversation I am in (fetched through ``access``), as the list shows it."""
    return conversation_list(session, viewer, [conversation.id])[0]


def messages_after(session: Session, conversation: Conversation, after: int,
                   limit: int = MAX_AFTER, *, top_level: bool = False,
                   thread: int | None = None) -> tuple[list[Message], bool]:
    """Catch-up: messages with an id above ``after``, oldest first, and whether more remain.
    Edited and deleted ones come back in place (their current state). ``top_level``: not the
    replies (the page's timeline); ``thread``: only the replies to that root."""
    stmt = (select(Message).options(joinedload(Message.author), selectinload(Message.attachments))
            .where(Message.conversation_id == conversation.id, Message.id > after)
            .order_by(Message.id).limit(limit + 1))
    if thread is not None:
        stmt = stmt.where(Message.reply_to_id == thread)
    elif top_level:
        stmt = stmt.where(Message.reply_to_id.is_(None))
    rows = list(session.scalars(stmt))
    return rows[:limit], len(rows) > limit


def messages_before(session: Session, conversation: Conversation, before: int | None,
                    limit: int = PAGE_SIZE, *, top_level: bool = False) -> tuple[list[Message], int | None]:
    """The newest ``limit`` messages (below ``before``), oldest first, and the next cursor."""
    stmt = (select(Message).options(joinedload(Message.author), selectinload(Message.attachments))
            .where(Message.conversation_id == conversation.id).order_by(Message.id.desc()).limit(limit + 1))
    if top_level:
        stmt = stmt.where(Message.reply_to_id.is_(None))
    if before is not None:
        stmt = stmt.where(Message.id < before)
    rows = list(session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    return rows, rows[0].id if more and rows else None


def active_participant_ids(session: Session, conversation_id: int) -> list[int]:
    return list(session.scalars(select(Participant.user_id).where(
        Participant.conversation_id == conversation_id, Participant.left_at.is_(None))))


def co_participants_of(session: Session, user_ids: set[int]) -> dict[int, set[int]]:
    """For presence: each person sharing a conversation with some of ``user_ids`` -> which of
    them (never oneself). One query for a whole batch of changes."""
    mine = (select(Participant.conversation_id)
            .where(Participant.user_id.in_(user_ids), Participant.left_at.is_(None)))
    rows = session.execute(select(Participant.conversation_id, Participant.user_id).where(
        Participant.conversation_id.in_(mine), Participant.left_at.is_(None)))
    members: dict[int, set[int]] = {}
    for cid, uid in rows:
        members.setdefault(cid, set()).add(uid)
    out: dict[int, set[int]] = {}
    for people in members.values():
        concerned = people & user_ids
        for uid in people:
            about = concerned - {uid}
            if about:
                out.setdefault(uid, set()).update(about)
    return out


def reactions_of(session: Session, message_ids: Iterable[int], viewer_id: int
                 ) -> dict[int, tuple[dict[str, int], set[str]]]:
    """Per message: its reaction counts by kind and my kinds (one query for a page)."""
    out: dict[int, tuple[dict[str, int], set[str]]] = {}
    ids = list(message_ids)
    if not ids:
        return out
    rows = session.execute(select(MessageReaction.message_id, MessageReaction.kind, MessageReaction.user_id)
                           .where(MessageReaction.message_id.in_(ids)).order_by(MessageReaction.created_at))
    for mid, kind, uid in rows:
        counts, mine = out.setdefault(mid, ({}, set()))
        counts[kind] = counts.get(kind, 0) + 1
        if uid == viewer_id:
            mine.add(kind)
    return out


def message_by_id(session: Session, conversation: Conversation, message_id: int) -> Message | None:
    """A message of this conversation (a thread's root), or None."""
    found = session.get(Message, message_id)
    return found if found is not None and found.conversation_id == conversation.id else None
