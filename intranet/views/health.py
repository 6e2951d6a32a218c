"""Liveness probe, and the benchmarks' floor: the cheapest response this server can give."""

from flask import Blueprint, Response

bp = Blueprint("health", __name__)


@bp.route("/healthz", methods=["GET"])
def healthz() -> Response:
    """No database, no session, no template: "ok" means the process answers requests."""
    return Response("ok", mimetype="text/plain")
