"""Reading incidents: the list, one incident with its members, sources and clock, the
dashboard's counts, and the cases most similar to a case (its suggestions).

Everything is limited by ``access_inbox`` (which incidents and cases); customer data appears
only for incidents and cases fetched through it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from intranet.inbox import access as access_inbox
from intranet.inbox.queries import cases as inbox_queries
from intranet.inbox.queries.cases import Sla
from intranet.inbox.rules import incidents as rules
from intranet.models import (
    Case,
    CaseStatus,
    Department,
    ExternalComment,
    Group,
    Incident,
    IncidentMember,
    IncidentStatus,
    Source,
    User,
)
from intranet.platform.errors import Invalid
from intranet.platform.inputs import parse_int

PAGE = 25
STATUSES = ("open", "resolved", "all")
SIMILAR = 5
SIMILAR_SCAN = 300
SIMILAR_MIN = 0.35


def member_ids(session: Session, incident_id: int) -> list[int]:
    return list(session.scalars(select(IncidentMember.case_id).where(
        IncidentMember.incident_id == incident_id, IncidentMember.detached_at.is_(None))
        .order_by(IncidentMember.case_id)))


def source_counts(session: Session, incident_id: int) -> dict[str, int]:
    """How many members came through each source (the page and the event show it)."""
    rows = session.execute(
        select(Source.name, func.count()).select_from(IncidentMember)
        .join(Case, Case.id == IncidentMember.case_id)
        .join(ExternalComment, ExternalComment.id == Case.comment_id)
        .join(Source, Source.id == ExternalComment.source_id)
        .where(IncidentMember.incident_id == incident_id, IncidentMember.detached_at.is_(None))
        .group_by(Source.name).order_by(func.count().desc(), Source.name))
    return {name: n for name, n in rows}


def incident_of_case(session: Session, case_id: int) -> Incident | None:
    """The incident a case belongs to now (the case page links it)."""
    incident_id = session.scalar(select(IncidentMember.incident_id).where(
        IncidentMember.case_id == case_id, IncidentMember.detached_at.is_(None)))
    return session.get(Incident, incident_id) if incident_id else None


def sla_of(incident: Incident, at: datetime) -> Sla | None:
    """The incident's one clock, read as a case's is (``queries.cases.sla_of``)."""
    if incident.status != IncidentStatus.OPEN:
        return None
    if incident.first_response_at is None and incident.first_response_due is not None:
        kind, due = "first_response", incident.first_response_due
    elif incident.resolution_due is not None:
        kind, due = "resolution", incident.resolution_due
    else:
        return None
    left = due - at
    return Sla(kind, due, left, left.total_seconds() < 0 or kind in (incident.breaches or []))


def words(incident: Incident) -> list[str]:
    return rules.top_words(incident.centroid or {}, incident.words or {})


@dataclass
class IncidentFilters:
    status: str = "open"
    service: int | None = None
    before: int | None = None


def parse_filters(args: Any, services: set[int]) -> IncidentFilters:
    """Query arguments -> filters; anything unknown is a clear 400 naming the argument."""
    f = IncidentFilters(status=args.get("status") or "open")
    if f.status not in STATUSES:
        raise Invalid(_("Unknown value for %(name)s. Use one of: %(values)s.", name="status",
                        values=", ".join(STATUSES)), field="status")
    raw = args.get("service") or ""
    if raw:
        f.service = parse_int(raw)
        if f.service is None or f.service not in services:
            raise Invalid(_("Choose one of your services."), field="service")
    raw = args.get("cursor") or args.get("before") or ""
    if raw:
        f.before = parse_int(raw, low=1)
        if f.before is None:
            raise Invalid(_("The page cursor must be a positive number."), field="cursor")
    return f


def incident_page(session: Session, viewer: User, f: IncidentFilters, limit: int = PAGE
                  ) -> tuple[list[Incident], int | None]:
    """Newest first, keyset by id; only what ``visible_incidents_clause`` allows."""
    stmt = select(Incident).where(access_inbox.visible_incidents_clause(viewer))
    if f.status == "open":
        stmt = stmt.where(Incident.status == IncidentStatus.OPEN)
    elif f.status == "resolved":
        stmt = stmt.where(Incident.status == IncidentStatus.RESOLVED)
    else:
        stmt = stmt.where(Incident.status != IncidentStatus.MERGED)
    if f.service is not None:
        stmt = stmt.where(Incident.department_id == f.service)
    if f.before is not None:
        stmt = stmt.where(Incident.id < f.before)
    rows = list(session.scalars(stmt.order_by(Incident.id.desc()).limit(limit + 1)))
    return rows[:limit], rows[limit - 1].id if len(rows) > limit else None


def members(session: Session, incident: Incident) -> list[Case]:
    """The attached cases with their comment and source, oldest first."""
    ids = member_ids(session, incident.id)
    if not ids:
        return []
    return list(session.scalars(
        select(Case).join(Case.comment).join(ExternalComment.source)
        .options(contains_eager(Case.comment).contains_eager(ExternalComment.source))
        .where(Case.id.in_(ids)).order_by(Case.id)))


def incident_context(session: Session, viewer: User, incident: Incident) -> dict[str, Any]:
    """What the incident page and the API show; the working parts only for its service's people."""
    at = inbox_queries.now()
    cases = members(session, incident)
    works = access_inbox.can_work_incident(viewer, incident)
    context: dict[str, Any] = {
        "incident": incident, "cases": cases, "at": at, "sla": sla_of(incident, at), "works": works,
        "sources": source_counts(session, incident.id), "words": words(incident),
        "open_cases": sum(c.status in inbox_queries.OPEN for c in cases),
        "repliable": sum(bool(c.comment.source.reply_url) and c.status in inbox_queries.OPEN for c in cases),
        "service": incident.department_id and session.get(Department, incident.department_id),
        "thread": _thread(session, viewer, incident),
    }
    if works:
        context |= {"groups": inbox_queries.escalation_groups(session, viewer),
                    "others": _others(session, incident),
                    "canned": inbox_queries.canned_replies(session, cases[0]) if cases else []}
    return context


