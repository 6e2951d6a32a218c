"""Join requests of private and department groups: leads (and admins) list and decide them.

Others get 404, as for a group they cannot see: ``access.access_managed_group``.
"""

from __future__ import annotations

from flask import Response, jsonify
from flask_babel import gettext as _
from flask_login import login_required

from intranet import access
from intranet.actions.groups import do_decide_join_request
from intranet.platform import db
from intranet.platform.errors import Invalid
from intranet.platform.web import json_body
from intranet.queries import lists as queries
from intranet.views.api import bp
from intranet.views.api.params import me, text
from intranet.views.api.serializers import join_request_json

DECISIONS = {"accept": True, "refuse": False}


@bp.get("/groups/<int:group_id>/join-requests")
@login_required
def join_requests(group_id: int) -> Response:
    group = access.access_managed_group(me(), group_id)
    return jsonify(items=[join_request_json(r) for r in queries.pending_join_requests(db.session, group)])


@bp.post("/groups/<int:group_id>/join-requests/<int:request_id>")
@login_required
def join_request_decide(group_id: int, request_id: int) -> Response:
    """Accept or refuse; the requester is notified either way. Already decided: 409."""
    join_request = access.access_join_request(me(), group_id, request_id)
    decision = text(json_body(), "decision", required=True)
    if decision not in DECISIONS:
        raise Invalid(_("decision must be accept or refuse."), field="decision")
    with db.transaction() as s:
        do_decide_join_request(s, me(), join_request, DECISIONS[decision])
    return jsonify(join_request_json(join_request))
