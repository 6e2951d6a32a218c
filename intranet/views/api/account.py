"""My password over the API, and asking for a reset link: documented here, joined to the
OpenAPI document when imported (``document.register``)."""

from __future__ import annotations

from flask import Response, jsonify
from flask_babel import gettext as _
from flask_login import login_required

from intranet.actions.passwords import MAX_LENGTH, MIN_LENGTH, do_change_password
from intranet.platform import db
from intranet.platform.errors import Invalid
from intranet.platform.extensions import csrf
from intranet.platform.sessions import current_login_id
from intranet.platform.web import json_body
from intranet.views.api import bp
from intranet.views.api.openapi.document import op, register, write
from intranet.views.api.openapi.schemas import BOOL, INT, STR, obj
from intranet.views.api.params import boolean, me, text
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
    },
)
