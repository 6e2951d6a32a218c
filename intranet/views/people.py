"""people views: stub endpoints (names are the contract), to be written."""

from flask import Blueprint, abort

bp = Blueprint("people", __name__)


@bp.route("/people", methods=["GET"])
def index():  # noqa: ARG001
    abort(501)


@bp.route("/people/<int:user_id>", methods=["GET"])
def show(user_id):  # noqa: ARG001
    abort(501)


@bp.route("/profile", methods=["GET", "POST"])
def profile():  # noqa: ARG001
    abort(501)


@bp.route("/profile/avatar", methods=["POST"])
def avatar():  # noqa: ARG001
    abort(501)


@bp.route("/people/<int:user_id>/avatar", methods=["GET"])
def avatar_file(user_id):  # noqa: ARG001
    abort(501)


@bp.route("/profile/tokens", methods=["GET", "POST"])
def tokens():  # noqa: ARG001
    abort(501)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
def token_revoke(token_id):  # noqa: ARG001
    abort(501)


@bp.route("/language", methods=["POST"])
def language():  # noqa: ARG001
    abort(501)
