"""The inbox pages: the case list, one case (and every change to it), the dashboard.

Each POST works as a plain form (redirect back to the case with a flash) and, for our scripts,
as JSON when the request asks for it. Who may see and do what is decided in ``access_inbox`` and
the actions; these views only parse, fetch, call and answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup
from sqlalchemy.orm import Session

from intranet import access
from intranet.inbox import access as access_inbox
from intranet.inbox.actions import cases, routing
from intranet.inbox.actions import knowledge as case_knowledge
from intranet.inbox.actions import replies as case_replies
from intranet.inbox.queries import cases as inbox_queries
from intranet.inbox.queries import dashboard as inbox_dashboard
from intranet.inbox.queries import workview as work_queries
from intranet.inbox.views import pages
from intranet.models import Case
from intranet.platform import db
from intranet.platform.errors import DomainError, Invalid
from intranet.platform.inputs import parse_int
from intranet.platform.sanitize import linkify_text, safe_url
from intranet.platform.web import wants_json
from intranet.views.common import done, form_data, frame_value, me, refused, safe_next, truthy
from intranet.views.posts import remember_last_event

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


@bp.app_template_filter("customer_text")
def customer_text(text: str) -> Markup:
    """A customer's words: escaped, bare links made safe (nofollow, noopener)."""
    return Markup(linkify_text(text or ""))  # escaped, then allow-listed by sanitize


@bp.app_template_filter("safe_url")
def safe_url_filter(url: str) -> str:
    return safe_url(url)


@bp.app_template_filter("duration")
def duration(value: timedelta) -> str:
    return format_timedelta(abs(value))


@bp.app_template_filter("minutes")
def minutes(value: float | None) -> str:
    """A median duration in words ("2 hours"), or a dash when nothing was measured."""
    return "—" if value is None else format_timedelta(timedelta(minutes=value), threshold=1.0)


