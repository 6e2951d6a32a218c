"""Catch-up over HTTP: every event after the last one a client saw, so nothing is lost when a
socket drops. Clients de-duplicate by ``event_id`` (the same value live events carry).
"""

from __future__ import annotations

from flask import Response, jsonify
from flask_login import login_required

from intranet.platform import db
from intranet.platform.events import wire_payload
from intranet.queries import lists as queries
from intranet.views.api import bp
from intranet.views.api.params import me, query_int

MAX_EVENTS = 500


@bp.get("/events")
@login_required
def events() -> Response:
    """Without ``after``: no events, and ``last_event_id`` says where "now" is. ``post_id``: the
    post a page shows, whose events (its room's) come too when I may open it."""
    after = query_int("after", low=0)
    limit = query_int("limit", default=100, low=1, high=MAX_EVENTS)
    post_id = query_int("post_id", low=1)
    if after is None:
        return jsonify(events=[], last_event_id=queries.last_event_id(db.session), more=False)
    rows, more = queries.events_after(db.session, me(), after, limit, post_id)
    return jsonify(events=[wire_payload(ev) for ev in rows],
                   last_event_id=rows[-1].id if rows else after, more=more)
