"""Inbox cases in search: the customer's words and handle, under the service that works the case.

Cases carry ``inbox:<department id>`` (``inbox:none`` while unrouted), held by the people
``inbox.access.inbox_services`` gives that service; results are hydrated through
``visible_cases_clause``, so someone moved out of the inbox stops finding them at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from intranet.inbox import access as access_inbox
from intranet.inbox.rules.labels import source_label
from intranet.models import Case, ExternalComment, User
from intranet.platform import db
from intranet.search.index.schema import Doc
from intranet.search.kinds.content import ids_in_order
from intranet.search.registry import Item, register_kind, register_principals

UNROUTED = "inbox:none"


def case_acl(department_id: int | None) -> str:
    return UNROUTED if department_id is None else f"inbox:{department_id}"


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
                  source=source_label(comment.source))
        out[case.id] = Item("case", case.id, title, comment.text, f"/inbox/cases/{case.id}",
                            case.created_at, None, _("Inbox"), "/inbox")
    return out


def inbox_principals(user: User) -> Iterable[str]:
    """The queues ``visible_cases_clause`` lists for this person."""
    services = access_inbox.inbox_services(user)
    if not access_inbox.is_inbox_user(user):
        return []
    return [UNROUTED, *(case_acl(d) for d in services)]


def register() -> None:
    """Called by ``inbox.init_app``: the core's search learns the kind and its principals."""
    register_kind("case", build=build_cases, all_ids=lambda s: ids_in_order(s, Case.id),
                  hydrate=hydrate_cases, label=_l("Inbox cases"))
    register_principals(inbox_principals)
