"""What an agent does with an incident: answer every customer at once, resolve it, detach a case
grouped by mistake, merge (another incident or a case into this one), open its one escalation
thread; and the incident's one SLA clock.

Every member change goes through the case actions and the reply path the case page uses
(``do_reply``: each customer still gets their own reply through their own source, with the
approval rule of the service), so the timelines, audit rows and events are the same as by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import String, cast, exists, select, update
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.comments import do_add_comment
from intranet.actions.common import audit, clean_text
from intranet.actions.notifications import notify
from intranet.actions.posts import do_create_post
from intranet.inbox import access as access_inbox
from intranet.inbox.actions import cases as case_actions
from intranet.inbox.actions import replies as case_replies
from intranet.inbox.actions.incident_grouping import attach, detach_member, publish_incident
from intranet.inbox.actions.ingest import service_leads
from intranet.inbox.queries.incidents import member_ids, source_counts
from intranet.inbox.rules import incidents as rules
from intranet.inbox.rules.sla import OPEN
from intranet.inbox.rules.statuses import S, inert
from intranet.models import (
    Case,
    CaseStatus,
    Group,
    GroupKind,
    Incident,
    IncidentMember,
    IncidentStatus,
    NotificationKind,
    Post,
    ReplyState,
    User,
    utcnow,
)
from intranet.platform.errors import Conflict, Forbidden, Invalid, NotFound


def require_worker(actor: User, incident: Incident) -> None:
    if not access_inbox.can_work_incident(actor, incident):
        raise Forbidden(_("This incident is read-only for you: only the agents of its service work it."))


def require_open(incident: Incident) -> None:
    if incident.status != IncidentStatus.OPEN:
        raise Conflict(_("This incident is closed."))


def members(session: Session, incident: Incident) -> list[Case]:
    ids = member_ids(session, incident.id)
    return list(session.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.id))) if ids else []


@dataclass
class BulkOutcome:
    """What a bulk change did, case by case: the people see who was left out and why."""

    done: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)  # replies waiting for a lead's approval
    skipped: dict[int, str] = field(default_factory=dict)  # case id -> why


def do_bulk_reply(session: Session, actor: User, incident: Incident, body: Any) -> BulkOutcome:
    """One text, one reply per open member through its own source (``do_reply``). Cases whose
    source cannot send replies, or that are closed, are listed, not failed: answer those on the
    network."""
    require_worker(actor, incident)
    require_open(incident)
    text = clean_text(body, field="body", label=_("Reply"), max_len=case_replies.MAX_REPLY)
    outcome = BulkOutcome()
    for case in members(session, incident):
        if case.status not in (S.NEW, S.ASSIGNED, S.WAITING):
            outcome.skipped[case.id] = _("closed")
            continue
        if not case.comment.source.reply_url:
            outcome.skipped[case.id] = _("its source cannot send replies")
            continue
        reply = case_replies.do_reply(session, actor, case, text)
        (outcome.held if reply.state == ReplyState.PENDING_APPROVAL else outcome.done).append(case.id)
    if not outcome.done and not outcome.held:
        raise Invalid(_("No customer of this incident can be answered from here: answer them on "
                        "their network, then resolve."), field="body")
    audit(session, actor, "incident.reply", "incident", incident.id, sent=len(outcome.done),
          held=len(outcome.held), skipped=len(outcome.skipped))
    incident.updated_at = utcnow()
    publish_incident(session, incident, "reply")
    return outcome


def do_resolve_incident(session: Session, actor: User, incident: Incident) -> BulkOutcome:
    """Resolve every open member (a new one is assigned to the agent first, as the workflow
    asks), stop the clock, and say so once in the thread."""
    require_worker(actor, incident)
    require_open(incident)
    outcome = BulkOutcome()
    for case in members(session, incident):
        if case.status in (S.RESOLVED, S.IGNORED):
            outcome.skipped[case.id] = _("already closed")
            continue
        if case.status == S.NEW:
            case_actions.do_assign(session, actor, case, actor.id)
        case_actions.do_set_status(session, actor, case, CaseStatus.RESOLVED.value)
        outcome.done.append(case.id)
    incident.status, incident.resolved_at = IncidentStatus.RESOLVED, utcnow()
    incident.updated_at = incident.resolved_at
    audit(session, actor, "incident.resolve", "incident", incident.id, cases=outcome.done)
    _mark_thread(session, actor, incident)
    publish_incident(session, incident, "status")
    return outcome


def do_reopen_incident(session: Session, actor: User, incident: Incident) -> None:
    require_worker(actor, incident)
    if incident.status != IncidentStatus.RESOLVED:
        raise Conflict(_("Only a resolved incident can be reopened."))
    incident.status, incident.resolved_at, incident.updated_at = IncidentStatus.OPEN, None, utcnow()
    audit(session, actor, "incident.reopen", "incident", incident.id)
    publish_incident(session, incident, "status")


def _mark_thread(session: Session, actor: User, incident: Incident) -> None:
    post = session.get(Post, incident.post_id) if incident.post_id else None
    if post is not None and access.may_read_post(actor, post):
        do_add_comment(session, actor, post, "✅ " + _("Incident resolved."))


def member_case(session: Session, incident: Incident, case_id: Any) -> Case:
    """A case attached to this incident (the API and pages pass its id)."""
    if isinstance(case_id, bool) or not isinstance(case_id, int):
        raise Invalid(_("Choose a case of this incident."), field="case_id")
    member = session.get(IncidentMember, case_id)
    if member is None or member.incident_id != incident.id or member.detached_at is not None:
        raise NotFound(_("This case is not part of this incident."))
    return session.get(Case, case_id)


def do_detach(session: Session, actor: User, incident: Incident, case: Case) -> None:
    """A case grouped by mistake leaves: its own clock is back, and it is never grouped again
    automatically."""
    require_worker(actor, incident)
    detach_member(session, incident, case, actor)
    audit(session, actor, "incident.detach", "incident", incident.id, case_id=case.id)
    if incident.size == 0 and incident.status == IncidentStatus.OPEN:
        incident.status = IncidentStatus.RESOLVED
        incident.resolved_at = utcnow()
    case_actions.publish_case(session, case, "update")
    publish_incident(session, incident, "detach")


def do_add_case(session: Session, actor: User, incident: Incident, case: Case) -> None:
    """Merge one case into this incident (by hand: it may have been detached before)."""
    require_worker(actor, incident)
    require_open(incident)
    case_actions.require_worker(actor, case)
    if case.department_id != incident.department_id:
        raise Invalid(_("Only a case of the same service can join this incident."), field="case_id")
    member = session.get(IncidentMember, case.id)
    if member is not None and member.detached_at is None:
        if member.incident_id == incident.id:
            raise Conflict(_("This case is already part of this incident."))
        raise Conflict(_("This case is part of another incident: merge the incidents instead."))
    attach(session, incident, case, rules.signature(case.comment.text), actor, kind="manual")
    audit(session, actor, "incident.add_case", "incident", incident.id, case_id=case.id)
    case_actions.publish_case(session, case, "update")
    publish_incident(session, incident, "update")


def do_merge(session: Session, actor: User, incident: Incident, other: Incident) -> int:
    """Move every member of ``other`` here; ``other`` is closed as merged. The number moved."""
    require_worker(actor, incident)
    require_worker(actor, other)
    require_open(incident)
    require_open(other)
    if other.id == incident.id:
        raise Invalid(_("An incident cannot be merged into itself."), field="incident_id")
    if other.department_id != incident.department_id:
        raise Invalid(_("Only incidents of the same service can be merged."), field="incident_id")
    moved = members(session, other)
    now = utcnow()
    for case in moved:
        member = session.get(IncidentMember, case.id)
        case.first_response_due, case.resolution_due = member.first_response_due, member.resolution_due
        attach(session, incident, case, member.terms or {}, actor, score=member.score, now=now, kind="manual")
    other.status, other.merged_into_id = IncidentStatus.MERGED, incident.id
    other.size, other.updated_at = 0, now
    if incident.post_id is None and other.post_id is not None:
        incident.group_id, incident.post_id = other.group_id, other.post_id
    audit(session, actor, "incident.merge", "incident", incident.id, merged=other.id, cases=len(moved))
    publish_incident(session, other, "merge")
    publish_incident(session, incident, "update")
    return len(moved)


def do_escalate_incident(session: Session, actor: User, incident: Incident, group: Group) -> Post:
    """One thread for the whole incident in a department group: the count, the sources, the
    shared words and one quoted comment, never who wrote them."""
    require_worker(actor, incident)
    if incident.post_id is not None and session.get(Post, incident.post_id) is not None:
        raise Conflict(_("This incident is already escalated."))
    if group.kind != GroupKind.DEPARTMENT:
        raise Invalid(_("Escalate to a department group."), field="group_id")
    if not access.can_post_in(actor, group):
        raise Forbidden(_("Join this group to post in it."))
    post = do_create_post(session, actor, group, escalation_markdown(session, incident))
    incident.group_id, incident.post_id, incident.updated_at = group.id, post.id, utcnow()
    audit(session, actor, "incident.escalate", "incident", incident.id, group_id=group.id, post_id=post.id)
    publish_incident(session, incident, "escalate")
    return post


def escalation_markdown(session: Session, incident: Incident) -> str:
    sources = ", ".join(f"{inert(name)} ({n})" for name, n in source_counts(session, incident.id).items())
    words = ", ".join(inert(w) for w in rules.top_words(incident.centroid or {}, incident.words or {}))
    first = members(session, incident)[:1]
    lines = [_("**Incident #%(id)s**: %(count)d customers report the same thing: "
               "[open the incident](%(url)s)", id=incident.id, count=incident.size,
               url=f"/inbox/incidents/{incident.id}"), "",
             _("Sources: %(sources)s.", sources=sources), _("Shared words: %(words)s.", words=words)]
    if first:
        quote = "> " + inert(first[0].comment.text[:500]).replace("\n", "\n> ")
        lines += ["", _("One of them wrote:"), "", quote]
    return "\n".join(lines)


def do_record_incident_breaches(session: Session, now: datetime) -> list[tuple[int, str]]:
    """The incident's one clock: each breach once (a conditional UPDATE, as for cases), its
    service's leads notified about its first case. An incident whose customers were all answered
    and closed one by one has nobody left waiting: no breach."""
    found = []
    flags = cast(Incident.breaches, String)
    waiting = exists().where(IncidentMember.incident_id == Incident.id, IncidentMember.detached_at.is_(None),
                             Case.id == IncidentMember.case_id, Case.status.in_(OPEN))
    late = (
        ("first_response", (Incident.first_response_at.is_(None), Incident.first_response_due < now)),
        ("resolution", (Incident.resolution_due < now,)),
    )
    for kind, clauses in late:
        rows = session.scalars(select(Incident).where(
            Incident.status == IncidentStatus.OPEN, waiting, *clauses, flags.not_like(f'%"{kind}"%'))
            .order_by(Incident.id))
        for incident in list(rows):
            breaches = [*(incident.breaches or []), kind]
            done = session.execute(update(Incident).where(Incident.id == incident.id,
                                                          flags.not_like(f'%"{kind}"%'))
                                   .values(breaches=breaches).execution_options(synchronize_session=False))
            if done.rowcount != 1:
                continue
            session.refresh(incident, ["breaches"])
            ids = member_ids(session, incident.id)
            audit(session, None, "incident.sla_breach", "incident", incident.id, breach=kind)
            notify(session, service_leads(session, incident.department_id), NotificationKind.SLA_BREACH,
                   actor=None, case_id=ids[0] if ids else None)
            publish_incident(session, incident, "breach")
            found.append((incident.id, kind))
    return found
