"""Single sign-on: which way a login and password are checked (local account, LDAP), and the
OpenID Connect sign-in routes."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from intranet.actions.directory import do_directory_sign_in
from intranet.models import User
from intranet.platform import db
from intranet.platform.auth import authenticate, local_password_allowed
from intranet.platform.directory import DirectoryUnavailable, ldap, oidc
from intranet.platform.errors import DomainError, Invalid
from intranet.platform.sessions import open_login
from intranet.views.common import form_failed, safe_next
from intranet.views.forms import LoginForm

log = logging.getLogger(__name__)
bp = Blueprint("sso", __name__)
NEXT = "oidc_next"  # where to land after the provider, kept in the session meanwhile


class PasswordsOff(DomainError):
    status = 403
    code = "local_passwords_off"


# Where a local password is typed, set or sent (rules, so that pages added later by other
# blueprints need no change here). With LOCAL_PASSWORDS off they answer 403; the ones marked True
# still serve the signed-in break-glass administrator (their own password) or their e-mail.
PASSWORD_RULES = {
    "/register": False,
    "/password/forgot": False,
    "/password/reset/<token>": False,
    "/admin/users/<int:user_id>/password-reset": False,
    "/api/v1/auth/password-reset": False,
    "/profile/password": True,
    "/api/v1/me/password": True,
    "/api/v1/auth/token": True,
}


def passwords_off_message() -> str:
    config = current_app.config
    if config["OIDC_ISSUER"]:
        return _("Passwords are turned off here: sign in with %(provider)s.",
                 provider=config["OIDC_PROVIDER_NAME"])
    return _("Passwords are turned off here: sign in with the company's single sign-on.")


@bp.before_app_request
def _refuse_local_passwords() -> None:
    """With LOCAL_PASSWORDS off, every page and endpoint about local passwords answers a clear
    403 (in the API's error shape for JSON clients), except what the break-glass admin needs."""
    if current_app.config["LOCAL_PASSWORDS"] or request.url_rule is None:
        return
    for_break_glass = PASSWORD_RULES.get(request.url_rule.rule)
    if for_break_glass is None:
        return
    if for_break_glass and (local_password_allowed(_claimed_email())):
        return
    raise PasswordsOff(passwords_off_message())


def _claimed_email() -> str | None:
    """Whose local password this request is about: the signed-in person, else the e-mail sent."""
    if current_user.is_authenticated:
        return current_user.email
    data = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email") if isinstance(data, dict) or hasattr(data, "get") else None
    return email if isinstance(email, str) else None


def _break_glass_ok(user: User) -> bool:
    """With passwords off, the break-glass address opens only an administrator's account."""
    return current_app.config["LOCAL_PASSWORDS"] or user.is_admin


class DirectoryDown(DomainError):
    status = 503
    code = "directory_unavailable"


def check_login(login: str, password: str) -> User | None:
    """The account these credentials open, or None (deactivated accounts too: the caller says why).

    A local account is checked against its own password first, without asking the directory, so
    the local administrator can sign in while the directory is down. Anyone else is checked by
    LDAP when it is configured; their account is created or brought up to date on success.
    """
    account = db.session.scalar(select(User).where(func.lower(User.email) == login.strip().lower()))
    if (account is None or account.auth_source == "local") and local_password_allowed(login):
        user = authenticate(login, password)
        if user is not None and not _break_glass_ok(user):
            user = None
        if user is not None or not ldap.enabled():
            return user
    if not ldap.enabled():
        if not current_app.config["LOCAL_PASSWORDS"]:
            raise PasswordsOff(passwords_off_message())
        return None
    try:
        person = ldap.authenticate(login, password)
    except DirectoryUnavailable as exc:
        log.warning("LDAP sign-in of %r: %s", login, exc)
        raise DirectoryDown(_("The company directory does not answer. Try again in a few minutes.")) from exc
    if person is None:
        return None
    with db.transaction() as s:
        return do_directory_sign_in(s, person)


@bp.get("/login/oidc")
def oidc_start() -> Response:
    """"Sign in with <provider>": off to the provider, with state, nonce and a PKCE challenge."""
    if not oidc.enabled():
        abort(404)
    session[NEXT] = safe_next(request.args.get("next")) or url_for("feed.home")
    try:
        return oidc.authorize_redirect(url_for("sso.oidc_callback", _external=True))
    except DirectoryUnavailable as exc:
        log.warning("OpenID Connect sign-in: %s", exc)
        return _failed(DirectoryDown(_("%(provider)s does not answer. Try again in a few minutes.",
                                       provider=current_app.config["OIDC_PROVIDER_NAME"])))


@bp.get("/login/oidc/callback")
def oidc_callback() -> Response:
    """Back from the provider: check its answer, then the account it names (created the first
    time, brought up to date every time)."""
    if not oidc.enabled():
        abort(404)
    provider = current_app.config["OIDC_PROVIDER_NAME"]
    try:
        person = oidc.finish()
        with db.transaction() as s:
            user = do_directory_sign_in(s, person)
    except oidc.SignInRefused as exc:
        log.info("OpenID Connect sign-in refused: %s", exc)
        return _failed(Invalid(_("The sign-in with %(provider)s did not complete. Try again.",
                                 provider=provider)))
    except DirectoryUnavailable as exc:
        log.warning("OpenID Connect sign-in: %s", exc)
        return _failed(DirectoryDown(_("%(provider)s does not answer. Try again in a few minutes.",
                                       provider=provider)))
    except DomainError as exc:
        return _failed(exc)
    open_login(user)
    return redirect(safe_next(session.pop(NEXT, None)) or url_for("feed.home"))


def _failed(exc: DomainError) -> Response:
    """The login page, saying why, with the status of the refusal."""
    return form_failed("auth/login.html", LoginForm(formdata=None), exc)
