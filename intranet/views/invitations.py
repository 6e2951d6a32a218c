"""Invitations (an administrator invites by e-mail, one address or a CSV list; the invitee sets
name and password from the link) and the confirmation link of a self-registration."""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from intranet import access
from intranet.actions.invitations import (
    CsvResult,
    do_accept_invitation,
    do_confirm_registration,
    do_invite,
    do_invite_csv,
    read_invitation,
)
from intranet.models import Department, Invitation, InvitationKind, utcnow
from intranet.platform import db
from intranet.platform.errors import DomainError, Invalid
from intranet.platform.sessions import open_login
from intranet.views.common import done, form_failed, form_page, me
from intranet.views.forms import Form, RegisterForm, department_choices

bp = Blueprint("invitations", __name__)
MAX_CSV_BYTES = 200_000


class InviteForm(Form):
    email = StringField(_l("E-mail"), [Optional(), Length(max=254)])
    name = StringField(_l("Name"), [Optional(), Length(max=120)])
    department_id = SelectField(_l("Department"), coerce=int, default=0)
    csv = TextAreaField(_l("Or a list (CSV)"), [Optional(), Length(max=MAX_CSV_BYTES)])


class AcceptForm(RegisterForm):
    email = None  # the invitation's address


def _invite_page(form: InviteForm, result: CsvResult | None = None, status: int = 200) -> Response:
    pending = db.session.scalars(select(Invitation).where(
        Invitation.kind == InvitationKind.INVITATION, Invitation.used_at.is_(None),
        Invitation.expires_at > utcnow()).order_by(Invitation.id.desc()).limit(100)).all()
    return make_response(render_template("admin/invitations.html", form=form, pending=pending, result=result),
                         status)


@bp.route("/admin/invitations", methods=["GET", "POST"])
@login_required
def invite() -> Response:
    admin = me()
    access.require_admin(admin)
    form = InviteForm()
    form.department_id.choices = department_choices()
    if not form.validate_on_submit():
        return _invite_page(form, status=400 if form.errors else 200)
    upload = request.files.get("file")
    listing = (upload.read(MAX_CSV_BYTES + 1).decode("utf-8", "replace") if upload and upload.filename
               else form.csv.data or "")
    try:
        with db.transaction() as s:
            if listing.strip():
                result = do_invite_csv(s, s.get(type(admin), admin.id), listing)
            elif form.email.data:
                department = s.get(Department, form.department_id.data) if form.department_id.data else None
                do_invite(s, s.get(type(admin), admin.id), form.email.data, name=form.name.data or "",
                          department=department)
                result = CsvResult(invited=[form.email.data.strip().lower()])
            else:
                raise Invalid(_("Enter an e-mail address or a list."), field="email")
    except DomainError as exc:
        return form_failed("admin/invitations.html", form, exc, pending=[], result=None)
    if result.refused:
        return _invite_page(InviteForm(formdata=None), result, status=200)
    message = _("Invitation sent to %(n)d address(es).", n=len(result.invited))
    return done(message, url_for("invitations.invite"), invited=result.invited)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept(token: str) -> Response:
    """Follow the link: choose name and password, then land on the home page, logged in."""
    invitation = read_invitation(db.session(), token, InvitationKind.INVITATION)
    form = AcceptForm(data={"name": invitation.name} if request.method == "GET" else None)
    if not form.validate_on_submit():
        return form_page("auth/accept_invitation.html", form, invitation=invitation, token=token)
    try:
        with db.transaction() as s:
            pending = s.get(Invitation, invitation.id)
            user = do_accept_invitation(s, pending, form.name.data, form.password.data)
    except DomainError as exc:
        return form_failed("auth/accept_invitation.html", form, exc, invitation=invitation, token=token)
    open_login(user)
    return done(_("Welcome, %(name)s! Complete your profile so colleagues can find you.", name=user.name),
                url_for("feed.home"), status=201, user={"id": user.id, "name": user.name})


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> Response:
    """GET asks (a mail scanner following links must not create the account), POST confirms."""
    invitation = read_invitation(db.session(), token, InvitationKind.REGISTRATION)
    if request.method == "GET":
        return make_response(render_template("auth/confirm_registration.html", invitation=invitation,
                                             token=token))
    with db.transaction() as s:
        user = do_confirm_registration(s, s.get(Invitation, invitation.id))
    open_login(user)
    return done(_("Welcome, %(name)s! Complete your profile so colleagues can find you.", name=user.name),
                url_for("people.profile"), status=201, user={"id": user.id, "name": user.name})
