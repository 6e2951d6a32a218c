"""The inbox's settings over the API, for the people the settings pages let change them: sources
(admins), watch rules with their preview (admins and department leads), and each service's
routing rules, SLA targets and canned replies (its leads, admins). Anyone else gets 404, as on
the pages. The actions are the pages' (``actions.settings``): they validate every value.

PATCH changes the fields given and keeps the others.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from intranet import access
from intranet.inbox import access as access_inbox
from intranet.inbox.actions import settings as actions
from intranet.inbox.api.incident_serializers import (
    canned_json,
    routing_rule_json,
    sla_settings_json,
    source_json,
    watch_rule_json,
)
from intranet.inbox.queries.rules import preview
from intranet.models import CannedReply, Department, RoutingRule, Source, WatchRule
from intranet.platform import db
from intranet.platform.errors import Invalid, NotFound
from intranet.platform.web import json_body
from intranet.views.api import bp
from intranet.views.api.params import boolean, me, text
from intranet.views.api.serializers import iso

CONDITIONS = ("sentiment", "needs_response", "min_urgency")


def _fields(data: dict[str, Any], current: dict[str, Any], flags: tuple[str, ...] = ("active",)) -> dict:
    """The current values with the body's on top; flags must be JSON booleans; unknown fields 400."""
    unknown = sorted(set(data) - set(current))
    if unknown:
        raise Invalid(_("Unknown field: %(name)s.", name=unknown[0]), field=unknown[0])
    out = {**current, **data}
    for name in flags:
        if name in data:
            out[name] = boolean(data, name)
    return out


# ---- sources (admins) ----------------------------------------------------------------------

SOURCE_FIELDS = {"name": "", "network": "", "connector": "", "feed_url": "", "poll_minutes": 15,
                 "reply_url": "", "active": True}


def _source(source_id: int) -> Source:
    access.require_admin(me())
    source = db.session.get(Source, source_id)
    if source is None:
        raise NotFound(_("This source does not exist."))
    return source


@bp.get("/inbox/sources")
@login_required
def inbox_sources() -> Response:
    access.require_admin(me())
    rows = db.session.scalars(select(Source).order_by(Source.name))
    return jsonify(items=[source_json(s) for s in rows])


@bp.post("/inbox/sources")
@login_required
def inbox_source_create() -> tuple[Response, int]:
    access.require_admin(me())
    values = _fields(json_body(), SOURCE_FIELDS)
    with db.transaction() as s:
        source = actions.do_save_source(s, me(), None, **values)
    return jsonify(source_json(source, secret=True)), 201


@bp.get("/inbox/sources/<int:source_id>")
@login_required
def inbox_source_get(source_id: int) -> Response:
    return jsonify(source_json(_source(source_id), secret=True))


@bp.patch("/inbox/sources/<int:source_id>")
@login_required
def inbox_source_update(source_id: int) -> Response:
    item = _source(source_id)
    current = {k: getattr(item, k) for k in SOURCE_FIELDS}
    current |= {"network": item.network.value, "connector": item.connector.value}
    values = _fields(json_body(), current)
    with db.transaction() as s:
        actions.do_save_source(s, me(), item, **values)
    return jsonify(source_json(item, secret=True))


@bp.post("/inbox/sources/<int:source_id>/secret")
@login_required
def inbox_source_secret(source_id: int) -> Response:
    item = _source(source_id)
    json_body(optional=True)
    with db.transaction() as s:
        actions.do_rotate_secret(s, me(), item)
    return jsonify(source_json(item, secret=True))


# ---- watch rules (admins and department leads) ---------------------------------------------

RULE_FIELDS = {"name": "", "query": "", "kind": "", "active": True}


def _rule(rule_id: int) -> WatchRule:
    access_inbox.require_watch_rules(me())
    rule = db.session.get(WatchRule, rule_id)
    if rule is None:
        raise NotFound(_("This watch rule does not exist."))
    return rule


