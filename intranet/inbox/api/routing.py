"""Routing over the API: send a case to another service (applying the suggestion), and a
service's description and example comments (its lead's words, routing's cold start)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_login import login_required

from intranet.inbox import access as access_inbox
from intranet.inbox.actions import routing
from intranet.inbox.api.cases import _case
from intranet.models import ServiceSettings
from intranet.platform import db
from intranet.platform.web import json_body
from intranet.views.api import bp
from intranet.views.api.params import integer, me


@bp.post("/inbox/cases/<int:case_id>/route")
@login_required
def inbox_case_route(case_id: int) -> Response:
    item, data = access_inbox.access_case(me(), case_id), json_body()
    service_id = integer(data, "service_id", required=True)
    with db.transaction() as s:
        routing.do_route_case(s, me(), item, service_id)
    return _case(case_id)


def _profile(department_id: int) -> dict[str, Any]:
    settings = db.session.get(ServiceSettings, department_id)
    return {"service_id": department_id, "description": settings.description if settings else "",
            "examples": list(settings.examples or []) if settings else []}


@bp.get("/inbox/services/<int:department_id>/profile")
@login_required
def inbox_service_profile(department_id: int) -> Response:
    access_inbox.access_led_service(me(), department_id)
    return jsonify(_profile(department_id))


@bp.put("/inbox/services/<int:department_id>/profile")
@login_required
def inbox_service_profile_save(department_id: int) -> Response:
    department, data = access_inbox.access_led_service(me(), department_id), json_body()
    with db.transaction() as s:
        routing.do_save_service_profile(s, me(), department, description=data.get("description", ""),
                                        examples=data.get("examples", []))
    return jsonify(_profile(department_id))
