"""auth views: stub endpoints (names are the contract), to be written."""

from flask import Blueprint, abort

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():  # noqa: ARG001
    abort(501)


@bp.route("/logout", methods=["POST"])
def logout():  # noqa: ARG001
    abort(501)


@bp.route("/register", methods=["GET", "POST"])
def register():  # noqa: ARG001
    abort(501)
