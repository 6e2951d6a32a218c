"""Log in, log out, and self-registration for the company's configured e-mail domains."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import TooManyRequests

from intranet.actions.invitations import do_register
from intranet.actions.passwords import reset_token
from intranet.models import User
from intranet.platform import db, throttle
from intranet.platform.errors import DomainError, Forbidden, Invalid
from intranet.platform.extensions import limiter
from intranet.platform.sessions import close_login, open_login
from intranet.platform.web import error_response, wants_json
from intranet.views.common import form_failed, form_page, safe_next
from intranet.views.forms import LoginForm, RegisterForm
from intranet.views.sso import check_login

bp = Blueprint("auth", __name__)
login_limit = limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login() -> Response:
    form = LoginForm()
    if not form.is_submitted():
        form.next.data = safe_next(request.args.get("next")) or ""
    target = safe_next(form.next.data) or url_for("feed.home")
    if current_user.is_authenticated and not form.is_submitted():
        return redirect(target)
    if not form.validate_on_submit():
        return form_page("auth/login.html", form)
    wait = throttle.wait_seconds(form.email.data)
    if wait:
        return _throttled(form, wait)
    try:
        user = check_login(form.email.data, form.password.data)
    except DomainError as exc:
        return form_failed("auth/login.html", form, exc)
    if user is None:
        throttle.record_failure(form.email.data)
    else:
        throttle.record_success(form.email.data)
    if user is None or not user.is_active_account:
        return form_failed("auth/login.html", form, _refusal(user))
    if user.must_reset_password:
        return _must_choose_password(user)
    open_login(user, remember=form.remember.data)
    if wants_json():
        return jsonify(user={"id": user.id, "name": user.name}, next=target)
    return redirect(target)


def throttle_message(wait: int) -> str:
    return _("Too many failed attempts for this account. Try again in %(seconds)s seconds.", seconds=wait)


def _throttled(form: LoginForm, wait: int) -> Response:
    """This account waits (not this network): 429 with Retry-After, answered at once."""
    if wants_json():
        response = error_response(429, "login_throttled", throttle_message(wait), "email")
    else:
        form.form_errors.append(throttle_message(wait))
        response = form_page("auth/login.html", form, status=429)
    response.headers["Retry-After"] = str(wait)
    return response


def _must_choose_password(user: User) -> Response:
    """An administrator asked for a new password: the right password leads to the reset page
    (a fresh single-use link) instead of a session."""
    message = _("An administrator asks you to choose a new password before you continue.")
    target = url_for("account.reset", token=reset_token(user))
    if wants_json():
        return error_response(403, "password_reset_required", message)
    flash(message, "info")
    return redirect(target)


def _refusal(user: User | None) -> DomainError:
    """Only someone who knows the password learns that the account is deactivated."""
    if user is None:
        return Invalid(_("Wrong e-mail or password."), field="password")
    return Forbidden(_("This account is deactivated. Ask an administrator to reactivate it."))


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """POST only (with CSRF): a link or an image on another site cannot log anyone out."""
    close_login()
    if wants_json():
        return jsonify(ok=True)
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@login_limit
def register() -> Response:
    form = RegisterForm()
    domains = current_app.config["SELF_REGISTRATION_DOMAINS"]
    if not form.validate_on_submit():
        return form_page("auth/register.html", form, domains=domains)
    try:  # the account is created when the address is confirmed (views/invitations.py)
        with db.transaction() as s:
            do_register(s, form.email.data, form.name.data, form.password.data)
    except DomainError as exc:
        return form_failed("auth/register.html", form, exc, domains=domains)
    if wants_json():
        return jsonify(message=_("Check your mailbox."), email=form.email.data.strip().lower()), 202
    return render_template("auth/check_mailbox.html", email=form.email.data.strip().lower()), 202


@bp.errorhandler(TooManyRequests)
def too_many_attempts(_exc: TooManyRequests) -> Response:
    """Say plainly why the form refuses, on the form itself."""
    message = _("Too many attempts from your network. Wait a minute, then try again.")
    if wants_json():
        return error_response(429, "rate_limited", message)
    registering = request.endpoint == "auth.register"
    form = RegisterForm(formdata=None) if registering else LoginForm(formdata=None)
    form.form_errors.append(message)
    template = "auth/register.html" if registering else "auth/login.html"
    return form_page(template, form, status=429, domains=current_app.config["SELF_REGISTRATION_DOMAINS"])
