"""Everything the case page shows, gathered in one place (the view stays thin).

Read-only viewers (members of the escalation group) get the comment, triage, SLA and timeline;
the working parts (composer, notes, canned replies, suggestions, assignment) only go to people
who work the case.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from intranet.inbox import access as access_inbox
from intranet.inbox.access import needs_approval
from intranet.inbox.queries import cases as inbox_queries
from intranet.inbox.queries import knowledge as case_knowledge
from intranet.inbox.queries import learning
from intranet.inbox.queries import suggest as inbox_suggest
from intranet.inbox.rules.statuses import TRANSITIONS, retryable
from intranet.inbox.rules.triage import describe
from intranet.models import Case, CaseStatus, Department, Group, Recommendation, Sentiment, Urgency, User
from intranet.queries import feed as feeds


def reasons(case: Case) -> list[str]:
    """The machine's reasons as words, whatever shape triage stored them in."""
    out = []
    for reason in (case.triage or {}).get("reasons", []):
        text = describe(reason) if isinstance(reason, dict) else str(reason)
        if text:
            out.append(text)
    return out


def status_buttons(case: Case) -> list[CaseStatus]:
    """The status moves the page offers; a new case becomes assigned by choosing a person."""
    moves = [s for s in CaseStatus if s in TRANSITIONS[case.status]]
    return [s for s in moves if not (case.status == CaseStatus.NEW and s == CaseStatus.ASSIGNED)]


def case_context(session: Session, viewer: User, case: Case) -> dict[str, Any]:
    works = access_inbox.can_work_case(viewer, case)
    at = inbox_queries.now()
    context: dict[str, Any] = {
        "case": case, "comment": case.comment, "source": case.comment.source, "works": works,
        "sla": inbox_queries.sla_of(case, at), "at": at, "reasons": reasons(case),
        "machine": case.triage or {}, "timeline": inbox_queries.timeline(session, viewer, case),
        "replies": inbox_queries.replies_of(session, case),
        "people": inbox_queries.people_by_id(session, {case.assignee_id}),
        "service": session.get(Department, case.department_id) if case.department_id else None,
        "thread": inbox_queries.thread_post(session, viewer, case),
        "history": inbox_queries.author_history(session, case),
        "group": session.get(Group, case.group_id) if case.group_id else None,
        "routing": learning.routing_context(session, case),
    }
    if works:
        shared = case_knowledge.shared_post_id(session, case)
        context |= {
            "transitions": status_buttons(case),
            "agents": inbox_queries.service_people(session, case.department_id),
            "canned": inbox_queries.canned_replies(session, case),
            "groups": inbox_queries.escalation_groups(session, viewer),
            "held": needs_approval(session, viewer, case),
            "retryable": {r.id for r in context["replies"] if retryable(r, at)},
            "leads": case.department_id is not None
            and access_inbox.can_lead_service(viewer, case.department_id),
            "colleagues": inbox_suggest.colleagues(session, case),
            "knowledge": inbox_suggest.knowledge(session, viewer, case, shared),
            "choices": {"sentiment": list(Sentiment), "urgency": list(Urgency),
                        "recommendation": list(Recommendation)},
        }
        if case.status == CaseStatus.RESOLVED:
            context |= knowledge_context(session, viewer, case, context["service"], shared)
    return context


def knowledge_context(session: Session, viewer: User, case: Case, service: Department | None,
                      shared: int | None) -> dict[str, Any]:
    """Sharing a resolved case as knowledge: the post it became (``shared``), or a draft and
    where it may go (the service's own group first)."""
    if shared is not None:
        return {"knowledge_post": shared}
    return {"knowledge_post": None, "knowledge_draft": case_knowledge.knowledge_draft(session, case),
            "post_groups": [ref for ref, _announce in feeds.postable_groups(session, viewer)],
            "knowledge_group": case.group_id or (service.group_id if service else None)}
