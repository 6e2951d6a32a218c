"""Probes. ``/healthz``: liveness, and the benchmarks' floor: the cheapest response this server can
give. ``/readyz``: readiness, whether this process can serve requests now (database, Redis), with
the search index's lag for monitoring."""

from flask import Blueprint, Response, jsonify

from intranet.platform import health
from intranet.search.health import search_check

bp = Blueprint("health", __name__)
_ALIVE = b'{"status": "ok"}\n'  # built once: the floor route does no work per request
_NO_STORE = {"Cache-Control": "no-store"}


@bp.route("/healthz", methods=["GET"])
def healthz() -> Response:
    """No database, no session, no template: "ok" means the process answers requests."""
    return Response(_ALIVE, mimetype="application/json", headers=_NO_STORE)


@bp.route("/readyz", methods=["GET"])
def readyz() -> tuple[Response, int, dict[str, str]]:
    """200 when every required check passes, else 503; each check with its status and detail."""
    checks = [health.database(), health.redis_check(), search_check()]
    ready = all(c.passed for c in checks)
    body = {"status": "ok" if ready else "error", "checks": {c.name: c.to_json() for c in checks}}
    return jsonify(body), 200 if ready else 503, _NO_STORE
