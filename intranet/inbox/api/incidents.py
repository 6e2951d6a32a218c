"""Incidents over the API: list, read, answer every customer, resolve, detach, merge, escalate.
The same access rules and actions as the incident page (``access_inbox``, ``actions.incidents``)."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import gettext as _
from flask_login import login_required

from intranet import access
from intranet.inbox import access as access_inbox
from intranet.inbox.actions import incidents as incident_actions
from intranet.inbox.api.incident_serializers import bulk_json, incident_detail_json, incident_json
from intranet.inbox.api.serializers import case_json
from intranet.inbox.queries import incidents as incident_queries
from intranet.inbox.queries.cases import now, people_by_id
from intranet.platform import db
from intranet.platform.errors import Invalid
from intranet.platform.web import json_body
from intranet.views.api import bp
from intranet.views.api.params import integer, me, query_int, text


def _incident(incident_id: int) -> Response:
    item = access_inbox.access_incident(me(), incident_id)
    context = incident_queries.incident_context(db.session(), me(), item)
    people = people_by_id(db.session(), {c.assignee_id for c in context["cases"]})
    return jsonify(incident_detail_json(context, lambda c: case_json(c, context["at"], people)))


@bp.get("/inbox/incidents")
@login_required
def inbox_incidents() -> Response:
    user = me()
    filters = incident_queries.parse_filters(request.args, access_inbox.require_inbox(user))
    limit = query_int("limit", default=incident_queries.PAGE, low=1, high=100)
    items, cursor = incident_queries.incident_page(db.session(), user, filters, limit=limit)
    at = now()
    return jsonify(items=[incident_json(i, at) for i in items], next_cursor=cursor)


@bp.get("/inbox/incidents/<int:incident_id>")
@login_required
def inbox_incident_get(incident_id: int) -> Response:
    return _incident(incident_id)


@bp.post("/inbox/incidents/<int:incident_id>/replies")
@login_required
def inbox_incident_reply(incident_id: int) -> tuple[Response, int]:
    item, data = access_inbox.access_incident(me(), incident_id), json_body()
    with db.transaction() as s:
        outcome = incident_actions.do_bulk_reply(s, me(), item, text(data, "body", required=True))
    return jsonify(bulk_json(outcome)), 201


@bp.post("/inbox/incidents/<int:incident_id>/resolve")
@login_required
def inbox_incident_resolve(incident_id: int) -> Response:
    item = access_inbox.access_incident(me(), incident_id)
    json_body(optional=True)
    with db.transaction() as s:
        outcome = incident_actions.do_resolve_incident(s, me(), item)
    return jsonify(bulk_json(outcome))


@bp.post("/inbox/incidents/<int:incident_id>/reopen")
@login_required
def inbox_incident_reopen(incident_id: int) -> Response:
    item = access_inbox.access_incident(me(), incident_id)
    json_body(optional=True)
    with db.transaction() as s:
        incident_actions.do_reopen_incident(s, me(), item)
    return _incident(incident_id)


@bp.post("/inbox/incidents/<int:incident_id>/detach")
@login_required
def inbox_incident_detach(incident_id: int) -> Response:
    item, data = access_inbox.access_incident(me(), incident_id), json_body()
    case_id = integer(data, "case_id", required=True)
    with db.transaction() as s:
        incident_actions.do_detach(s, me(), item, incident_actions.member_case(s, item, case_id))
    return _incident(incident_id)


@bp.post("/inbox/incidents/<int:incident_id>/merge")
@login_required
def inbox_incident_merge(incident_id: int) -> Response:
    """Either ``incident_id`` (another incident) or ``case_id`` (one case) joins this one."""
    item, data = access_inbox.access_incident(me(), incident_id), json_body()
    other_id, case_id = integer(data, "incident_id"), integer(data, "case_id")
    if (other_id is None) == (case_id is None):
        raise Invalid(_("Give either incident_id or case_id."), field="incident_id")
    with db.transaction() as s:
        if other_id is not None:
            other = access_inbox.access_incident(me(), other_id)
            incident_actions.do_merge(s, me(), item, other)
        else:
            incident_actions.do_add_case(s, me(), item, access_inbox.access_case(me(), case_id))
    return _incident(incident_id)


@bp.post("/inbox/incidents/<int:incident_id>/escalate")
@login_required
def inbox_incident_escalate(incident_id: int) -> tuple[Response, int]:
    item, data = access_inbox.access_incident(me(), incident_id), json_body()
    group = access.access_group(me(), integer(data, "group_id", required=True))
    with db.transaction() as s:
        incident_actions.do_escalate_incident(s, me(), item, group)
    return _incident(incident_id), 201
