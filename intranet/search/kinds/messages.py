"""Searchable content that only a conversation's participants may read: messages and their files.

Messages, and the files sent with them, carry ``c:<conversation id>``, held by the
conversation's current participants (``access_messaging.my_conversation_ids``). Results are
hydrated through the same access rules, so a departure hides them at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from intranet.access import messaging as access_messaging
from intranet.models import Attachment, Message, User
from intranet.platform import db, files
from intranet.platform.sanitize import index_text
from intranet.queries.conversations import titles as conversation_titles
from intranet.search.index.schema import Doc
from intranet.search.kinds.content import excerpt, ids_in_order
from intranet.search.registry import Item, register_kind, register_principals

# ---- messages ----------------------------------------------------------------------------------

def build_messages(session: Session, ids: list[int]) -> dict[int, Doc]:
    """Deleted messages are left out, so the indexer removes them."""
    rows = session.scalars(select(Message).where(Message.id.in_(ids), Message.deleted_at.is_(None))
                           .options(joinedload(Message.author)))
    return {m.id: Doc(kind="message", id=m.id, title="", body=index_text(m.body_html),
                      created=m.created_at, acl=f"c:{m.conversation_id}", author_id=m.author_id,
                      department_id=m.author.department_id) for m in rows}


def hydrate_messages(user: User, ids: list[int]) -> dict[int, Item]:
    rows = list(db.session.scalars(select(Message).where(
        Message.id.in_(ids), Message.deleted_at.is_(None),
        Message.conversation_id.in_(access_messaging.my_conversation_ids(user.id)))
        .options(joinedload(Message.author), joinedload(Message.conversation))))
    titles = conversation_titles(db.session, user, {m.conversation for m in rows})
    out = {}
    for m in rows:
        text, place = index_text(m.body_html), titles[m.conversation_id]
        url = f"/messages/{m.conversation_id}"
        out[m.id] = Item("message", m.id, excerpt(text), text, f"{url}#message-{m.id}", m.created_at,
                         m.author, place, url)
    return out


def build_message_files(session: Session, ids: list[int]) -> dict[int, Doc]:
    """Files sent in a conversation: its ACL, and the message as parent (deleting the message
    removes them). A deleted message's files are left out, so the indexer removes them."""
    rows = session.execute(select(Attachment, Message).join(Message, Message.id == Attachment.message_id)
                           .where(Attachment.id.in_(ids), Message.deleted_at.is_(None))
                           .options(joinedload(Message.author)))
    return {a.id: Doc(kind="file", id=a.id, title=a.filename,
                      body=files.text_of(a.sha256, a.filename),
                      created=a.created_at, acl=f"c:{m.conversation_id}", author_id=a.uploader_id,
                      department_id=m.author.department_id, parent=f"message:{m.id}")
            for a, m in rows}


def hydrate_message_files(user: User, ids: list[int]) -> dict[int, Item]:
    """Only for current participants, through the same rule as the messages themselves."""
    rows = list(db.session.execute(select(Attachment, Message).join(
        Message, Message.id == Attachment.message_id).where(
        Attachment.id.in_(ids), Message.deleted_at.is_(None),
        Message.conversation_id.in_(access_messaging.my_conversation_ids(user.id)))
        .options(joinedload(Attachment.uploader), joinedload(Message.conversation))))
    titles = conversation_titles(db.session, user, {m.conversation for _a, m in rows})
    out = {}
    for a, m in rows:
        url = f"/messages/{m.conversation_id}"
        out[a.id] = Item("file", a.id, a.filename, files.text_of(a.sha256, a.filename) or a.filename,
                         f"/files/{a.id}", a.created_at, a.uploader, titles[m.conversation_id], url,
                         extra={"message_url": f"{url}#message-{m.id}", "size": a.size})
    return out


def conversation_principals(user: User) -> Iterable[str]:
    return (f"c:{cid}" for cid in db.session.scalars(_my_conversations(), {"me": user.id}))


@lru_cache(maxsize=1)
def _my_conversations() -> Select:
    """Built once: principals are read on every search."""
    return access_messaging.my_conversation_ids(bindparam("me"))


# ---- inbox cases -------------------------------------------------------------------------------


def register_private() -> None:
    register_kind("message", build=build_messages, all_ids=lambda s: ids_in_order(s, Message.id),
                  hydrate=hydrate_messages, label=_l("Messages"), children=True)
    register_principals(conversation_principals)
