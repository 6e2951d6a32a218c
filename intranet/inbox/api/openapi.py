"""The inbox cases' part of the OpenAPI document: paths, schemas and the ``case`` event.

Kept apart from ``openapi.py`` so the inbox branches add to the document without editing the
same lines; ``openapi.document()`` merges these in.
"""

from __future__ import annotations

from typing import Any

from intranet.models import CaseStatus, Recommendation, ReplyState, Sentiment, Urgency
from intranet.views.api.openapi.document import op, write
from intranet.views.api.openapi.schemas import (
    BOOL,
    ID,
    ID_OR_NULL,
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

STATUS = enum(*(s.value for s in CaseStatus))
ANY: Schema = {"type": ["string", "integer", "boolean", "null"]}

SUMMARY: dict[str, Schema] = {
    "id": INT, "status": STATUS, "service_id": {**INT_OR_NULL, "description": "The department."},
    "assignee": nullable("UserRef"), "author": {**STR, "description": "The customer's handle."},
    "source": ref("CaseSource"), "excerpt": STR, "triage": ref("CaseTriage"),
    "sla": nullable("CaseSla"), "created_at": TIME, "url": STR,
}

SCHEMAS: dict[str, Schema] = {
    "CaseTriage": obj({"sentiment": enum(*(s.value for s in Sentiment)), "needs_response": BOOL,
                       "urgency": enum(*(u.value for u in Urgency)),
                       "recommendation": enum(*(r.value for r in Recommendation)),
                       "overridden": {**BOOL, "description": "An agent changed the machine's result."}}),
    "CaseSla": obj({"kind": enum("first_response", "resolution"), "due": TIME,
                    "seconds_left": {**INT, "description": "Negative once due."}, "breached": BOOL},
                   description="The clock that runs now; null once resolved or ignored."),
    "CaseSource": obj({"id": INT, "name": STR, "network": STR}),
    "CaseSummary": obj(SUMMARY),
    "CasePage": obj({"items": array(ref("CaseSummary")), "next_cursor": {
        **INT_OR_NULL, "description": "Pass as `cursor`; null on the last page."}}),
    "CaseEntry": obj({"kind": STR, "at": TIME, "actor": nullable("UserRef"),
                      "html": {**STR, "description": "Sanitized note or thread comment."},
                      "data": {"type": "object", "additionalProperties": ANY}},
                     description="A timeline line: status, assign, note, reply, escalate, knowledge, triage, "
                                 "reply_sent, reply_failed, thread_comment..."),
    "CaseReply": obj({"id": INT, "state": enum(*(s.value for s in ReplyState)), "body": STR,
                      "attempts": INT, "error": STR, "created_at": TIME, "sent_at": TIME_OR_NULL}),
    "Case": obj({
        **SUMMARY,
        "comment": obj({"author": STR, "author_url": STR, "followers": INT, "text": STR, "url": STR,
                        "posted_at": TIME, "lang": STR}),
        "reasons": array(STR), "machine_triage": {"type": "object", "additionalProperties": ANY},
        "group_id": INT_OR_NULL, "post_id": {**INT_OR_NULL, "description": "The thread, if I may read it."},
        "first_response_at": TIME_OR_NULL, "resolved_at": TIME_OR_NULL,
        "can_work": {**BOOL, "description": "False for escalation-group members (read-only)."},
        "timeline": array(ref("CaseEntry")), "replies": array(ref("CaseReply")),
        "routing_suggestion": nullable("RoutingSuggestion")}),
    "AssignBody": obj({"user_id": ID}),
    "StatusBody": obj({"status": STATUS}),
    "NoteBody": obj({"body": text(5_000, description="Markdown; @mentions notify colleagues who may "
                                                      "read the case."),
                     "to_thread": {**BOOL, "default": False}}, optional=("to_thread",)),
    "ReplyBody": obj({"body": text(5_000, description="Plain text sent to the customer's network.")}),
    "EscalateBody": obj({"group_id": {**ID, "description": "A department group I am a member of."}}),
    "KnowledgeBody": obj({"body": text(20_000, description="The post's Markdown: the case page offers "
                                                            "a draft (question quoted, the answer sent, "
                                                            "#faq)."),
                          "group_id": {**ID_OR_NULL, "description": "A group I may post in; absent or "
                                                                     "null: the company feed."}},
                         optional=("group_id",)),
}

CURSOR = {"name": "cursor", "in": "query", "schema": ID,
          "description": "The previous page's `next_cursor`."}
PARAMETERS: dict[str, Any] = {
    "CaseCursor": CURSOR,
    "CaseStatusFilter": {"name": "status", "in": "query", "schema": enum("open", "all", *(s.value for s in
                                                                                     CaseStatus))},
    "ServiceFilter": {"name": "service", "in": "query", "schema": ID,
                      "description": "One of my services (department id)."},
}


def paths() -> dict[str, dict[str, Any]]:
    return {
        "/inbox/cases": {"get": op(
            "listCases", "Cases of my services, newest first", tag="inbox", answer="CasePage",
            query=("CaseStatusFilter", "ServiceFilter", "CaseCursor", "Limit"), errors=(404,),
            description="`status`: `open` (default: new, assigned, waiting), `all` or one status. "
                        "Not an inbox user: 404.")},
        "/inbox/cases/{case_id}": {"get": op("getCase", "One case with its timeline and replies",
                                             tag="inbox", answer="Case", errors=(404,))},
        "/inbox/cases/{case_id}/assign": {"post": write(op(
            "assignCase", "Assign to an agent or lead of the case's service", tag="inbox", answer="Case",
            body="AssignBody", errors=(403, 404)))},
        "/inbox/cases/{case_id}/status": {"post": write(op(
            "setCaseStatus", "new → assigned → waiting → resolved, or ignored", tag="inbox",
            answer="Case", body="StatusBody", errors=(403, 404),
            description="A move the workflow does not allow: 400 naming the possible ones."))},
        "/inbox/cases/{case_id}/notes": {"post": write(op(
            "addCaseNote", "Write an internal note (optionally also in the escalation thread)",
            tag="inbox", answer="CaseEntry", status=201, body="NoteBody", errors=(403, 404)))},
        "/inbox/cases/{case_id}/replies": {"post": write(op(
            "replyToCase", "Answer the customer through the source's connector", tag="inbox",
            answer="CaseReply", status=201, body="ReplyBody", errors=(403, 404),
            description="Sent after the commit (signed webhook). `pending_approval` when the "
                        "service requires a lead's approval."))},
        "/inbox/cases/{case_id}/knowledge": {"post": write(op(
            "shareCaseAsKnowledge", "Publish a resolved case's question and answer as a post", tag="inbox",
            answer="Post", status=201, body="KnowledgeBody", errors=(403, 404, 409),
            description="409 while the case is not resolved, or once it is shared (until that post "
                        "is removed). The post is found by search and by the next similar case."))},
        "/inbox/cases/{case_id}/escalate": {"post": write(op(
            "escalateCase", "Open a thread about the case in a department group", tag="inbox",
            answer="Case", status=201, body="EscalateBody", errors=(403, 404, 409)))},
    }
