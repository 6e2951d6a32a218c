"""Who am I: profile, department, groups with roles, unread notifications."""

from __future__ import annotations

from flask import Response, jsonify
from flask_login import login_required

from intranet.platform import db
from intranet.queries import lists as queries
from intranet.views.api import bp
from intranet.views.api.params import me
from intranet.views.api.serializers import me_json


@bp.get("/me")
@login_required
def whoami() -> Response:
    user = me()
    return jsonify(me_json(user, queries.my_groups(db.session, user),
                           queries.unread_notifications(db.session, user)))
