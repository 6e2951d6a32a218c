"""A service's inbox settings, for its leads (and admins): routing rules, SLA targets, canned
replies, agents. One page per service; each form posts to its own address and comes back to the
page with a message (a refused value is named in the message)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from intranet.inbox.access import access_led_service, led_services
from intranet.inbox.actions.routing import do_save_service_profile
from intranet.inbox.actions.settings import (
    do_add_agent,
    do_delete_canned_reply,
    do_delete_routing_rule,
    do_remove_agent,
    do_save_canned_reply,
    do_save_routing_rule,
    do_save_service_settings,
    service_settings,
)
from intranet.inbox.views.forms import (
    SENTIMENT_NAMES,
    URGENCY_NAMES,
    AgentForm,
    CannedReplyForm,
    ProfileForm,
    RoutingRuleForm,
    SlaForm,
)
from intranet.models import CannedReply, Department, InboxAgent, RoutingRule, User
from intranet.platform import db
from intranet.platform.errors import DomainError, Invalid, NotFound
from intranet.views.common import done, form_failed, form_page, me, refused

bp = Blueprint("inbox_service", __name__, url_prefix="/inbox/services")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Each page checks that the user leads the service (``access_led_service``)."""


def _page(department: Department) -> str:
    return url_for("inbox_service.service", department_id=department.id)


def _invalid(form: FlaskForm) -> Invalid:
    field, messages = next(iter(form.errors.items()))
    return Invalid(f"{form[field].label.text}: {messages[0]}", field=field)


@bp.get("")
def index() -> Response | str:
    services = led_services(me())
    if not services:
        raise NotFound(_("This page does not exist."))
    return render_template("inbox_service/index.html", services=services)


@bp.get("/<int:department_id>")
def service(department_id: int) -> str:
    department = access_led_service(me(), department_id)
    agents = db.session.scalars(select(User).join(InboxAgent, InboxAgent.user_id == User.id)
                                .where(InboxAgent.department_id == department.id).order_by(User.name)).all()
    return render_template(
        "inbox_service/service.html", department=department, agents=agents,
        routing=db.session.scalars(select(RoutingRule).where(RoutingRule.department_id == department.id)
                                   .order_by(RoutingRule.position, RoutingRule.id)).all(),
        canned=db.session.scalars(select(CannedReply).where(CannedReply.department_id == department.id)
                                  .order_by(CannedReply.title)).all(),
        settings=service_settings(db.session, department.id), routing_form=RoutingRuleForm(formdata=None),
        canned_form=CannedReplyForm(formdata=None), agent_form=AgentForm(formdata=None),
        sla_form=SlaForm(formdata=None, obj=service_settings(db.session, department.id)),
        profile_form=_profile_form(department.id),
        sentiments=SENTIMENT_NAMES, urgencies=URGENCY_NAMES)


def _profile_form(department_id: int) -> ProfileForm:
    settings = service_settings(db.session, department_id)
    return ProfileForm(formdata=None, data={"description": settings.description or "",
                                            "examples": "\n".join(settings.examples or [])})


@bp.post("/<int:department_id>/routing")
def routing_create(department_id: int) -> Response:
    department, form = access_led_service(me(), department_id), RoutingRuleForm()
    try:
        if not form.validate():
            raise _invalid(form)
        with db.transaction() as s:
            do_save_routing_rule(s, me(), department, None, name=form.name.data, query=form.query.data or "",
                                 conditions=form.conditions(), position=form.position.data or 100)
    except DomainError as exc:
        return refused(exc, _page(department))
    return done(_("The routing rule is saved."), _page(department), status=201)


def _owned(model: type, department: Department, row_id: int) -> object:
    row = db.session.get(model, row_id)
    if row is None or row.department_id != department.id:
        raise NotFound(_("This page does not exist."))
    return row


@bp.post("/<int:department_id>/routing/<int:rule_id>/delete")
def routing_delete(department_id: int, rule_id: int) -> Response:
    department = access_led_service(me(), department_id)
    rule = _owned(RoutingRule, department, rule_id)
    with db.transaction() as s:
        do_delete_routing_rule(s, me(), rule)
    return done(_("The routing rule is deleted."), _page(department))