@bp.app_template_filter("combine")
def combine(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def _badge() -> int | None:
    """The nav's inbox count for inbox users; None hides the entry for everyone else."""
    def count() -> int | None:
        user = me()
        return inbox_queries.open_count(db.session(), user) if access_inbox.is_inbox_user(user) else None
    return frame_value(count, None)


@bp.app_context_processor
def _frame() -> dict[str, Any]:
    return {"inbox_badge": _badge}


@bp.context_processor
def _inbox_helpers() -> dict[str, Any]:
    return {"sla_of": inbox_queries.sla_of}


@bp.get("/cases/<int:case_id>/row")
@login_required
def row(case_id: int) -> Any:
    """One list row, for the live script when a case appears or changes."""
    user = me()
    case = access_inbox.access_case(user, case_id)
    if not access_inbox.can_work_case(user, case):
        raise Invalid(_("This case is not in your inbox."))
    people = inbox_queries.people_by_id(db.session(), {case.assignee_id})
    list_args = inbox_queries.parse_filters(request.args, access_inbox.inbox_services(user)).args()
    awaiting = work_queries.awaiting_approval(db.session(), [case.id])
    return render_template("inbox/_row.html", case=case, at=inbox_queries.now(), people=people,
                           list_args=list_args, awaiting=awaiting)


@bp.get("/count")
@login_required
def count() -> Response:
    """The nav badge's number (0 for people without an inbox)."""
    user = me()
    n = inbox_queries.open_count(db.session(), user) if access_inbox.is_inbox_user(user) else 0
    return jsonify(count=n)


@bp.get("/cases/<int:case_id>")
@login_required
def case(case_id: int) -> Any:
    user = me()
    item = access_inbox.access_case(user, case_id)
    remember_last_event()
    return pages.render_case(user, item)


def _change(case_id: int, change: Callable[[Session, Case], Any], message: str, status: int = 200,
            payload: Callable[[Any], dict[str, Any]] | None = None) -> Response:
    """Fetch the case through access, apply ``change`` in one transaction, answer."""
    user = me()
    item = access_inbox.access_case(user, case_id)
    target = safe_next(form_data().get("next")) or url_for("inbox.case", case_id=case_id)
    try:
        with db.transaction() as s:
            result = change(s, item)
    except DomainError as exc:
        return refused(exc, target)
    return done(message, target, status=status, **(payload(result) if payload else {"id": case_id}))


@bp.post("/cases/<int:case_id>/assign")
@login_required
def assign(case_id: int) -> Response:
    raw = form_data().get("user_id")
    user_id = parse_int(raw) if isinstance(raw, str) and raw.strip() else raw
    return _change(case_id, lambda s, c: cases.do_assign(s, me(), c, user_id), _("The case is assigned."))


@bp.post("/cases/<int:case_id>/route")
@login_required
def route(case_id: int) -> Response:
    """Send the case to another service (the suggestion's one click)."""
    raw = form_data().get("service_id")
    service_id = parse_int(raw) if isinstance(raw, str) and raw.strip() else raw
    return _change(case_id, lambda s, c: routing.do_route_case(s, me(), c, service_id),
                   _("The case is sent to the service."))


@bp.post("/cases/<int:case_id>/status")
@login_required
def status(case_id: int) -> Response:
    value = form_data().get("status")
    return _change(case_id, lambda s, c: cases.do_set_status(s, me(), c, value), _("The status is changed."))


@bp.post("/cases/<int:case_id>/notes")
@login_required
def note(case_id: int) -> Response:
    data = form_data()
    return _change(case_id, lambda s, c: cases.do_add_note(s, me(), c, data.get("body"),
                                                           to_thread=truthy(data.get("to_thread"))),
                   _("Your note is added."), status=201)


@bp.post("/cases/<int:case_id>/triage")
@login_required
def triage(case_id: int) -> Response:
    data = dict(form_data())
    return _change(case_id, lambda s, c: cases.do_override_triage(s, me(), c, data),
                   _("The triage is overridden."), payload=lambda changes: {"changes": changes})


@bp.post("/cases/<int:case_id>/escalate")
@login_required
def escalate(case_id: int) -> Response:
    group_id = parse_int(str(form_data().get("group_id") or ""))
    if group_id is None:
        target = url_for("inbox.case", case_id=case_id)
        return refused(Invalid(_("Choose a group."), field="group_id"), target)
    group = access.access_group(me(), group_id)
    return _change(case_id, lambda s, c: cases.do_escalate(s, me(), c, group),
                   _("The case is escalated to %(group)s.", group=group.name), status=201,
                   payload=lambda post: {"post_id": post.id, "url": url_for("posts.show", post_id=post.id)})


@bp.post("/cases/<int:case_id>/knowledge")
@login_required
def share_knowledge(case_id: int) -> Response:
    """Publish the resolved case's question and answer as a post ("" is the company feed)."""
    data = form_data()
    raw, body = str(data.get("group_id") or ""), data.get("body")
    group_id = parse_int(raw)
    if raw and group_id is None:
        target = url_for("inbox.case", case_id=case_id)
        return refused(Invalid(_("Choose a group."), field="group_id"), target)
    group = access.access_group(me(), group_id) if group_id is not None else None
    return _change(case_id, lambda s, c: case_knowledge.do_share_knowledge(s, me(), c, group, body),
                   _("The answer is shared as knowledge."), status=201,
                   payload=lambda post: {"post_id": post.id, "url": url_for("posts.show", post_id=post.id)})


@bp.post("/cases/<int:case_id>/replies")
@login_required
def reply(case_id: int) -> Response:
    """Send (or hold) a reply; refused, the page comes back with the text as typed."""
    user, data = me(), form_data()
    body, item = data.get("body"), access_inbox.access_case(me(), case_id)
    try:
        with db.transaction() as s:
            sent = case_replies.do_reply(s, user, item, body)
            payload = {"reply_id": sent.id, "state": sent.state.value}
    except DomainError as exc:
        if wants_json():
            raise
        return pages.rerender(user, item, data.get("next"), status=exc.status, reply_error=exc.message,
                              reply_text=body if isinstance(body, str) else "")
    target = safe_next(data.get("next")) or url_for("inbox.case", case_id=case_id)
    return done(_("Your reply is on its way."), target, status=201, **payload)


@bp.post("/cases/<int:case_id>/replies/<int:reply_id>/<any(approve, reject, retry):verb>")
@login_required
def reply_decision(case_id: int, reply_id: int, verb: str) -> Response:
    def change(s: Session, c: Case) -> None:
        item = case_replies.access_reply(s, c, reply_id)
        if verb == "retry":
            case_replies.do_retry_reply(s, me(), c, item)
        else:
            case_replies.do_decide_reply(s, me(), c, item, approve=verb == "approve")

    messages = {"approve": _("The reply is approved and on its way."), "reject": _("The reply is rejected."),
                "retry": _("The reply is being sent again.")}
    return _change(case_id, change, messages[verb])


@bp.get("/dashboard")
@login_required
def dashboard() -> Any:
    services = access_inbox.require_inbox(me())
    service = inbox_queries.parse_filters({"service": request.args.get("service", "")}, services).service
    stats = inbox_dashboard.stats(db.session(), services if service is None else {service},
                                  inbox_queries.now())
    return render_template("inbox/dashboard.html", stats=stats, service=service,
                           services=inbox_queries.services_named(db.session(), services))
