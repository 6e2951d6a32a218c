"""Surges of comments for the leads they concern: what surged (words, sources, samples) and the
crisis thread in one click."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from intranet.inbox.actions.spikes import do_open_crisis_thread, spike_groups
from intranet.inbox.queries import spikes as spike_queries
from intranet.models import Spike
from intranet.platform import db
from intranet.platform.errors import DomainError, Invalid
from intranet.platform.inputs import parse_int
from intranet.views.common import done, form_data, me, refused

bp = Blueprint("inbox_spikes", __name__, url_prefix="/inbox/spikes")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Each page checks who may see the spikes (their services' leads, admins)."""


def _cards(spikes: list[Spike]) -> list[dict]:
    s = db.session()
    return [{"spike": spike, "samples": spike_queries.comments(s, list(spike.comment_ids or [])),
             "services": spike_queries.departments(s, list(spike.department_ids or [])),
             "groups": spike_groups(s, me(), spike)} for spike in spikes]


@bp.get("")
def index() -> str:
    spikes = spike_queries.visible_spikes(db.session(), me())
    return render_template("inbox_watch/spikes.html", cards=_cards(spikes), single=False)


@bp.get("/<int:spike_id>")
def spike(spike_id: int) -> str:
    found = spike_queries.access_spike(db.session(), me(), spike_id)
    return render_template("inbox_watch/spikes.html", cards=_cards([found]), single=True)


@bp.post("/<int:spike_id>/thread")
def thread(spike_id: int) -> Response:
    found = spike_queries.access_spike(db.session(), me(), spike_id)
    here = url_for("inbox_spikes.spike", spike_id=spike_id)
    raw = form_data().get("group_id")
    group_id = parse_int(raw) if isinstance(raw, str) and raw.strip() else raw
    groups = {g.id: g for g in spike_groups(db.session(), me(), found)}
    try:
        if group_id not in groups:
            raise Invalid(_("Choose the group of a service this surge concerns."), field="group_id")
        with db.transaction() as s:
            post = do_open_crisis_thread(s, me(), found, groups[group_id])
    except DomainError as exc:
        return refused(exc, here)
    return done(_("The crisis thread is open."), url_for("posts.show", post_id=post.id), post_id=post.id)
