"""posts views: stub endpoints (names are the contract), to be written."""

from flask import Blueprint, abort

bp = Blueprint("posts", __name__)


@bp.route("/posts", methods=["POST"])
def create():  # noqa: ARG001
    abort(501)


@bp.route("/posts/<int:post_id>", methods=["GET"])
def show(post_id):  # noqa: ARG001
    abort(501)


@bp.route("/posts/<int:post_id>/card", methods=["GET"])
def card(post_id):  # noqa: ARG001
    abort(501)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit(post_id):  # noqa: ARG001
    abort(501)


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
def delete(post_id):  # noqa: ARG001
    abort(501)


@bp.route("/posts/<int:post_id>/pin", methods=["POST"])
def pin(post_id):  # noqa: ARG001
    abort(501)


@bp.route("/posts/<int:post_id>/ack", methods=["POST"])
def ack(post_id):  # noqa: ARG001
    abort(501)


@bp.route("/posts/<int:post_id>/react", methods=["POST"])
def react(post_id):  # noqa: ARG001
    abort(501)


@bp.route("/posts/<int:post_id>/comments", methods=["POST"])
def comment(post_id):  # noqa: ARG001
    abort(501)


@bp.route("/comments/<int:comment_id>/card", methods=["GET"])
def comment_card(comment_id):  # noqa: ARG001
    abort(501)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def comment_edit(comment_id):  # noqa: ARG001
    abort(501)


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
def comment_delete(comment_id):  # noqa: ARG001
    abort(501)
