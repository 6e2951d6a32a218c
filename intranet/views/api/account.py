"""My signed-in browsers and my password over the API, and asking for a reset link: documented
here, joined to the OpenAPI document when imported (``document.register``)."""

from __future__ import annotations

from flask import Response, jsonify
from flask_babel import gettext as _
from flask_login import login_required

from intranet.actions.accounts import do_end_login, do_sign_out_everywhere
from intranet.actions.passwords import MAX_LENGTH, MIN_LENGTH, do_change_password
from intranet.models import LoginSession
from intranet.platform import db
from intranet.platform.errors import Invalid
from intranet.platform.extensions import csrf
from intranet.platform.sessions import current_login_id, forget_here, logins_of
from intranet.platform.web import json_body
from intranet.views.account import device
from intranet.views.api import bp
from intranet.views.api.openapi.document import op, register, write
from intranet.views.api.openapi.schemas import BOOL, INT, STR, TIME, array, obj, ref
from intranet.views.api.params import boolean, me, text
from intranet.views.api.serializers import iso
from intranet.views.password_reset import request_reset, reset_limits


@bp.post("/me/password")
@login_required
def change_password() -> Response:
    """Every other login (and, with ``revoke_tokens``, every API token) of mine ends."""
    data = json_body()
    current, new = text(data, "current", required=True), text(data, "new", required=True)
    revoke = boolean(data, "revoke_tokens", default=False)
    with db.transaction() as s:
        ended = do_change_password(s, me(), current, new, keep_login=current_login_id(), revoke_tokens=revoke)
    return jsonify(ended_sessions=ended, tokens_revoked=revoke)


@bp.post("/auth/password-reset")
@csrf.exempt  # anonymous, grants nothing: the link goes to the account's own mailbox
@reset_limits
def password_reset() -> tuple[Response, int]:
    """202 whatever the address: the answer never tells whether an account uses it."""
    email = text(json_body(), "email", required=True)
    if not 3 <= len(email) <= 254 or "@" not in email:
        raise Invalid(_("This is not a valid e-mail address."), field="email")
    request_reset(email)
    return jsonify(status="accepted"), 202


def _login_json(row: LoginSession, current: int | None) -> dict:
    return {"id": row.id, "device": device(row.user_agent), "user_agent": row.user_agent, "ip": row.ip,
            "created_at": iso(row.created_at), "last_seen_at": iso(row.last_seen_at),
            "remembered": row.remember_until is not None, "current": row.id == current}


@bp.get("/me/sessions")
@login_required
def sessions() -> Response:
    """My signed-in browsers (API tokens are listed at /auth/tokens)."""
    current = current_login_id()
    return jsonify(items=[_login_json(r, current) for r in logins_of(db.session, me().id)])


@bp.delete("/me/sessions/<int:login_id>")
@login_required
def session_end(login_id: int) -> tuple[str, int]:
    mine = login_id == current_login_id()
    with db.transaction() as s:
        do_end_login(s, me(), login_id)
    if mine:
        forget_here()
    return "", 204


@bp.post("/me/sessions/end-all")
@login_required
def sessions_end_all() -> Response:
    """Every browser of mine (this one too, when the call comes from it); API tokens stay."""
    with db.transaction() as s:
        count = do_sign_out_everywhere(s, me())
    if current_login_id() is not None:
        forget_here()
    return jsonify(ended_sessions=count)


PASSWORD = {**STR, "minLength": MIN_LENGTH, "maxLength": MAX_LENGTH}
register(
    {
        "/me/password": {"post": write(op(
            "changePassword", "Change my password", tag="people", answer="PasswordChanged",
            body="PasswordChange", errors=(409,),
            description="`current` wrong, or `new` refused by the policy (at least 10 characters, not "
                        "a common or leaked password, not a repeated or sequential run, not my e-mail "
                        "or name): 400 naming the field. Every other session, remember-me token and "
                        "socket of mine ends; with `revoke_tokens`, every API token too. An account of the "
                        "company directory (LDAP, OpenID Connect): 409."))},
        "/me/sessions": {"get": op("listSessions", "My signed-in browsers", tag="people",
                                   answer="LoginSessionList")},
        "/me/sessions/{login_id}": {"delete": write(op(
            "endSession", "Sign one of my browsers out", tag="people", status=204, errors=(404,),
            description="Its cookie and remember-me token stop working and its sockets close at once."))},
        "/me/sessions/end-all": {"post": write(op(
            "endAllSessions", "Sign out everywhere", tag="people", answer="SessionsEnded",
            description="Every browser of mine, with its remember-me token and sockets; API tokens "
                        "stay (revoke them at /auth/tokens)."))},
        "/auth/password-reset": {"post": op(
            "requestPasswordReset", "Mail a link to choose a new password", tag="auth",
            answer="ResetAccepted", status=202, body="PasswordResetRequest", errors=(429,), public=True,
            description="Always 202, whether or not an account uses the address (no CSRF token needed). "
                        "The link works once, within an hour. Rate-limited per client and per address.")},
    },
    {},
    {
        "PasswordChange": obj({"current": {**STR, "minLength": 1, "maxLength": MAX_LENGTH}, "new": PASSWORD,
                               "revoke_tokens": {**BOOL, "default": False}}, optional=("revoke_tokens",)),
        "PasswordChanged": obj({"ended_sessions": INT, "tokens_revoked": BOOL}),
        "PasswordResetRequest": obj({"email": {**STR, "minLength": 3, "maxLength": 254, "format": "email"}}),
        "ResetAccepted": obj({"status": {**STR, "enum": ["accepted"]}}),
        "LoginSession": obj({"id": INT, "device": STR, "user_agent": STR, "ip": STR, "created_at": TIME,
                             "last_seen_at": TIME, "remembered": BOOL, "current": BOOL}),
        "LoginSessionList": obj({"items": array(ref("LoginSession"))}),
        "SessionsEnded": obj({"ended_sessions": INT}),
    },
)
