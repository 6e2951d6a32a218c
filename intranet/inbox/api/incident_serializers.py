"""JSON shapes of incidents and of the inbox's settings and suggestions (documented in
``openapi_incidents.py`` and ``openapi_settings.py``). Customer data appears only for incidents
and cases fetched through ``access_inbox``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for

from intranet.inbox.queries.cases import Sla
from intranet.inbox.queries.incidents import sla_of, words
from intranet.models import CannedReply, Incident, RoutingRule, ServiceSettings, Source, WatchRule
from intranet.views.api.serializers import iso


def sla_json(sla: Sla | None) -> dict[str, Any] | None:
    if sla is None:
        return None
    return {"kind": sla.kind, "due": iso(sla.due), "seconds_left": int(sla.left.total_seconds()),
            "breached": sla.breached}


def incident_json(incident: Incident, at: datetime) -> dict[str, Any]:
    return {"id": incident.id, "status": incident.status.value, "service_id": incident.department_id,
            "size": incident.size, "words": words(incident), "sla": sla_json(sla_of(incident, at)),
            "created_at": iso(incident.created_at), "last_case_at": iso(incident.last_case_at),
            "resolved_at": iso(incident.resolved_at), "merged_into": incident.merged_into_id,
            "url": url_for("inbox_incidents.show", incident_id=incident.id)}


def incident_detail_json(context: dict[str, Any], case_json: Any) -> dict[str, Any]:
    incident = context["incident"]
    return {**incident_json(incident, context["at"]), "sources": context["sources"],
            "group_id": incident.group_id, "post_id": incident.post_id if context["thread"] else None,
            "first_response_at": iso(incident.first_response_at), "can_work": context["works"],
            "cases": [case_json(c) for c in context["cases"]]}


def bulk_json(outcome: Any) -> dict[str, Any]:
    return {"done": outcome.done, "held": outcome.held,
            "skipped": [{"case_id": cid, "reason": why} for cid, why in outcome.skipped.items()]}


def source_json(source: Source, *, secret: bool = False) -> dict[str, Any]:
    out = {"id": source.id, "slug": source.slug, "name": source.name, "network": source.network.value,
           "connector": source.connector.value, "feed_url": source.feed_url,
           "poll_minutes": source.poll_minutes,
           "reply_url": source.reply_url, "active": source.active, "last_error": source.last_error,
           "last_polled_at": iso(source.last_polled_at)}
    if secret:
        out["secret"] = source.secret
    return out


def watch_rule_json(rule: WatchRule) -> dict[str, Any]:
    return {"id": rule.id, "name": rule.name, "query": rule.query, "kind": rule.kind.value,
            "active": rule.active, "created_at": iso(rule.created_at)}


def routing_rule_json(rule: RoutingRule) -> dict[str, Any]:
    return {"id": rule.id, "service_id": rule.department_id, "name": rule.name, "query": rule.query,
            "conditions": rule.conditions or {}, "position": rule.position, "active": rule.active}


def sla_settings_json(settings: ServiceSettings) -> dict[str, Any]:
    return {"service_id": settings.department_id, "first_response_minutes": settings.first_response_minutes,
            "resolution_minutes": settings.resolution_minutes, "require_approval": settings.require_approval}


def canned_json(reply: CannedReply) -> dict[str, Any]:
    return {"id": reply.id, "service_id": reply.department_id, "title": reply.title, "body": reply.body,
            "lang": reply.lang}
