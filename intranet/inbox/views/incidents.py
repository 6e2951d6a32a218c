"""The incident pages: the list, one incident (its customers, sources, clock, thread) and every
change to it. Each POST works as a plain form (redirect back with a flash) and as JSON for
scripts; who may do what is decided in ``access_inbox`` and ``actions.incidents``.

Also the two small hooks other inbox pages include: the case page's "part of incident #N" note
and the dashboard's incident figures (``inbox/_incident_note.html``,
``inbox_incidents/_dashboard.html``), read through template functions so those pages' views
stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from intranet import access
from intranet.inbox import access as access_inbox
from intranet.inbox.actions import incidents as incident_actions
from intranet.inbox.queries import cases as inbox_queries
from intranet.inbox.queries import dashboard as inbox_dashboard
from intranet.inbox.queries import incidents as incident_queries
from intranet.models import Incident
from intranet.platform import db
from intranet.platform.errors import DomainError, Invalid, NotFound
from intranet.platform.inputs import parse_int
from intranet.views.common import done, form_data, me, refused

bp = Blueprint("inbox_incidents", __name__, url_prefix="/inbox/incidents")


@bp.app_context_processor
def _hooks() -> dict[str, Any]:
    return {"incident_of_case": _incident_of_case, "incident_figures": _figures}


def _incident_of_case(case_id: int) -> Incident | None:
    """The case page's note: the incident this case belongs to, for the people who may open it."""
    if not current_user.is_authenticated:
        return None
    incident = incident_queries.incident_of_case(db.session(), case_id)
    return incident if incident is not None and access_inbox.can_work_incident(me(), incident) else None


def _figures(service: int | None) -> dict[str, int]:
    """The dashboard's incident figures over the dashboard's period and services."""
    services = access_inbox.require_inbox(me())
    at = inbox_queries.now()
    since = at - timedelta(days=inbox_dashboard.DAYS)
    return incident_queries.counts(db.session(), services if service is None else {service}, since)


@bp.get("")
@login_required
def index() -> str:
    user = me()
    services = access_inbox.require_inbox(user)
    filters = incident_queries.parse_filters(request.args, services)
    items, cursor = incident_queries.incident_page(db.session(), user, filters)
    return render_template("inbox_incidents/index.html", items=items, cursor=cursor, filters=filters,
                           at=inbox_queries.now(), words=incident_queries.words,
                           sla_of=incident_queries.sla_of,
                           services=inbox_queries.services_named(db.session(), services))


@bp.get("/<int:incident_id>")
@login_required
def show(incident_id: int) -> str:
    item = access_inbox.access_incident(me(), incident_id)
    context = incident_queries.incident_context(db.session(), me(), item)
    return render_template("inbox_incidents/show.html", **context)


def _change(incident_id: int, change: Callable[[Session, Incident], Any], message: Callable[[Any], str],
            status: int = 200) -> Response:
    item = access_inbox.access_incident(me(), incident_id)
    target = url_for("inbox_incidents.show", incident_id=incident_id)
    try:
        with db.transaction() as s:
            result = change(s, item)
    except DomainError as exc:
        return refused(exc, target)
    data = incident_actions_json(result)
    return done(message(result), target, status=status, id=incident_id, **data)


def incident_actions_json(result: Any) -> dict[str, Any]:
    if isinstance(result, incident_actions.BulkOutcome):
        return {"done": result.done, "held": result.held, "skipped": sorted(result.skipped)}
    return {}


def _bulk_message(verb: str) -> Callable[[incident_actions.BulkOutcome], str]:
    def message(outcome: incident_actions.BulkOutcome) -> str:
        parts = [ngettext("%(num)d reply on its way.", "%(num)d replies on their way.", len(outcome.done))
                 if verb == "reply" else
                 ngettext("%(num)d case resolved.", "%(num)d cases resolved.", len(outcome.done))]
        if outcome.held:
            parts.append(ngettext("%(num)d waits for a lead's approval.",
                                  "%(num)d wait for a lead's approval.", len(outcome.held)))
        if outcome.skipped:
            parts.append(ngettext("%(num)d left out (see the list).", "%(num)d left out (see the list).",
                                  len(outcome.skipped)))
        return " ".join(parts)
    return message


@bp.post("/<int:incident_id>/replies")
@login_required
def reply(incident_id: int) -> Response:
    body = form_data().get("body")
    return _change(incident_id, lambda s, i: incident_actions.do_bulk_reply(s, me(), i, body),
                   _bulk_message("reply"), status=201)


@bp.post("/<int:incident_id>/resolve")
@login_required
def resolve(incident_id: int) -> Response:
    return _change(incident_id, lambda s, i: incident_actions.do_resolve_incident(s, me(), i),
                   _bulk_message("resolve"))


@bp.post("/<int:incident_id>/reopen")
@login_required
def reopen(incident_id: int) -> Response:
    return _change(incident_id, lambda s, i: incident_actions.do_reopen_incident(s, me(), i),
                   lambda _r: _("The incident is open again."))


def _number(name: str) -> int:
    raw = form_data().get(name)
    value = raw if isinstance(raw, int) and not isinstance(raw, bool) else parse_int(str(raw or ""), low=1)
    if value is None:
        raise Invalid(_("Choose a case of this incident."), field=name)
    return value


@bp.post("/<int:incident_id>/detach")
@login_required
def detach(incident_id: int) -> Response:
    def change(s: Session, incident: Incident) -> None:
        case = incident_actions.member_case(s, incident, _number("case_id"))
        incident_actions.do_detach(s, me(), incident, case)
    return _change(incident_id, change,
                   lambda _r: _("The case is out of the incident: it has its own clock again."))


@bp.post("/<int:incident_id>/merge")
@login_required
def merge(incident_id: int) -> Response:
    """Another incident (``incident_id``) or one case (``case_id``, its number) joins this one."""
    data = form_data()

    def change(s: Session, incident: Incident) -> None:
        if data.get("incident_id"):
            other = access_inbox.access_incident(me(), _number("incident_id"))
            incident_actions.do_merge(s, me(), incident, other)
            return
        try:
            case = access_inbox.access_case(me(), _number("case_id"))
        except NotFound:
            raise Invalid(_("No case with this number is in your inbox."), field="case_id") from None
        incident_actions.do_add_case(s, me(), incident, case)
    return _change(incident_id, change, lambda _r: _("Merged into this incident."))


@bp.post("/<int:incident_id>/escalate")
@login_required
def escalate(incident_id: int) -> Response:
    group_id = parse_int(str(form_data().get("group_id") or ""), low=1)
    if group_id is None:
        target = url_for("inbox_incidents.show", incident_id=incident_id)
        return refused(Invalid(_("Choose a group."), field="group_id"), target)
    group = access.access_group(me(), group_id)
    return _change(incident_id, lambda s, i: incident_actions.do_escalate_incident(s, me(), i, group),
                   lambda _r: _("The incident is escalated to %(group)s.", group=group.name), status=201)
