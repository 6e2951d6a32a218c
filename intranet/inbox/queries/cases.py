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
from sqlalchemy import ColumnElement, and_, func, or_, select, union_all
from sqlalchemy.orm import Session, contains_eager, joinedload

from intranet import access
from intranet.inbox import access as access_inbox
from intranet.models import (
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
from intranet.platform.errors import Invalid
from intranet.platform.inputs import parse_int

OPEN = (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.WAITING)
PAGE = 25
EXCERPT = 180
HISTORY = 10
WALKS_PER_QUERY = 200  # SQLite allows 500 terms in a compound select


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
    flagged = func.json_array_length(Case.breaches) > 0  # both backends; PostgreSQL has no json = json
    return and_(Case.status.in_(OPEN), or_(late_first, late_resolution, flagged))


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
        service = parse_int(raw)
        if service is None or service not in services:
            raise Invalid(_("Choose one of your services."), field="service")
        f.service = service
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
            before = parse_int(raw, low=1)
            if before is None:
                raise Invalid(_("The page cursor must be a positive number."), field=name)
            f.before = before
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
    """Newest first, keyset by id (``before``); only what ``visible_cases_clause`` allows.

    The ids come from one short backward walk of the ``(department_id, status, id)`` index per
    service and status, merged (as the home feed merges its sources): one ``IN`` over all of
    them made SQLite sort every open case of the service before taking the first page.
    """
    at = now()
    ids = _newest_ids(session, viewer, f, at, limit + 1)
    rows = list(session.scalars(
        select(Case).join(Case.comment).join(ExternalComment.source)
        .options(contains_eager(Case.comment).contains_eager(ExternalComment.source))
        .where(Case.id.in_(ids), access_inbox.visible_cases_clause(viewer)).order_by(Case.id.desc()))
    ) if ids else []
    more = len(rows) > limit
    rows = rows[:limit]
    return CasePage(rows, rows[-1].id if more else None, at,
                    people_by_id(session, {c.assignee_id for c in rows}))


def _scopes(viewer: User, f: Filters) -> list[int | None]:
    """The services a list walks: the chosen one, else all mine (and unrouted cases)."""
    if f.service is not None:
        return [f.service]
    services: list[int | None] = sorted(access_inbox.inbox_services(viewer))
    return [*services, None] if services or viewer.is_admin else []


def _in_service(department_id: int | None) -> ColumnElement[bool]:
    return Case.department_id.is_(None) if department_id is None else Case.department_id == department_id


def _newest_ids(session: Session, viewer: User, f: Filters, at: datetime, n: int) -> list[int]:
    statuses = (list(OPEN) if f.status == "open" else list(CaseStatus) if f.status == "all"
                else [CaseStatus(f.status)])
    extra = []
    if f.mine:
        extra.append(Case.assignee_id == viewer.id)
    if f.urgency:
        extra.append(Case.urgency == Urgency(f.urgency))
    if f.sentiment:
        extra.append(Case.sentiment == Sentiment(f.sentiment))
    if f.breached:
        extra.append(breached_clause(at))
    if f.before is not None:
        extra.append(Case.id < f.before)
    walks = [select(Case.id).where(_in_service(dept), Case.status == status, *extra)
             .order_by(Case.id.desc()).limit(n) for dept in _scopes(viewer, f) for status in statuses]
    ids: list[int] = []
    for start in range(0, len(walks), WALKS_PER_QUERY):
        chunk = [w.subquery().select() for w in walks[start:start + WALKS_PER_QUERY]]
        merged = union_all(*chunk).subquery()
        ids += session.scalars(select(merged.c.id).order_by(merged.c.id.desc()).limit(n))
    return sorted(ids, reverse=True)[:n]


def open_count(session: Session, viewer: User) -> int:
    """The nav badge: new cases of my services plus my open cases (two index counts: the
    ``OR`` of both read every case of the service)."""
    visible = access_inbox.visible_cases_clause(viewer)
    new = session.scalar(select(func.count()).select_from(Case).where(
        visible, Case.status == CaseStatus.NEW)) or 0
    working = (CaseStatus.ASSIGNED, CaseStatus.WAITING)
    mine = session.scalar(select(func.count()).select_from(Case).where(
        Case.assignee_id == viewer.id, Case.status.in_(working), visible)) or 0
    return new + mine


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
