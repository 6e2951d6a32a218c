"""Grouping new cases into incidents as they arrive, and the membership moves every incident
action shares (attach, detach, the one SLA clock, the ``incident`` event).

``group_new_cases`` runs inside the transaction that opened the cases (``ingest._open_cases``, for
live arrivals: webhooks, feeds, forwards, the processing worker). It reads the candidates once per
batch (open incidents and lone open cases of the same services from the last ``WINDOW``), lets
the pure ``rules.incidents.assign`` decide, and writes the memberships. Bulk file imports skip it:
they replay history, not a live outage.

No import of ``actions.cases`` here: ``ingest`` (which ``cases`` imports) calls this module.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from intranet.actions.common import audit
from intranet.inbox.actions.ingest import inbox_people
from intranet.inbox.queries.incidents import source_counts
from intranet.inbox.rules import incidents as rules
from intranet.inbox.rules.sla import OPEN
from intranet.models import (
    Case,
    CaseActivity,
    CommentMatch,
    ExternalComment,
    Incident,
    IncidentMember,
    IncidentStatus,
    RuleKind,
    User,
    WatchRule,
    utcnow,
)
from intranet.platform.events import publish


def _brand_terms(session: Session, comment_ids: list[int]) -> dict[int, tuple[int | None, list[str]]]:
    """comment id -> (its first brand rule, the words that made brand rules match)."""
    out: dict[int, tuple[int | None, list[str]]] = {}
    rows = session.execute(select(CommentMatch.comment_id, CommentMatch.rule_id, CommentMatch.terms)
                           .join(WatchRule, WatchRule.id == CommentMatch.rule_id)
                           .where(CommentMatch.comment_id.in_(comment_ids), WatchRule.kind == RuleKind.BRAND)
                           .order_by(CommentMatch.rule_id))
    for comment_id, rule_id, terms in rows:
        first, words = out.get(comment_id, (rule_id, []))
        out[comment_id] = (first, words + list(terms or []))
    return out


def _stems(text: str, brand: tuple[int | None, list[str]] | None) -> dict[str, str]:
    return rules.signature(text, brand[1] if brand else ())


def group_new_cases(session: Session, case_ids: list[int], now: datetime) -> list[int]:
    """Put each new case in the incident it belongs to (or open one with a lone look-alike); the
    incidents that changed."""
    if not case_ids:
        return []
    new = session.execute(select(Case.id, Case.department_id, Case.comment_id, ExternalComment.text)
                          .join(ExternalComment, ExternalComment.id == Case.comment_id)
                          .where(Case.id.in_(case_ids)).order_by(Case.id)).all()
    services = {row.department_id for row in new}
    since = now - rules.WINDOW
    incidents = _open_incidents(session, services, since)
    lone = _lone_cases(session, services, since, case_ids)
    brands = _brand_terms(session, [r.comment_id for r in new] + [r.comment_id for r in lone])
    groups = [rules.Group((i.department_id, (i.brand_rules or [None])[0]), Counter(i.centroid or {}), i.id)
              for i in incidents]
    signatures: dict[int, dict[str, str]] = {}
    for row in [*lone, *new]:
        signatures[row.id] = _stems(row.text, brands.get(row.comment_id))
    groups += [rules.Group(_key(row, brands), Counter(signatures[row.id].keys()), None, [row.id])
               for row in lone]
    decisions = rules.assign([(row.id, _key(row, brands), set(signatures[row.id])) for row in new], groups)
    if not decisions:
        return []
    scores = {d.case_id: d.score for d in decisions}
    by_id = {i.id: i for i in incidents}
    changed = []
    for group in {id(d.group): d.group for d in decisions}.values():
        incident = by_id.get(group.incident_id) if group.incident_id else None
        if incident is None:  # a lone case and its look-alikes: a new incident, the seed first
            rule_id = group.key[1]
            incident = open_incident(session, group.key[0], [rule_id] if rule_id else [], now)
        for case_id in group.case_ids:
            attach(session, incident, session.get(Case, case_id), signatures[case_id], None,
                   score=scores.get(case_id, 1.0), now=now)
        changed.append(incident.id)
        publish_incident(session, incident, "update" if group.incident_id else "add")
    return changed


def _key(row: Any, brands: dict[int, tuple[int | None, list[str]]]) -> tuple:
    return (row.department_id, brands.get(row.comment_id, (None, []))[0])


def _in_services(column: Any, services: set[int | None]) -> Any:
    known = [s for s in services if s is not None]
    clauses = [column.in_(known)] if known else []
    if None in services:
        clauses.append(column.is_(None))
    return clauses[0] if len(clauses) == 1 else clauses[0] | clauses[1]


def _open_incidents(session: Session, services: set[int | None], since: datetime) -> list[Incident]:
    return list(session.scalars(select(Incident).where(
        Incident.status == IncidentStatus.OPEN, _in_services(Incident.department_id, services),
        Incident.last_case_at >= since).order_by(Incident.id.desc()).limit(rules.MAX_CANDIDATES)))


def _lone_cases(session: Session, services: set[int | None], since: datetime, new: list[int]) -> list[Any]:
    """Open cases of these services from the window, in no incident and never detached from one
    (a person said it stands alone)."""
    grouped = exists().where(IncidentMember.case_id == Case.id)
    return session.execute(
        select(Case.id, Case.department_id, Case.comment_id, ExternalComment.text)
        .join(ExternalComment, ExternalComment.id == Case.comment_id)
        .where(_in_services(Case.department_id, services), Case.status.in_(OPEN), Case.created_at >= since,
               Case.id.not_in(new), ~grouped)
        .order_by(Case.id.desc()).limit(rules.MAX_CANDIDATES)).all()[::-1]


def open_incident(session: Session, department_id: int | None, brand_rules: list[int],
                  now: datetime) -> Incident:
    incident = Incident(department_id=department_id, status=IncidentStatus.OPEN, brand_rules=brand_rules,
                        centroid={}, words={}, size=0, created_at=now, updated_at=now, last_case_at=now,
                        breaches=[])
    session.add(incident)
    session.flush()
    audit(session, None, "incident.open", "incident", incident.id, department_id=department_id)
    return incident


def _earliest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def attach(session: Session, incident: Incident, case: Case, terms: dict[str, str], actor: User | None,
           *, score: float = 1.0, now: datetime | None = None, kind: str = "auto") -> IncidentMember:
    """Make ``case`` a member: its SLA clock is parked on the member row and the incident's clock
    takes the earliest due date; its words join the centroid; the timeline says so."""
    now = now or utcnow()
    member = session.get(IncidentMember, case.id) or IncidentMember(case_id=case.id)
    member.incident_id, member.score, member.kind = incident.id, score, kind
    member.added_by_id, member.created_at, member.detached_at = actor.id if actor else None, now, None
    member.first_response_due, member.resolution_due = case.first_response_due, case.resolution_due
    member.terms = terms
    session.add(member)
    if case.first_response_at is None and incident.first_response_at is None:
        incident.first_response_due = _earliest(incident.first_response_due, case.first_response_due)
    incident.resolution_due = _earliest(incident.resolution_due, case.resolution_due)
    case.first_response_due = case.resolution_due = None
    centroid = Counter(incident.centroid or {})
    centroid.update(terms.keys())
    incident.centroid = dict(centroid)
    incident.words = {**terms, **(incident.words or {})}
    incident.size = (incident.size or 0) + 1
    incident.last_case_at = incident.updated_at = now
    log_case(session, case, actor, "incident", incident_id=incident.id, score=score)
    return member


def detach_member(session: Session, incident: Incident, case: Case, actor: User | None,
                  now: datetime | None = None) -> None:
    """Take ``case`` out: its own clock comes back, its words leave the centroid; the row stays,
    marked detached, so the grouping leaves the case alone from now on."""
    member = session.get(IncidentMember, case.id)
    now = now or utcnow()
    case.first_response_due, case.resolution_due = member.first_response_due, member.resolution_due
    member.detached_at = now
    centroid = Counter(incident.centroid or {})
    centroid.subtract((member.terms or {}).keys())
    incident.centroid = {k: v for k, v in centroid.items() if v > 0}
    incident.size = max((incident.size or 1) - 1, 0)
    incident.updated_at = now
    log_case(session, case, actor, "incident_detach", incident_id=incident.id)


def log_case(session: Session, case: Case, actor: User | None, kind: str, **data: Any) -> None:
    """A timeline row and an audit row (what ``actions.cases.record`` writes, without the import)."""
    session.add(CaseActivity(case_id=case.id, actor_id=actor.id if actor else None, kind=kind, data=data))
    case.updated_at = utcnow()
    audit(session, actor, f"case.{kind}", "case", case.id, **data)


def publish_incident(session: Session, incident: Incident, op: str) -> None:
    """To the service's agents and leads (unrouted: each inbox person): ids, counts and source
    names only, no customer data."""
    session.flush()
    payload = {"op": op, "id": incident.id, "service_id": incident.department_id,
               "status": incident.status.value, "size": incident.size,
               "sources": source_counts(session, incident.id)}
    if incident.department_id is not None:
        publish(session, "incident", payload, service_id=incident.department_id)
        return
    for user_id in inbox_people(session):
        publish(session, "incident", payload, user_id=user_id)


def responded(session: Session, case: Case, at: datetime) -> None:
    """A member's customer got an answer: the incident's first-response clock stops."""
    session.execute(update(Incident).where(
        Incident.id == select(IncidentMember.incident_id).where(
            IncidentMember.case_id == case.id, IncidentMember.detached_at.is_(None)).scalar_subquery(),
        Incident.first_response_at.is_(None)).values(first_response_at=at)
        .execution_options(synchronize_session=False))


def on_cases_opened(session: Session, *, case_ids: list[int], now: datetime) -> None:
    """``ingest.cases_opened`` receiver (connected by ``inbox.init_app``)."""
    group_new_cases(session, case_ids, now)
