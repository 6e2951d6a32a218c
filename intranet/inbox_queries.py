"""Reading the inbox: the filtered case list, one case with its timeline, SLA time left.

Everything goes through ``access_inbox`` (which cases) and ``access`` (which posts): this module
shapes what those allow, it never widens it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from . import access, access_inbox
from .errors import Invalid
from .models import (
    CannedReply,
    Case,
    CaseActivity,
    CaseReply,
    CaseStatus,
    Comment,
    Department,
    ExternalComment,
    Group,
    GroupKind,
    InboxAgent,
    Membership,
    Post,
    Role,
    Sentiment,
    Urgency,
    User,
    utcnow,
)

OPEN = (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.WAITING)
PAGE = 25
EXCERPT = 180
HISTORY = 10


def now() -> datetime:
    """The inbox clock: ``INBOX_CLOCK`` (a callable) when set, so tests control SLA time."""
    clock = current_app.config.get("INBOX_CLOCK")
    return clock() if clock else utcnow()


@dataclass
class Sla:
    """The clock that matters now: first response until answered, then resolution."""

    kind: str  # "first_response" | "resolution"
    due: datetime
    left: timedelta  # negative when breached
    breached: bool


def sla_of(case: Case, at: datetime) -> Sla | None:
    if case.status not in OPEN:
        return None
    if case.first_response_at is None and case.first_response_due is not None:
        kind, due = "first_response", case.first_response_due
    elif case.resolution_due is not None:
        kind, due = "resolution", case.resolution_due
    else:
        return None
    left = due - at
    return Sla(kind, due, left, left.total_seconds() < 0 or kind in (case.breaches or []))


def breached_clause(at: datetime) -> ColumnElement[bool]:
    """Open cases past a due date (or already flagged by the SLA check)."""
    late_first = and_(Case.first_response_at.is_(None), Case.first_response_due < at)
    late_resolution = and_(Case.resolved_at.is_(None), Case.resolution_due < at)
    return and_(Case.status.in_(OPEN), or_(late_first, late_resolution, Case.breaches != []))


@dataclass
class Filters:
    status: str = "open"
    service: int | None = None
    mine: bool = False
    urgency: str = ""
    sentiment: str = ""
    breached: bool = False
    before: int | None = None

    def args(self) -> dict[str, Any]:
        """The query string of these filters (for links and the next page)."""
        out = {"status": self.status, "service": self.service, "mine": int(self.mine) or None,
               "urgency": self.urgency or None, "sentiment": self.sentiment or None,
               "breached": int(self.breached) or None}
        return {k: v for k, v in out.items() if v is not None}


STATUSES = ("open", "all", *(s.value for s in CaseStatus))


def parse_filters(args: Any, services: set[int]) -> Filters:
    """Query arguments -> filters; anything unknown is a clear 400 naming the argument."""
    f = Filters()
    f.status = args.get("status") or "open"
    if f.status not in STATUSES:
        raise _unknown("status", STATUSES)
    raw = args.get("service") or ""
    if raw:
        if not raw.isdigit() or int(raw) not in services:
            raise Invalid(_("Choose one of your services."), field="service")
        f.service = int(raw)
    f.mine = args.get("mine") in ("1", "true", "on")
    f.urgency, f.sentiment = args.get("urgency") or "", args.get("sentiment") or ""
    if f.urgency and f.urgency not in {u.value for u in Urgency}:
        raise _unknown("urgency", [u.value for u in Urgency])
    if f.sentiment and f.sentiment not in {s.value for s in Sentiment}:
        raise _unknown("sentiment", [s.value for s in Sentiment])
    f.breached = args.get("breached") in ("1", "true", "on")
    for name in ("before", "cursor"):
        raw = args.get(name) or ""
        if raw:
            if not raw.isdigit() or int(raw) < 1:
                raise Invalid(_("The page cursor must be a positive number."), field=name)
            f.before = int(raw)
    return f


def _unknown(name: str, values: Any) -> Invalid:
    return Invalid(_("Unknown value for %(name)s. Use one of: %(values)s.", name=name,
                     values=", ".join(values)), field=name)


@dataclass
class CasePage:
    items: list[Case]
    next_before: int | None
    at: datetime
    people: dict[int, User] = field(default_factory=dict)  # assignees


def case_page(session: Session, viewer: User, f: Filters, limit: int = PAGE) -> CasePage:
    """Newest first, keyset by id (``before``); only what ``visible_cases_clause`` allows."""
    at = now()
    stmt = (select(Case).join(Case.comment).join(ExternalComment.source)
            .options(contains_eager(Case.comment).contains_eager(ExternalComment.source))
            .where(access_inbox.visible_cases_clause(viewer)).order_by(Case.id.desc()).limit(limit + 1))
    if f.status == "open":
        stmt = stmt.where(Case.status.in_(OPEN))
    elif f.status != "all":
        stmt = stmt.where(Case.status == CaseStatus(f.status))
    if f.service is not None:
        stmt = stmt.where(Case.department_id == f.service)
    if f.mine:
        stmt = stmt.where(Case.assignee_id == viewer.id)
    if f.urgency:
        stmt = stmt.where(Case.urgency == Urgency(f.urgency))
    if f.sentiment:
        stmt = stmt.where(Case.sentiment == Sentiment(f.sentiment))
    if f.breached:
        stmt = stmt.where(breached_clause(at))
    if f.before is not None:
        stmt = stmt.where(Case.id < f.before)
    rows = list(session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    return CasePage(rows, rows[-1].id if more else None, at,
                    people_by_id(session, {c.assignee_id for c in rows}))


def open_count(session: Session, viewer: User) -> int:
    """The nav badge: new (unassigned) cases of my services plus open cases assigned to me."""
    mine = and_(Case.assignee_id == viewer.id, Case.status.in_(OPEN))
    return session.scalar(select(func.count()).select_from(Case).where(
        access_inbox.visible_cases_clause(viewer), or_(Case.status == CaseStatus.NEW, mine))) or 0


def people_by_id(session: Session, ids: set[int | None]) -> dict[int, User]:
    ids = {i for i in ids if i}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


@dataclass
class Entry:
    """One line of the timeline: a case activity or a comment of the escalation thread."""

    at: datetime
    kind: str
    actor: User | None
    data: dict = field(default_factory=dict)
    html: str = ""


def timeline(session: Session, viewer: User, case: Case) -> list[Entry]:
    rows = list(session.scalars(select(CaseActivity).where(CaseActivity.case_id == case.id)
                                .order_by(CaseActivity.id)))
    people = people_by_id(session, {r.actor_id for r in rows} | {(r.data or {}).get("to") for r in rows
                                                                  if r.kind == "assign"})
    entries = [Entry(r.created_at, r.kind, people.get(r.actor_id), _with_names(r.data or {}, people),
                     r.body_html) for r in rows]
    post = thread_post(session, viewer, case)
    if post is not None:
        comments = session.scalars(select(Comment).options(joinedload(Comment.author))
                                   .where(Comment.post_id == post.id).order_by(Comment.id))
        entries += [Entry(c.created_at, "thread_comment", c.author, {"comment_id": c.id}, c.html)
                    for c in comments]
    entries.sort(key=lambda e: e.at)
    return entries


def _with_names(data: dict, people: dict[int, User]) -> dict:
    """Assignment entries name the assignee (the row keeps only the id)."""
    target = people.get(data.get("to")) if isinstance(data.get("to"), int) else None
    return {**data, "to_name": target.name} if target else data


def thread_post(session: Session, viewer: User, case: Case) -> Post | None:
    """The escalation thread, when it still exists and the viewer may read it."""
    if case.post_id is None:
        return None
    post = session.get(Post, case.post_id)
    return post if post is not None and access.can_read_group(viewer, post.group) else None


def author_history(session: Session, case: Case) -> list[ExternalComment]:
    """The same author's other comments on the same source, newest first."""
    comment = case.comment
    if not comment.author:
        return []
    return list(session.scalars(select(ExternalComment).where(
        ExternalComment.source_id == comment.source_id, ExternalComment.author == comment.author,
        ExternalComment.id != comment.id).order_by(ExternalComment.posted_at.desc()).limit(HISTORY)))


