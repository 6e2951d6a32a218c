"""The OpenAPI paths and schemas of the inbox's settings: sources (admins), watch rules with
their preview (admins and department leads), and each service's routing rules, SLA targets and
canned replies (its leads). Everyone else: 404, as on the settings pages."""

from __future__ import annotations

from typing import Any

from intranet.inbox.actions.settings import MAX_MINUTES
from intranet.models import Connector, Network, RuleKind
from intranet.views.api.openapi.document import op, write
from intranet.views.api.openapi.schemas import (
    BOOL,
    INT,
    STR,
    TIME,
    TIME_OR_NULL,
    Schema,
    array,
    enum,
    obj,
    ref,
    text,
)

MINUTES: Schema = {"type": "integer", "minimum": 1, "maximum": MAX_MINUTES}
URL: Schema = {"type": "string", "maxLength": 500,
               "description": "http(s); a private or local host is refused unless allowed."}
SENTIMENT = enum("positive", "neutral", "negative")
CONDITIONS = obj({"sentiment": array(SENTIMENT), "needs_response": BOOL,
                  "min_urgency": enum("low", "normal", "high", "critical")},
                 optional=("sentiment", "needs_response", "min_urgency"),
                 description="Triage conditions that must all hold.")


def _fields(props: dict[str, Schema], required: tuple[str, ...]) -> tuple[Schema, Schema]:
    """(create body, update body): the update takes any subset; absent fields stay."""
    create = obj(props, optional=tuple(k for k in props if k not in required))
    update = obj(props, optional=tuple(props), description="Absent fields stay.")
    return create, update


SOURCE = {"name": text(120), "network": enum(*(n.value for n in Network)),
          "connector": enum(*(c.value for c in Connector)), "feed_url": URL, "poll_minutes": MINUTES,
          "reply_url": URL, "active": BOOL}
RULE = {"name": text(120), "query": text(1000, description="The search query language."),
        "kind": enum(*(k.value for k in RuleKind)), "active": BOOL}
ROUTE = {"name": text(120), "query": text(1000, required=False), "conditions": CONDITIONS,
         "position": {"type": "integer", "minimum": 0, "maximum": 10_000}, "active": BOOL}
CANNED = {"title": text(120), "body": text(5000), "lang": enum("", "en", "fr")}
SLA_FIELDS = {"first_response_minutes": MINUTES, "resolution_minutes": MINUTES, "require_approval": BOOL}

SCHEMAS: dict[str, Schema] = {
    "Source": obj({"id": INT, "slug": STR, "name": STR, "network": STR, "connector": STR, "feed_url": STR,
                   "poll_minutes": INT, "reply_url": STR, "active": BOOL, "last_error": STR,
                   "last_polled_at": TIME_OR_NULL,
                   "secret": {**STR, "description": "HMAC key (one source's answers only)."}},
                  optional=("secret",)),
    "SourceList": obj({"items": array(ref("Source"))}),
    "WatchRule": obj({"id": INT, "name": STR, "query": STR, "kind": STR, "active": BOOL, "created_at": TIME}),
    "WatchRuleList": obj({"items": array(ref("WatchRule"))}),
    "WatchPreview": obj({"scanned": {**INT, "description": "Newest stored comments read."}, "count": INT,
                         "sample": array(obj({"id": INT, "text": STR, "source_id": INT, "posted_at": TIME,
                                              "terms": array(STR)}))}),
    "PreviewBody": obj({"query": text(1000)}),
    "RoutingRule": obj({"id": INT, "service_id": INT, "name": STR, "query": STR,
                        "conditions": {"type": "object", "additionalProperties": {
                            "type": ["string", "boolean", "array"]}},
                        "position": INT, "active": BOOL}),
    "RoutingRuleList": obj({"items": array(ref("RoutingRule"))}),
    "ServiceSla": obj({"service_id": INT, "first_response_minutes": INT, "resolution_minutes": INT,
                       "require_approval": BOOL}),
    "SlaBody": obj(SLA_FIELDS, optional=tuple(SLA_FIELDS),
                   description="Absent fields stay; resolution cannot be shorter than first response."),
    "CannedReply": obj({"id": INT, "service_id": INT, "title": STR, "body": STR, "lang": STR}),
    "CannedReplyList": obj({"items": array(ref("CannedReply"))}),
    "ServiceRefList": obj({"items": array(obj({"id": INT, "name": STR}))}),
}
for name, props, required in (("Source", SOURCE, ("name", "network", "connector")),
                              ("WatchRule", RULE, ("name", "query", "kind")),
                              ("RoutingRule", ROUTE, ("name",)), ("CannedReply", CANNED, ("title", "body"))):
    SCHEMAS[f"{name}Create"], SCHEMAS[f"{name}Update"] = _fields(props, required)
