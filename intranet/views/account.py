"""My signed-in browsers (sign one out, or all) and my password (change, forgotten, reset)."""

from __future__ import annotations

import re

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.exceptions import TooManyRequests

from intranet import access
from intranet.actions.accounts import do_end_login, do_sign_out_everywhere
from intranet.actions.passwords import (
    do_change_password,
    do_force_password_reset,
    do_reset_password,
    user_for_reset,
)
from intranet.models import User
from intranet.platform import db
from intranet.platform.errors import DomainError, NotFound
from intranet.platform.sessions import current_login_id, forget_here, logins_of
from intranet.platform.web import error_response, wants_json
from intranet.views.common import back_url, done, form_failed, form_page, me, refused
from intranet.views.password_forms import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm
from intranet.views.password_reset import request_reset, reset_limits

bp = Blueprint("account", __name__)
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
            ("Chromium/", "Chromium"), ("Safari/", "Safari"), ("python-", "Script"), ("curl/", "curl"))
SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
           ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device(user_agent: str) -> str:
    """"Firefox on Windows" from a User-Agent header: enough to recognise one's own browsers."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in SYSTEMS if re.search(re.escape(mark), user_agent)), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown device")


@bp.route("/profile/sessions", methods=["GET"])
@login_required
def sessions() -> str:
    rows = logins_of(db.session, me().id)
    return render_template("account/sessions.html", logins=rows, current=current_login_id(), device=device)


@bp.route("/profile/sessions/<int:login_id>/end", methods=["POST"])
@login_required
def end(login_id: int) -> Response:
    user, mine = me(), login_id == current_login_id()
    with db.transaction() as s:
        do_end_login(s, user, login_id)
    if mine:
        return _signed_out()
    return done(_("That browser is signed out."), url_for("account.sessions"))


@bp.route("/profile/sessions/end-all", methods=["POST"])
@login_required
def end_all() -> Response:
    with db.transaction() as s:
        count = do_sign_out_everywhere(s, me())
    return _signed_out(count)


def _signed_out(count: int = 1) -> Response:
    """This browser's row is gone: forget the user here too, and say so on the login page."""
    forget_here()
    if wants_json():
        return done(None, "", ended=count)
    flash(_("You are signed out on every device.") if count > 1 else _("You are logged out."), "info")
    return redirect(url_for("auth.login"))


# --- passwords ----------------------------------------------------------------------------------

@bp.errorhandler(TooManyRequests)
def too_many_requests(_exc: TooManyRequests) -> Response:
    """The forgot-password form says plainly why it refuses, on the form itself."""
    message = _("Too many requests. Wait a little, then try again.")
    if wants_json():
        return error_response(429, "rate_limited", message)
    form = ForgotPasswordForm(formdata=None)
    form.form_errors.append(message)
    return form_page("account/forgot.html", form, status=429)


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def password() -> Response:
    """Change my password: every other browser is signed out; API tokens too if asked."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return form_page("account/password.html", form)
    try:
        with db.transaction() as s:
            do_change_password(s, me(), form.current.data, form.new.data, keep_login=current_login_id(),
                               revoke_tokens=form.revoke_tokens.data)
    except DomainError as exc:
        return form_failed("account/password.html", form, exc)
    return done(_("Your password is changed; your other devices are signed out."),
                url_for("people.profile"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@reset_limits
def forgot() -> Response:
    """The same answer whether or not the address has an account (no way to probe for one)."""
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return form_page("account/forgot.html", form)
    request_reset(form.email.data)
    return done(_("If an account uses this address, a link to choose a new password is on its way. "
                  "It works once, within an hour."), url_for("auth.login"), status=202)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> Response:
    form = ResetPasswordForm()
    try:
        user = user_for_reset(db.session, token)
    except DomainError as exc:
        form.form_errors.append(exc.message)
        return form_page("account/reset.html", form, status=400, token=None)
    if not form.validate_on_submit():
        return form_page("account/reset.html", form, token=token, person=user)
    try:
        with db.transaction() as s:
            do_reset_password(s, token, form.new.data)
    except DomainError as exc:
        return form_failed("account/reset.html", form, exc, token=token, person=user)
    forget_here()
    return done(_("Your password is changed. Log in with it."), url_for("auth.login"))


@bp.route("/admin/users/<int:user_id>/password-reset", methods=["POST"])
@login_required
def force_reset(user_id: int) -> Response:
    """An administrator signs the person out everywhere; they choose a new password at next sign-in."""
    admin = me()
    access.require_admin(admin)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("This person does not exist."))
    target = back_url(url_for("admin.users"))
    try:
        with db.transaction() as s:
            do_force_password_reset(s, user, acting_user=admin)
    except DomainError as exc:
        return refused(exc, target)
    return done(_("%(name)s must choose a new password at the next sign-in.", name=user.name),
                target)
