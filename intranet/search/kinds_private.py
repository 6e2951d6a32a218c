"""Searchable content that only some people may read: conversation messages and inbox cases.

Messages, and the files sent with them, carry ``c:<conversation id>``, held by the
conversation's current participants (``access_messaging.my_conversation_ids``); cases carry
``inbox:<department id>`` (``inbox:none`` while unrouted), held by the people
``access_inbox.inbox_services`` gives that service. Results are
hydrated through the same access rules, so a departure hides them at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from intranet import access_inbox, access_messaging, db, files
from intranet.conversations import titles as conversation_titles
from intranet.models import Attachment, Case, ExternalComment, Message, User
from intranet.sanitize import index_text
from intranet.search.kinds import excerpt, ids_in_order
from intranet.search.registry import Item, register_kind, register_principals
from intranet.search.schema import Doc

UNROUTED = "inbox:none"


def case_acl(department_id: int | None) -> str:
    return UNROUTED if department_id is None else f"inbox:{department_id}"


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
                      body=files.extract_text(files.stored_path(a.sha256), a.filename),
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

def build_cases(session: Session, ids: list[int]) -> dict[int, Doc]:
    """The customer's words and handle, under the service that works the case."""
    rows = session.execute(select(Case, ExternalComment).join(
        ExternalComment, ExternalComment.id == Case.comment_id).where(Case.id.in_(ids)))
    return {case.id: Doc(kind="case", id=case.id, title=comment.author, body=comment.text,
                         created=case.created_at, acl=case_acl(case.department_id),
                         department_id=case.department_id) for case, comment in rows}


def hydrate_cases(user: User, ids: list[int]) -> dict[int, Item]:
    rows = db.session.execute(select(Case, ExternalComment).join(
        ExternalComment, ExternalComment.id == Case.comment_id).where(
        Case.id.in_(ids), access_inbox.visible_cases_clause(user))
        .options(joinedload(ExternalComment.source)))
    out = {}
    for case, comment in rows:
        title = _("%(author)s on %(source)s", author=comment.author or _("Someone"),
                  source=comment.source.name)
        out[case.id] = Item("case", case.id, title, comment.text, f"/inbox/cases/{case.id}",
                            case.created_at, None, _("Inbox"), "/inbox")
    return out


def inbox_principals(user: User) -> Iterable[str]:
    """The queues ``visible_cases_clause`` lists for this person."""
    services = access_inbox.inbox_services(user)
    if not access_inbox.is_inbox_user(user):
        return []
    return [UNROUTED, *(case_acl(d) for d in services)]


def register_private() -> None:
    register_kind("message", build=build_messages, all_ids=lambda s: ids_in_order(s, Message.id),
                  hydrate=hydrate_messages, label=_l("Messages"), children=True)
    register_kind("case", build=build_cases, all_ids=lambda s: ids_in_order(s, Case.id),
                  hydrate=hydrate_cases, label=_l("Inbox cases"))
    register_principals(conversation_principals)
    register_principals(inbox_principals)