@bp.get("/inbox/watch-rules")
@login_required
def inbox_watch_rules() -> Response:
    access_inbox.require_watch_rules(me())
    rows = db.session.scalars(select(WatchRule).order_by(WatchRule.kind, WatchRule.name))
    return jsonify(items=[watch_rule_json(r) for r in rows])


@bp.post("/inbox/watch-rules")
@login_required
def inbox_watch_rule_create() -> tuple[Response, int]:
    access_inbox.require_watch_rules(me())
    values = _fields(json_body(), RULE_FIELDS)
    with db.transaction() as s:
        rule = actions.do_save_watch_rule(s, me(), None, **values)
    return jsonify(watch_rule_json(rule)), 201


@bp.post("/inbox/watch-rules/preview")
@login_required
def inbox_watch_rule_preview() -> Response:
    """Which recent stored comments the query would match, without saving anything."""
    access_inbox.require_watch_rules(me())
    found = preview(db.session(), actions.check_query(text(json_body(), "query", required=True)))
    return jsonify(scanned=found.scanned, count=found.count, sample=[
        {"id": c.id, "text": c.text, "source_id": c.source_id, "posted_at": iso(c.posted_at), "terms": terms}
        for c, terms in found.sample])


@bp.get("/inbox/watch-rules/<int:rule_id>")
@login_required
def inbox_watch_rule_get(rule_id: int) -> Response:
    return jsonify(watch_rule_json(_rule(rule_id)))


@bp.patch("/inbox/watch-rules/<int:rule_id>")
@login_required
def inbox_watch_rule_update(rule_id: int) -> Response:
    item = _rule(rule_id)
    current = {"name": item.name, "query": item.query, "kind": item.kind.value, "active": item.active}
    values = _fields(json_body(), current)
    with db.transaction() as s:
        actions.do_save_watch_rule(s, me(), item, **values)
    return jsonify(watch_rule_json(item))


@bp.delete("/inbox/watch-rules/<int:rule_id>")
@login_required
def inbox_watch_rule_delete(rule_id: int) -> tuple[str, int]:
    item = _rule(rule_id)
    with db.transaction() as s:
        actions.do_delete_watch_rule(s, me(), item)
    return "", 204


# ---- a service's routing rules, SLA targets, canned replies (its leads) ---------------------


def _owned(model: type, department: Department, row_id: int) -> Any:
    row = db.session.get(model, row_id)
    if row is None or row.department_id != department.id:
        raise NotFound(_("This page does not exist."))
    return row


@bp.get("/inbox/services")
@login_required
def inbox_led_services() -> Response:
    """The services whose settings I may change."""
    return jsonify(items=[{"id": d.id, "name": d.name} for d in access_inbox.led_services(me())])


@bp.get("/inbox/services/<int:department_id>/routing-rules")
@login_required
def inbox_routing_rules(department_id: int) -> Response:
    department = access_inbox.access_led_service(me(), department_id)
    rows = db.session.scalars(select(RoutingRule).where(RoutingRule.department_id == department.id)
                              .order_by(RoutingRule.position, RoutingRule.id))
    return jsonify(items=[routing_rule_json(r) for r in rows])


def _routing_values(data: dict[str, Any], rule: RoutingRule | None) -> dict[str, Any]:
    conditions = dict(rule.conditions or {}) if rule else {}
    current = {"name": rule.name if rule else "", "query": rule.query if rule else "",
               "position": rule.position if rule else 100, "active": rule.active if rule else True,
               "conditions": conditions}
    values = _fields(data, current)
    if not isinstance(values["conditions"], dict):
        raise Invalid(_("conditions must be an object."), field="conditions")
    unknown = sorted(set(values["conditions"]) - set(CONDITIONS))
    if unknown:
        raise Invalid(_("Unknown field: %(name)s.", name=unknown[0]), field=unknown[0])
    return values


