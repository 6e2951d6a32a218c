"""API tokens: trade e-mail and password for a bearer token, list mine, revoke one."""

from __future__ import annotations

from flask import Response, current_app, jsonify
from flask_babel import gettext as _
from flask_login import login_required

from intranet.actions.users import do_create_token, do_revoke_token
from intranet.platform import db, throttle
from intranet.platform.auth import authenticate
from intranet.platform.extensions import csrf, limiter
from intranet.platform.web import error_response, json_body
from intranet.queries import lists as queries
from intranet.views.api import bp
from intranet.views.api.params import me, text
from intranet.views.api.serializers import token_json, user_ref


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.post("/auth/token")
@csrf.exempt  # no cookie authority is used or granted: the password is the proof
@limiter.limit(_login_rate_limit)
def token_create() -> tuple[Response, int] | Response:
    """The clear token is in this answer only; we keep its hash."""
    data = json_body()
    email, password = text(data, "email", required=True), text(data, "password", required=True)
    name = text(data, "name", default="API")
    wait = throttle.wait_seconds(email)
    if wait:
        response = error_response(429, "login_throttled", _(
            "Too many failed attempts for this account. Try again in %(seconds)s seconds.", seconds=wait),
            "email")
        response.headers["Retry-After"] = str(wait)
        return response
    user = authenticate(email, password)
    if user is None:
        throttle.record_failure(email)
        return error_response(401, "invalid_credentials", _("Wrong e-mail or password."))
    throttle.record_success(email)
    if not user.is_active_account:
        return error_response(401, "account_deactivated",
                              _("This account is deactivated. Ask an administrator."))
    if user.must_reset_password:
        return error_response(403, "password_reset_required",
                              _("An administrator asks you to choose a new password before you continue."))
    with db.transaction() as s:
        token, clear = do_create_token(s, user, name)
    return jsonify(token=clear, id=token.id, name=token.name, user=user_ref(user)), 201


@bp.get("/auth/tokens")
@login_required
def tokens() -> Response:
    return jsonify(items=[token_json(t) for t in queries.active_tokens(db.session, me())])


@bp.delete("/auth/tokens/<int:token_id>")
@login_required
def token_revoke(token_id: int) -> tuple[str, int]:
    with db.transaction() as s:
        do_revoke_token(s, me(), token_id)
    return "", 204
