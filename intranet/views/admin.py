"""admin views: stub endpoints (names are the contract), to be written."""

from flask import Blueprint, abort

bp = Blueprint("admin", __name__)


@bp.route("/admin/users", methods=["GET"])
def users():  # noqa: ARG001
    abort(501)


@bp.route("/admin/users/new", methods=["GET", "POST"])
def user_new():  # noqa: ARG001
    abort(501)


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
def user_deactivate(user_id):  # noqa: ARG001
    abort(501)


@bp.route("/admin/users/<int:user_id>/reactivate", methods=["POST"])
def user_reactivate(user_id):  # noqa: ARG001
    abort(501)


@bp.route("/admin/users/<int:user_id>/department", methods=["POST"])
def user_department(user_id):  # noqa: ARG001
    abort(501)


@bp.route("/admin/departments", methods=["GET", "POST"])
def departments():  # noqa: ARG001
    abort(501)


@bp.route("/admin/audit", methods=["GET"])
def audit():  # noqa: ARG001
    abort(501)
