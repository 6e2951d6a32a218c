"""Spike alerts over the API: the surges of the services I lead (every one for admins), one
surge with its sample comments, and the crisis thread in one call. The same access rule as
``/inbox/spikes`` (``queries.spikes.access_spike``: hidden and missing alike are 404) and the
same action as the page's button."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for
from flask_babel import gettext as _
from flask_login import login_required

from intranet.inbox.access import led_services
from intranet.inbox.actions.spikes import do_open_crisis_thread, spike_groups
from intranet.inbox.queries import spikes as spike_queries
from intranet.models import Spike
from intranet.platform import db
from intranet.platform.errors import Invalid, NotFound
from intranet.platform.web import json_body
from intranet.views.api import bp
from intranet.views.api.params import integer, me
from intranet.views.api.serializers import group_ref, iso


def spike_json(spike: Spike) -> dict[str, Any]:
    s = db.session()
    return {"id": spike.id, "rule": {"id": spike.rule_id, "name": spike.rule.name},
            "window_start": iso(spike.window_start), "detected_at": iso(spike.detected_at),
            "count": spike.count, "baseline": spike.baseline, "threshold": spike.threshold,
            "words": list(spike.words or []),
            "sources": [{"name": name, "count": n} for name, n in spike.sources or []],
            "services": [{"id": d.id, "name": d.name}
                         for d in spike_queries.departments(s, list(spike.department_ids or []))],
            "post_id": spike.post_id,
            "thread_groups": [] if spike.post_id is not None else [
                group_ref(g) for g in spike_groups(s, me(), spike)],
            "url": url_for("inbox_spikes.spike", spike_id=spike.id)}


def spike_detail_json(spike: Spike) -> dict[str, Any]:
    """With its sample comments: the customers' words only, never who wrote them."""
    samples = spike_queries.comments(db.session(), list(spike.comment_ids or []))
    return {**spike_json(spike),
            "samples": [{"comment_id": c.id, "text": c.text, "posted_at": iso(c.posted_at)} for c in samples]}


@bp.get("/inbox/spikes")
@login_required
def inbox_spikes() -> Response:
    if not (me().is_admin or led_services(me())):
        raise NotFound(_("This page does not exist."))
    return jsonify({"items": [spike_json(x) for x in spike_queries.visible_spikes(db.session(), me())]})


@bp.get("/inbox/spikes/<int:spike_id>")
@login_required
def inbox_spike(spike_id: int) -> Response:
    return jsonify(spike_detail_json(spike_queries.access_spike(db.session(), me(), spike_id)))


@bp.post("/inbox/spikes/<int:spike_id>/thread")
@login_required
def inbox_spike_thread(spike_id: int) -> tuple[Response, int]:
    found, data = spike_queries.access_spike(db.session(), me(), spike_id), json_body()
    group_id = integer(data, "group_id", required=True)
    groups = {g.id: g for g in spike_groups(db.session(), me(), found)}
    if group_id not in groups:
        raise Invalid(_("Choose the group of a service this surge concerns."), field="group_id")
    with db.transaction() as s:
        do_open_crisis_thread(s, me(), found, groups[group_id])
    return jsonify(spike_detail_json(spike_queries.access_spike(db.session(), me(), spike_id))), 201
