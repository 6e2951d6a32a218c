"""Request plumbing shared by views: JSON-or-HTML errors, small response helpers."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, NotFound, UnsupportedMediaType
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from intranet.platform import db, inputs
from intranet.platform.errors import DomainError, Invalid
from intranet.platform.inputs import MAX_INT, parse_int, read_json

log = logging.getLogger(__name__)


def wants_json() -> bool:
    """API paths always; other paths when the client asks for JSON (fetch from our JS)."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    if wants_json():
        body: dict[str, Any] = {"code": code, "message": message}
        if field:
            body["field"] = field
        response = jsonify(error=body)
    else:
        response = Response(render_template("error.html", status=status, message=message))
    response.status_code = status
    return response


def json_body(*, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object, or a clear 400 (415 when the body is not JSON at all; 413 when
    over ``JSON_MAX_BYTES``). Depth, numbers and text are bounded by ``inputs.read_json``.

    ``optional``: an empty body reads as ``{}`` (for actions whose fields all have defaults).
    """

    inputs.check_json_length()
    raw = request.get_data(cache=True)
    if optional and not raw.strip():
        return {}
    if raw and not request.is_json:
        raise UnsupportedMediaType()
    data = read_json(raw) if raw.strip() else None
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."))
    return data


def _domain_error(exc: DomainError) -> Response:
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.field)


def _csrf_error(exc: CSRFError) -> Response:
    return error_response(400, "csrf", _("Your form expired or was forged. Reload the page and try again."))


HTTP_MESSAGES = {
    400: ("bad_request", _l("The request could not be understood.")),
    401: ("unauthorized", _l("Please log in first.")),
    403: ("forbidden", _l("You are not allowed to do this.")),
    404: ("not_found", _l("This page does not exist or is not visible to you.")),
    405: ("method_not_allowed", _l("This action is not available here.")),
    413: ("too_large", _l("The upload is too large.")),
    415: ("unsupported_media_type", _l("Send the request body as JSON (Content-Type: application/json).")),
    429: ("rate_limited", _l("Too many attempts. Wait a minute and try again.")),
}


def _http_error(exc: HTTPException) -> Response | HTTPException:
    if exc.code is not None and exc.code < 400:  # redirects (e.g. a missing trailing slash)
        return exc
    status = exc.code or 500
    code, message = HTTP_MESSAGES.get(status) or _other_http_error(status)
    response = error_response(status, code, str(message))
    for name, value in exc.get_headers():  # e.g. Allow on a 405, Retry-After on a 429
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _other_http_error(status: int) -> tuple[str, str]:
    """Statuses without a message of ours: werkzeug's English description would not translate."""
    if status >= 500:
        return "error", _("Something went wrong on our side. Try again.")
    return "error", _("This request could not be completed.")


BUSY_RETRY_SECONDS = 2


def _database_error(exc: sa_exc.SQLAlchemyError) -> Response:
    """A busy database answers 503 with ``Retry-After`` (a browser or client tries again); any
    other database error is a server error as before."""
    if not db.busy(exc):
        if current_app.testing:
            raise exc  # tests see the real error, as with any other exception
        return _server_error(exc)
    log.warning("database busy: %s", exc)
    db.session.rollback()
    response = error_response(503, "busy", _("The server is busy. Try again in a few seconds."))
    response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response


def _server_error(exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    db.session.rollback()
    return error_response(500, "server_error", _("Something went wrong on our side. Try again."))


class DatabaseIntConverter(IntegerConverter):
    """``<int:id>`` that only takes ids a database column can hold: a longer number is a 404
    whatever the method, not an OverflowError (500) in the driver. (A converter's
    ``ValidationError`` only skips the rule: werkzeug then answered a PATCH with 405.)"""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_INT)
        super().__init__(url_map, *args, **kwargs)

    def to_python(self, value: str) -> Any:
        if parse_int(value) is None:
            raise NotFound()
        return super().to_python(value)


def trust_proxies(app: Flask) -> None:
    """Believe the ``TRUSTED_PROXIES`` nearest X-Forwarded-For/-Proto/-Host values: behind nginx the
    client's address (login rate limit, logs) and scheme (external URLs) are the proxy's otherwise.
    Wraps the whole WSGI app, Socket.IO's middleware included."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def init_app(app: Flask) -> None:
    trust_proxies(app)
    inputs.init_app(app)
    app.url_map.converters["int"] = DatabaseIntConverter
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(sa_exc.SQLAlchemyError, _database_error)
    if not app.testing:
        app.register_error_handler(Exception, _server_error)