def _thread(session: Session, viewer: User, incident: Incident) -> Any:
    if incident.post_id is None:
        return None
    probe = Case(post_id=incident.post_id)  # thread_post reads only ``post_id``
    return inbox_queries.thread_post(session, viewer, probe)


def _others(session: Session, incident: Incident) -> list[Incident]:
    """Open incidents of the same service it may be merged with, newest first."""
    same = (Incident.department_id.is_(None) if incident.department_id is None
            else Incident.department_id == incident.department_id)
    return list(session.scalars(select(Incident).where(
        Incident.status == IncidentStatus.OPEN, same, Incident.id != incident.id)
        .order_by(Incident.id.desc()).limit(20)))


def counts(session: Session, services: set[int], since: datetime) -> dict[str, int]:
    """The dashboard's incident figures for these services: open incidents now, the customers
    they hold, and incidents opened in the period."""
    scope = Incident.department_id.in_(services) if services else Incident.id.is_(None)
    open_rows = session.execute(select(func.count(), func.coalesce(func.sum(Incident.size), 0)).where(
        scope, Incident.status == IncidentStatus.OPEN)).one()
    recent = session.scalar(select(func.count()).where(
        scope, Incident.created_at >= since, Incident.status != IncidentStatus.MERGED)) or 0
    return {"open": open_rows[0] or 0, "open_cases": int(open_rows[1] or 0), "period": recent}


def escalation_group(session: Session, incident: Incident) -> Group | None:
    return session.get(Group, incident.group_id) if incident.group_id else None


@dataclass
class Similar:
    case: Case
    score: float
    words: list[str]


def similar_cases(session: Session, viewer: User, case: Case, limit: int = SIMILAR) -> list[Similar]:
    """Recent cases the viewer may see that say the same thing (same measure as the grouping),
    resolved ones first among equals: how they were answered is the useful part."""
    mine = rules.signature(case.comment.text)
    if not mine:
        return []
    rows = session.execute(
        select(Case.id, ExternalComment.text).join(ExternalComment, ExternalComment.id == Case.comment_id)
        .where(access_inbox.visible_cases_clause(viewer), Case.id != case.id)
        .order_by(Case.id.desc()).limit(SIMILAR_SCAN)).all()
    scored = []
    target = Counter(mine.keys())
    for case_id, text in rows:
        theirs = rules.signature(text)
        score, shared = rules.cosine(theirs.keys(), target)
        if score >= SIMILAR_MIN and shared >= rules.MIN_SHARED:
            scored.append((case_id, round(score, 3), [mine[t] for t in theirs if t in mine]))
    scored.sort(key=lambda item: -item[1])
    best = [case_id for case_id, _score, _words in scored[:limit]]
    found = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(best)))} if best else {}
    out = [Similar(found[i], s, w) for i, s, w in scored[:limit] if i in found]
    out.sort(key=lambda sim: (-sim.score, sim.case.status != CaseStatus.RESOLVED))
    return out