def replies_of(session: Session, case: Case) -> list[CaseReply]:
    return list(session.scalars(select(CaseReply).where(CaseReply.case_id == case.id).order_by(CaseReply.id)))


def canned_replies(session: Session, case: Case) -> list[CannedReply]:
    if case.department_id is None:
        return []
    return list(session.scalars(select(CannedReply).where(CannedReply.department_id == case.department_id)
                                .order_by(CannedReply.title)))


def service_people(session: Session, department_id: int | None) -> list[User]:
    """Who a case of this service may be assigned to: its agents and its group's leads."""
    if department_id is None:
        return []
    agents = select(InboxAgent.user_id).where(InboxAgent.department_id == department_id)
    leads = (select(Membership.user_id).join(Department, Department.group_id == Membership.group_id)
             .where(Department.id == department_id, Membership.role == Role.LEAD))
    return list(session.scalars(select(User).where(User.is_active_account, or_(
        User.id.in_(agents), User.id.in_(leads))).order_by(User.name)))


def escalation_groups(session: Session, viewer: User) -> list[Group]:
    """Department groups the viewer may post in."""
    mine = list(access.memberships(viewer))
    if not mine:
        return []
    return list(session.scalars(select(Group).where(Group.kind == GroupKind.DEPARTMENT, Group.id.in_(mine))
                                .order_by(Group.name)))


def services_named(session: Session, ids: set[int]) -> list[Department]:
    return list(session.scalars(select(Department).where(Department.id.in_(ids)).order_by(Department.name))) \
        if ids else []
