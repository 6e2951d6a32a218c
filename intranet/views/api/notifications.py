"""My notifications: list (never about what I can no longer read) and mark read."""

from __future__ import annotations

from flask import Response, jsonify
from flask_login import login_required

from intranet.actions.notifications import do_mark_read
from intranet.platform import db
from intranet.platform.web import json_body
from intranet.queries import feed as feeds
from intranet.queries import lists as queries
from intranet.views.api import bp
from intranet.views.api.params import integer_list, me, query_flag, query_int
from intranet.views.api.serializers import notification_json


@bp.get("/notifications")
@login_required
def notifications() -> Response:
    before = query_int("before", low=1)
    limit = query_int("limit", default=20, low=1, high=feeds.MAX_LIMIT)
    page = queries.notifications_page(db.session, me(), before, limit, unread_only=query_flag("unread"))
    return jsonify(items=[notification_json(n) for n in page.items], unread=page.unread,
                   next_before=page.next_before)


@bp.post("/notifications/read")
@login_required
def notifications_read() -> Response:
    """``{"ids": [...]}`` marks those; ``{}`` (or no body) marks all."""
    ids = integer_list(json_body(optional=True), "ids")
    with db.transaction() as s:
        changed = do_mark_read(s, me(), ids)
    return jsonify(changed=changed, unread=queries.unread_notifications(db.session, me()))
