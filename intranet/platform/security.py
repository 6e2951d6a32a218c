"""CSRF on every state change (cookie sessions), and the security headers of every response."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask_login import current_user

from intranet.platform.extensions import csrf

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _check_csrf() -> None:
    """Token-authenticated API calls carry no cookie authority, so they need no CSRF token.

    Anonymous API calls are left to the view's 401 (``_anonymous_api_call``). Views marked
    ``@csrf.exempt`` (e.g. the API's password-for-token exchange, which uses no cookie either)
    are skipped as Flask-WTF documents.
    """
    if request.method in UNSAFE_METHODS and not g.get("token_auth") and not _anonymous_api_call():
        csrf.protect(apply_exemptions=True)


def _anonymous_api_call() -> bool:
    """An API call with no signed-in session carries no cookie authority to forge: the view's
    ``login_required`` answers 401 (a client learns to log in, not that a CSRF token is missing);
    the public API views (token exchange, signed webhook) judge it themselves."""
    return request.path.startswith("/api/") and not current_user.is_authenticated


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask) -> None:
    app.before_request(_check_csrf)
    app.after_request(_headers)
