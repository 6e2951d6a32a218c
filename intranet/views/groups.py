"""groups views: stub endpoints (names are the contract), to be written."""

from flask import Blueprint, abort

bp = Blueprint("groups", __name__)


@bp.route("/groups", methods=["GET"])
def index():  # noqa: ARG001
    abort(501)


@bp.route("/groups/new", methods=["GET", "POST"])
def new():  # noqa: ARG001
    abort(501)


@bp.route("/groups/<int:group_id>/join", methods=["POST"])
def join(group_id):  # noqa: ARG001
    abort(501)


@bp.route("/groups/<int:group_id>/leave", methods=["POST"])
def leave(group_id):  # noqa: ARG001
    abort(501)


@bp.route("/groups/<int:group_id>/members", methods=["GET", "POST"])
def members(group_id):  # noqa: ARG001
    abort(501)


@bp.route("/groups/<int:group_id>/requests/<int:request_id>", methods=["POST"])
def decide(group_id, request_id):  # noqa: ARG001
    abort(501)


@bp.route("/groups/<int:group_id>/settings", methods=["GET", "POST"])
def settings(group_id):  # noqa: ARG001
    abort(501)
