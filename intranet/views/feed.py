"""feed views: stub endpoints (names are the contract), to be written."""

from flask import Blueprint, abort

bp = Blueprint("feed", __name__)


@bp.route("/", methods=["GET"])
def home():  # noqa: ARG001
    abort(501)


@bp.route("/topics/<name>", methods=["GET"])
def topic(name):  # noqa: ARG001
    abort(501)


@bp.route("/groups/<int:group_id>", methods=["GET"])
def group(group_id):  # noqa: ARG001
    abort(501)


@bp.route("/notifications", methods=["GET"])
def notifications():  # noqa: ARG001
    abort(501)


@bp.route("/notifications/read", methods=["POST"])
def notifications_read():  # noqa: ARG001
    abort(501)