PARAMETERS: dict[str, Any] = {}


def _item(op_id: str, what: str, answer: str, body: str, errors: tuple[int, ...] = (403, 404)) -> dict:
    return {"patch": write(op(f"update{op_id}", f"Change {what}", tag="inbox-settings", answer=answer,
                               body=f"{body}Update", errors=(*errors, 409))),
            "delete": write(op(f"delete{op_id}", f"Delete {what}", tag="inbox-settings", status=204,
                               errors=(404,)))}


def paths() -> dict[str, dict[str, Any]]:
    tag = "inbox-settings"
    return {
        "/inbox/sources": {
            "get": op("listSources", "Sources (admins)", tag=tag, answer="SourceList", errors=(404,)),
            "post": write(op("createSource", "Add a source; its secret is in the answer", tag=tag,
                             answer="Source", status=201, body="SourceCreate", errors=(404, 409)))},
        "/inbox/sources/{source_id}": {
            "get": op("getSource", "One source with its secret (admins)", tag=tag, answer="Source",
                      errors=(404,)),
            "patch": write(op("updateSource", "Change a source", tag=tag, answer="Source",
                              body="SourceUpdate", errors=(404,)))},
        "/inbox/sources/{source_id}/secret": {"post": write(op(
            "rotateSourceSecret", "A new secret: the old one no longer signs deliveries", tag=tag,
            answer="Source", errors=(404,)))},
        "/inbox/watch-rules": {
            "get": op("listWatchRules", "Watch rules (admins and department leads)", tag=tag,
                      answer="WatchRuleList", errors=(404,)),
            "post": write(op("createWatchRule", "Add a watch rule", tag=tag, answer="WatchRule", status=201,
                             body="WatchRuleCreate", errors=(404,)))},
        "/inbox/watch-rules/preview": {"post": write(op(
            "previewWatchRule", "Which recent stored comments a query would match (nothing saved)",
            tag=tag, answer="WatchPreview", body="PreviewBody", errors=(404,),
            description="A syntax error is a 400 naming the problem."))},
        "/inbox/watch-rules/{rule_id}": {
            "get": op("getWatchRule", "One watch rule", tag=tag, answer="WatchRule", errors=(404,)),
            **_item("WatchRule", "a watch rule", "WatchRule", "WatchRule", errors=())},
        "/inbox/services": {"get": op("listLedServices", "The services whose settings I may change",
                                      tag=tag, answer="ServiceRefList")},
        "/inbox/services/{department_id}/routing-rules": {
            "get": op("listRoutingRules", "A service's routing rules, in order (its leads)", tag=tag,
                      answer="RoutingRuleList", errors=(404,)),
            "post": write(op("createRoutingRule", "Add a routing rule", tag=tag, answer="RoutingRule",
                             status=201, body="RoutingRuleCreate", errors=(404,),
                             description="A query or at least one condition is needed."))},
        "/inbox/services/{department_id}/routing-rules/{rule_id}": _item(
            "RoutingRule", "a routing rule", "RoutingRule", "RoutingRule", errors=()),
        "/inbox/services/{department_id}/sla": {
            "get": op("getServiceSla", "A service's SLA targets and approval rule", tag=tag,
                      answer="ServiceSla", errors=(404,)),
            "put": write(op("setServiceSla", "Change the SLA targets or the approval rule", tag=tag,
                            answer="ServiceSla", body="SlaBody", errors=(404,)))},
        "/inbox/services/{department_id}/canned-replies": {
            "get": op("listCannedReplies", "A service's canned replies", tag=tag, answer="CannedReplyList",
                      errors=(404,)),
            "post": write(op("createCannedReply", "Add a canned reply", tag=tag, answer="CannedReply",
                             status=201, body="CannedReplyCreate", errors=(404,)))},
        "/inbox/services/{department_id}/canned-replies/{reply_id}": _item(
            "CannedReply", "a canned reply", "CannedReply", "CannedReply", errors=()),
    }
