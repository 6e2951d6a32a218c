"""health views: stub endpoints (names are the contract), to be written."""

from flask import Blueprint, abort

bp = Blueprint("health", __name__)


@bp.route("/healthz", methods=["GET"])
def healthz():
    abort(501)
