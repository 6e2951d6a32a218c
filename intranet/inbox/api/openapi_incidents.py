"""The OpenAPI paths and schemas of incidents and of the case page's extras (triage override,
approvals, suggestions). Kept apart from ``openapi.py`` so branches add without editing the same
lines; ``inbox.api.openapi_paths`` merges these in."""

from __future__ import annotations

from typing import Any

from intranet.models import IncidentStatus, Recommendation, Sentiment, Urgency
from intranet.views.api.openapi.document import op, write
from intranet.views.api.openapi.schemas import (
    BOOL,
    ID,
    INT,
    INT_OR_NULL,
    STR,
    TIME,
    TIME_OR_NULL,
    Schema,
    array,
    enum,
    nullable,
    obj,
    ref,
    text,
)

SLA = nullable("CaseSla")
SUMMARY: dict[str, Schema] = {
    "id": INT, "status": enum(*(s.value for s in IncidentStatus)),
    "service_id": {**INT_OR_NULL, "description": "The department."},
    "size": {**INT, "description": "Cases (customers) in the incident now."},
    "words": {**array(STR), "description": "The words its comments share most."},
    "sla": {**SLA, "description": "The incident's one clock (its cases have none while members)."},
    "created_at": TIME, "last_case_at": TIME, "resolved_at": TIME_OR_NULL,
    "merged_into": {**INT_OR_NULL, "description": "Set once merged into another incident."}, "url": STR,
}
SCHEMAS: dict[str, Schema] = {
    "IncidentSummary": obj(SUMMARY),
    "IncidentPage": obj({"items": array(ref("IncidentSummary")), "next_cursor": {
        **INT_OR_NULL, "description": "Pass as `cursor`; null on the last page."}}),
    "Incident": obj({**SUMMARY,
                     "sources": {"type": "object", "additionalProperties": INT,
                                 "description": "Cases per source name."},
                     "group_id": INT_OR_NULL,
                     "post_id": {**INT_OR_NULL,
                                 "description": "The one escalation thread, if I may read it."},
                     "first_response_at": TIME_OR_NULL,
                     "can_work": {**BOOL, "description": "False for members of the thread's group."},
                     "cases": array(ref("CaseSummary"))}),
    "BulkOutcome": obj({"done": array(INT), "held": {**array(INT), "description": "Replies waiting for "
                                                                                  "a lead's approval."},
                        "skipped": array(obj({"case_id": INT, "reason": STR}))}),
    "IncidentReplyBody": obj({"body": text(5_000, description="Plain text; each customer gets their own "
                                                               "reply through their own source.")}),
    "IncidentCaseBody": obj({"case_id": {**ID, "description": "A case of this incident."}}),
    "IncidentMergeBody": obj({"incident_id": {**ID, "description": "Another open incident of the service."},
                              "case_id": {**ID, "description": "Or one case of the service."}},
                             optional=("incident_id", "case_id"),
                             description="Exactly one of `incident_id` and `case_id`."),
    "TriageBody": obj({"sentiment": enum(*(s.value for s in Sentiment)),
                       "urgency": enum(*(u.value for u in Urgency)),
                       "recommendation": enum(*(r.value for r in Recommendation)), "needs_response": BOOL},
                      optional=("sentiment", "urgency", "recommendation", "needs_response"),
                      description="At least one value that differs from the case's."),
    "Approval": obj({"reply": ref("CaseReply"), "case": ref("CaseSummary")}),
    "ApprovalList": obj({"items": array(ref("Approval"))}),
    "Suggestions": obj({
        "colleagues": array(obj({"user": ref("UserRef"), "matched": array(STR)})),
        "posts": array(obj({"title": STR, "url": STR, "excerpt": STR})),
        "similar": array(obj({"case": ref("CaseSummary"), "score": {"type": "number"},
                              "words": array(STR)}))}),
}
PARAMETERS: dict[str, Any] = {
    "IncidentStatusFilter": {"name": "status", "in": "query", "schema": enum("open", "resolved", "all")},
}


def paths() -> dict[str, dict[str, Any]]:
    tag = "inbox"
    return {
        "/inbox/incidents": {"get": op(
            "listIncidents", "Incidents of my services, newest first", tag=tag, answer="IncidentPage",
            query=("IncidentStatusFilter", "ServiceFilter", "CaseCursor", "Limit"), errors=(404,))},
        "/inbox/incidents/{incident_id}": {"get": op(
            "getIncident", "One incident: its cases, sources and clock", tag=tag, answer="Incident",
            errors=(404,))},
        "/inbox/incidents/{incident_id}/replies": {"post": write(op(
            "replyToIncident", "Answer every open case, each through its own source", tag=tag,
            answer="BulkOutcome", status=201, body="IncidentReplyBody", errors=(403, 404, 409),
            description="Cases whose source cannot reply, or closed ones, are listed in `skipped`; "
                        "none answerable: 400."))},
        "/inbox/incidents/{incident_id}/resolve": {"post": write(op(
            "resolveIncident", "Resolve every case and stop the clock", tag=tag, answer="BulkOutcome",
            errors=(403, 404, 409)))},
        "/inbox/incidents/{incident_id}/reopen": {"post": write(op(
            "reopenIncident", "Reopen a resolved incident", tag=tag, answer="Incident",
            errors=(403, 404, 409)))},
        "/inbox/incidents/{incident_id}/detach": {"post": write(op(
            "detachFromIncident", "Take a wrongly grouped case out (never regrouped automatically)",
            tag=tag, answer="Incident", body="IncidentCaseBody", errors=(403, 404)))},
        "/inbox/incidents/{incident_id}/merge": {"post": write(op(
            "mergeIntoIncident", "Merge another incident, or one case, into this one", tag=tag,
            answer="Incident", body="IncidentMergeBody", errors=(403, 404, 409)))},
        "/inbox/incidents/{incident_id}/escalate": {"post": write(op(
            "escalateIncident", "Open the incident's one thread in a department group", tag=tag,
            answer="Incident", status=201, body="EscalateBody", errors=(403, 404, 409)))},
        "/inbox/cases/{case_id}/triage": {"post": write(op(
            "overrideTriage", "Correct the machine's triage (kept in `machine_triage`)", tag=tag,
            answer="Case", body="TriageBody", errors=(403, 404)))},
        "/inbox/approvals": {"get": op(
            "listApprovals", "Replies waiting for my approval (services I lead), oldest first", tag=tag,
            answer="ApprovalList", query=("Limit",), errors=(404,))},
        "/inbox/cases/{case_id}/replies/{reply_id}/approve": {"post": write(op(
            "approveReply", "Let a held reply leave (a lead of the service)", tag=tag, answer="CaseReply",
            errors=(403, 404, 409)))},
        "/inbox/cases/{case_id}/replies/{reply_id}/reject": {"post": write(op(
            "rejectReply", "Send a held reply back (a lead of the service)", tag=tag, answer="CaseReply",
            errors=(403, 404, 409)))},
        "/inbox/cases/{case_id}/suggestions": {"get": op(
            "caseSuggestions", "Colleagues, readable posts and similar cases that may help", tag=tag,
            answer="Suggestions", errors=(403, 404))},
    }
