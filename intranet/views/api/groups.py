"""Groups: the directory, creation and settings, joining and leaving, members and roles."""

from __future__ import annotations

from flask import Response, jsonify, url_for
from flask_login import login_required

from intranet import access
from intranet.actions.groups import (
    do_create_group,
    do_join_group,
    do_remove_member,
    do_set_member,
    do_update_group,
    member_count,
)
from intranet.models import Group, User
from intranet.platform import db
from intranet.platform.web import json_body
from intranet.queries import lists as queries
from intranet.views.api import bp
from intranet.views.api.params import integer, me, text
from intranet.views.api.serializers import group_json, member_json


def _group(group: Group, user: User) -> dict:
    return group_json(group, role=access.role_in(user, group.id),
                      member_count=member_count(db.session, group.id))


@bp.get("/groups")
@login_required
def groups() -> Response:
    user = me()
    items = [group_json(g, role=access.role_in(user, g.id), member_count=n)
             for g, n in queries.visible_groups(db.session, user)]
    return jsonify(items=items)


@bp.post("/groups")
@login_required
def group_create() -> tuple[Response, int, dict]:
    data = json_body()
    with db.transaction() as s:
        group = do_create_group(
            s, me(), text(data, "name", required=True), description=text(data, "description", default=""),
            visibility=text(data, "visibility", default="public"), kind=text(data, "kind", default="project"))
    return jsonify(_group(group, me())), 201, {"Location": url_for(".group", group_id=group.id)}


@bp.get("/groups/<int:group_id>")
@login_required
def group(group_id: int) -> Response:
    return jsonify(_group(access.access_group(me(), group_id), me()))


@bp.patch("/groups/<int:group_id>")
@login_required
def group_update(group_id: int) -> Response:
    """Leads (and admins) rename, describe or change the visibility; absent fields stay."""
    group, data = access.access_group(me(), group_id), json_body()
    with db.transaction() as s:
        do_update_group(s, me(), group, name=text(data, "name", default=group.name),
                        description=text(data, "description", default=group.description),
                        visibility=text(data, "visibility", default=group.visibility.value))
    return jsonify(_group(group, me()))


@bp.post("/groups/<int:group_id>/join")
@login_required
def group_join(group_id: int) -> Response:
    """Public groups: ``joined``; private and department groups: ``requested`` (leads decide)."""
    group = access.access_group(me(), group_id)
    message = text(json_body(optional=True), "message", default="")
    with db.transaction() as s:
        status = do_join_group(s, me(), group, message)
    return jsonify(status=status)


@bp.post("/groups/<int:group_id>/leave")
@login_required
def group_leave(group_id: int) -> Response:
    group = access.access_group(me(), group_id)
    with db.transaction() as s:
        do_remove_member(s, me(), group, me())
    return jsonify(status="left")


@bp.get("/groups/<int:group_id>/members")
@login_required
def group_members(group_id: int) -> Response:
    """Members of a private group are part of its content: members only."""
    group = access.access_group_content(me(), group_id)
    return jsonify(items=[member_json(m) for m in queries.group_members(db.session, group)])


@bp.post("/groups/<int:group_id>/members")
@login_required
def group_member_set(group_id: int) -> Response:
    """Add someone or change their role (leads and admins)."""
    group, data = access.access_group(me(), group_id), json_body()
    user = access.access_user(me(), integer(data, "user_id", required=True))
    with db.transaction() as s:
        membership = do_set_member(s, me(), group, user, text(data, "role", default="member"))
    return jsonify(member_json(membership))


@bp.delete("/groups/<int:group_id>/members/<int:user_id>")
@login_required
def group_member_remove(group_id: int, user_id: int) -> tuple[str, int]:
    group = access.access_group(me(), group_id)
    user = access.access_user(me(), user_id)
    with db.transaction() as s:
        do_remove_member(s, me(), group, user)
    return "", 204
