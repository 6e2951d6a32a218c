"""JSON shapes of inbox cases (documented in ``openapi_inbox.py``). Customer data appears only
here, for cases already fetched through ``access_inbox``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for

from intranet.inbox.queries.cases import Entry, sla_of
from intranet.models import Case, CaseActivity, CaseReply, User
from intranet.views.api.serializers import iso, user_ref

EXCERPT = 180


def _sla(case: Case, at: datetime) -> dict[str, Any] | None:
    sla = sla_of(case, at)
    if sla is None:
        return None
    return {"kind": sla.kind, "due": iso(sla.due), "seconds_left": int(sla.left.total_seconds()),
            "breached": sla.breached}


def _triage(case: Case) -> dict[str, Any]:
    return {"sentiment": case.sentiment.value, "needs_response": case.needs_response,
            "urgency": case.urgency.value, "recommendation": case.recommendation.value,
            "overridden": case.overridden}


def case_json(case: Case, at: datetime, people: dict[int, User]) -> dict[str, Any]:
    comment = case.comment
    assignee = people.get(case.assignee_id) if case.assignee_id else None
    return {
        "id": case.id, "status": case.status.value, "service_id": case.department_id,
        "assignee": user_ref(assignee) if assignee else None,
        "author": comment.author, "source": {"id": comment.source.id, "name": comment.source.name,
                                             "network": comment.source.network.value},
        "excerpt": comment.text[:EXCERPT], "triage": _triage(case), "sla": _sla(case, at),
        "created_at": iso(case.created_at), "url": url_for("inbox.case", case_id=case.id),
    }


def _entry(entry: Entry) -> dict[str, Any]:
    data = {k: v for k, v in entry.data.items() if isinstance(v, str | int | bool | type(None))}
    return {"kind": entry.kind, "at": iso(entry.at), "actor": user_ref(entry.actor) if entry.actor else None,
            "html": entry.html, "data": data}


def reply_json(reply: CaseReply) -> dict[str, Any]:
    return {"id": reply.id, "state": reply.state.value, "body": reply.body, "attempts": reply.attempts,
            "error": reply.error, "created_at": iso(reply.created_at), "sent_at": iso(reply.sent_at)}


def activity_json(row: CaseActivity, actor: User) -> dict[str, Any]:
    return _entry(Entry(row.created_at, row.kind, actor, row.data or {}, row.body_html))


def case_detail_json(context: dict[str, Any]) -> dict[str, Any]:
    """The case page's content; the working parts only for people who work the case."""
    case, comment = context["case"], context["comment"]
    return {
        **case_json(case, context["at"], context["people"]),
        "comment": {"author": comment.author, "author_url": comment.author_url,
                    "followers": comment.followers, "text": comment.text, "url": comment.url,
                    "posted_at": iso(comment.posted_at), "lang": comment.lang},
        "reasons": context["reasons"], "machine_triage": {
            k: v for k, v in context["machine"].items() if k in ("sentiment", "needs_response", "urgency",
                                                                 "recommendation")},
        "group_id": case.group_id, "post_id": case.post_id if context["thread"] else None,
        "first_response_at": iso(case.first_response_at), "resolved_at": iso(case.resolved_at),
        "can_work": context["works"],
        "timeline": [_entry(e) for e in context["timeline"]],
        "replies": [reply_json(r) for r in context["replies"]],
        "routing_suggestion": routing_json(context.get("routing")),
    }


def routing_json(routing: dict[str, Any] | None) -> dict[str, Any] | None:
    """Routing's suggested service for the case (``queries.learning.routing_context``)."""
    if routing is None:
        return None
    return {"service_id": routing["service"].id, "service_name": routing["service"].name,
            "reason": routing["reason"], "confidence": routing["share"], "basis": routing["basis"],
            "disagrees_with_rule": routing["disagrees"], "differs": routing["applies"]}