@bp.post("/<int:department_id>/sla")
def sla(department_id: int) -> Response:
    department, form = access_led_service(me(), department_id), SlaForm()
    try:
        if not form.validate():
            raise _invalid(form)
        with db.transaction() as s:
            do_save_service_settings(s, me(), department,
                                     first_response_minutes=form.first_response_minutes.data,
                                     resolution_minutes=form.resolution_minutes.data,
                                     require_approval=form.require_approval.data)
    except DomainError as exc:
        return refused(exc, _page(department))
    return done(_("The service targets are saved."), _page(department))


@bp.post("/<int:department_id>/profile")
def profile(department_id: int) -> Response:
    """The lead's description and examples: what routing suggests from before any history."""
    department, form = access_led_service(me(), department_id), ProfileForm()
    try:
        if not form.validate():
            raise _invalid(form)
        with db.transaction() as s:
            do_save_service_profile(s, me(), department, description=form.description.data or "",
                                    examples=form.examples.data or "")
    except DomainError as exc:
        return refused(exc, _page(department))
    return done(_("The service description is saved."), _page(department))


@bp.post("/<int:department_id>/canned")
def canned_create(department_id: int) -> Response:
    department, form = access_led_service(me(), department_id), CannedReplyForm()
    try:
        if not form.validate():
            raise _invalid(form)
        with db.transaction() as s:
            do_save_canned_reply(s, me(), department, None, title=form.title.data, body=form.body.data,
                                 lang=form.lang.data)
    except DomainError as exc:
        return refused(exc, _page(department))
    return done(_("The canned reply is saved."), _page(department), status=201)


@bp.post("/<int:department_id>/canned/<int:reply_id>/delete")
def canned_delete(department_id: int, reply_id: int) -> Response:
    department = access_led_service(me(), department_id)
    reply = _owned(CannedReply, department, reply_id)
    with db.transaction() as s:
        do_delete_canned_reply(s, me(), reply)
    return done(_("The canned reply is deleted."), _page(department))


@bp.post("/<int:department_id>/agents")
def agent_add(department_id: int) -> Response:
    department, form = access_led_service(me(), department_id), AgentForm()
    try:
        if not form.validate():
            raise _invalid(form)
        with db.transaction() as s:
            do_add_agent(s, me(), department, form.picked)
    except DomainError as exc:
        return refused(exc, _page(department))
    return done(_("%(name)s now works this inbox.", name=form.picked.name), _page(department))


@bp.post("/<int:department_id>/agents/<int:user_id>/remove")
def agent_remove(department_id: int, user_id: int) -> Response:
    department = access_led_service(me(), department_id)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("This person does not exist."))
    with db.transaction() as s:
        do_remove_agent(s, me(), department, user)
    return done(_("%(name)s no longer works this inbox.", name=user.name), _page(department))


@bp.route("/<int:department_id>/canned/<int:reply_id>", methods=["GET", "POST"])
def canned_edit(department_id: int, reply_id: int) -> Response:
    department = access_led_service(me(), department_id)
    reply = _owned(CannedReply, department, reply_id)
    form = CannedReplyForm(obj=reply)
    if not form.validate_on_submit():
        return form_page("inbox_service/edit.html", form, department=department, title=reply.title)
    try:
        with db.transaction() as s:
            do_save_canned_reply(s, me(), department, reply, title=form.title.data, body=form.body.data,
                                 lang=form.lang.data)
    except DomainError as exc:
        return form_failed("inbox_service/edit.html", form, exc, department=department, title=reply.title)
    return done(_("The canned reply is saved."), _page(department))


@bp.route("/<int:department_id>/routing/<int:rule_id>", methods=["GET", "POST"])
def routing_edit(department_id: int, rule_id: int) -> Response:
    department = access_led_service(me(), department_id)
    rule = _owned(RoutingRule, department, rule_id)
    conditions = rule.conditions or {}
    needs = {True: "yes", False: "no"}.get(conditions.get("needs_response"), "")
    form = RoutingRuleForm(obj=rule, sentiment=conditions.get("sentiment", []), needs_response=needs,
                           min_urgency=conditions.get("min_urgency", ""))
    if not form.validate_on_submit():
        return form_page("inbox_service/edit.html", form, department=department, title=rule.name)
    try:
        with db.transaction() as s:
            do_save_routing_rule(s, me(), department, rule, name=form.name.data, query=form.query.data or "",
                                 conditions=form.conditions(), position=form.position.data or 0)
    except DomainError as exc:
        return form_failed("inbox_service/edit.html", form, exc, department=department, title=rule.name)
    return done(_("The routing rule is saved."), _page(department))