@bp.post("/inbox/services/<int:department_id>/routing-rules")
@login_required
def inbox_routing_rule_create(department_id: int) -> tuple[Response, int]:
    department = access_inbox.access_led_service(me(), department_id)
    values = _routing_values(json_body(), None)
    with db.transaction() as s:
        rule = actions.do_save_routing_rule(s, me(), department, None, **values)
    return jsonify(routing_rule_json(rule)), 201


@bp.patch("/inbox/services/<int:department_id>/routing-rules/<int:rule_id>")
@login_required
def inbox_routing_rule_update(department_id: int, rule_id: int) -> Response:
    department = access_inbox.access_led_service(me(), department_id)
    rule = _owned(RoutingRule, department, rule_id)
    values = _routing_values(json_body(), rule)
    with db.transaction() as s:
        actions.do_save_routing_rule(s, me(), department, rule, **values)
    return jsonify(routing_rule_json(rule))


@bp.delete("/inbox/services/<int:department_id>/routing-rules/<int:rule_id>")
@login_required
def inbox_routing_rule_delete(department_id: int, rule_id: int) -> tuple[str, int]:
    department = access_inbox.access_led_service(me(), department_id)
    rule = _owned(RoutingRule, department, rule_id)
    with db.transaction() as s:
        actions.do_delete_routing_rule(s, me(), rule)
    return "", 204


@bp.get("/inbox/services/<int:department_id>/sla")
@login_required
def inbox_sla_get(department_id: int) -> Response:
    department = access_inbox.access_led_service(me(), department_id)
    return jsonify(sla_settings_json(actions.service_settings(db.session, department.id)))


@bp.put("/inbox/services/<int:department_id>/sla")
@login_required
def inbox_sla_put(department_id: int) -> Response:
    department = access_inbox.access_led_service(me(), department_id)
    current = sla_settings_json(actions.service_settings(db.session, department.id))
    current.pop("service_id")
    values = _fields(json_body(), current, flags=("require_approval",))
    with db.transaction() as s:
        settings = actions.do_save_service_settings(s, me(), department, **values)
    return jsonify(sla_settings_json(settings))


@bp.get("/inbox/services/<int:department_id>/canned-replies")
@login_required
def inbox_canned_replies(department_id: int) -> Response:
    department = access_inbox.access_led_service(me(), department_id)
    rows = db.session.scalars(select(CannedReply).where(CannedReply.department_id == department.id)
                              .order_by(CannedReply.title))
    return jsonify(items=[canned_json(r) for r in rows])


@bp.post("/inbox/services/<int:department_id>/canned-replies")
@login_required
def inbox_canned_create(department_id: int) -> tuple[Response, int]:
    department = access_inbox.access_led_service(me(), department_id)
    values = _fields(json_body(), {"title": "", "body": "", "lang": ""}, flags=())
    with db.transaction() as s:
        reply = actions.do_save_canned_reply(s, me(), department, None, **values)
    return jsonify(canned_json(reply)), 201


@bp.patch("/inbox/services/<int:department_id>/canned-replies/<int:reply_id>")
@login_required
def inbox_canned_update(department_id: int, reply_id: int) -> Response:
    department = access_inbox.access_led_service(me(), department_id)
    reply = _owned(CannedReply, department, reply_id)
    values = _fields(json_body(), {"title": reply.title, "body": reply.body, "lang": reply.lang}, flags=())
    with db.transaction() as s:
        actions.do_save_canned_reply(s, me(), department, reply, **values)
    return jsonify(canned_json(reply))


@bp.delete("/inbox/services/<int:department_id>/canned-replies/<int:reply_id>")
@login_required
def inbox_canned_delete(department_id: int, reply_id: int) -> tuple[str, int]:
    department = access_inbox.access_led_service(me(), department_id)
    reply = _owned(CannedReply, department, reply_id)
    with db.transaction() as s:
        actions.do_delete_canned_reply(s, me(), reply)
    return "", 204
