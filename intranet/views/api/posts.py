"""Posts, comments, reactions, pins and acknowledgements."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from intranet import access
from intranet.actions.comments import (
    do_add_reaction,
    do_delete_comment,
    do_edit_comment,
    do_remove_reaction,
    reaction_counts,
)
from intranet.actions.files import Upload, do_add_comment_with_files, do_create_post_with_files
from intranet.actions.poll_spec import parse_poll
from intranet.actions.polls import do_mark_answer, do_vote
from intranet.actions.posts import do_acknowledge, do_delete_post, do_edit_post, do_pin_post
from intranet.models import Post, PostKind
from intranet.platform import db
from intranet.platform.errors import Invalid
from intranet.platform.inputs import parse_int
from intranet.platform.web import json_body
from intranet.queries import feed as feeds
from intranet.queries import social as social_queries
from intranet.views.api import bp
from intranet.views.api.params import boolean, integer, me, text
from intranet.views.api.serializers import comment_json, poll_json, post_json
from intranet.views.files import uploads_from_request


def _post(post: Post) -> dict:
    """One post; a poll comes with its options and results as this reader sees them."""
    answer = post_json(feeds.post_view(db.session, me(), post))
    if post.kind == PostKind.POLL:
        answer["poll"] = poll_json(social_queries.poll_view(db.session, me(), post))
    return answer


def _create_fields() -> tuple[dict, list[Upload]]:
    """JSON, or multipart/form-data when files come with the post (fields as strings)."""
    if request.mimetype != "multipart/form-data":
        return json_body(), []
    form = request.form
    raw_group = (form.get("group_id") or "").strip()
    group_id = parse_int(raw_group)
    if raw_group and group_id is None:
        raise Invalid(_("%(name)s must be an integer.", name="group_id"), field="group_id")
    return {"body": form.get("body"), "group_id": group_id, "kind": form.get("kind") or None,
            "announcement": form.get("announcement", "").lower() in ("1", "true", "on", "yes")
            }, uploads_from_request()


@bp.post("/posts")
@login_required
def post_create() -> tuple[Response, int, dict]:
    """``group_id`` null or absent: the company feed. Announcements: leads (admins on the company feed)."""
    data, uploads = _create_fields()
    group_id = integer(data, "group_id")
    group = access.access_group(me(), group_id) if group_id is not None else None
    poll = parse_poll(data["poll"]) if data.get("poll") is not None else None
    with db.transaction() as s:
        post = do_create_post_with_files(s, me(), group, text(data, "body"), uploads,
                                         announcement=boolean(data, "announcement", default=False),
                                         kind=text(data, "kind"), poll=poll)
    return jsonify(_post(post)), 201, {"Location": url_for(".post", post_id=post.id)}


@bp.get("/posts/<int:post_id>")
@login_required
def post(post_id: int) -> Response:
    return jsonify(_post(access.access_post(me(), post_id)))


@bp.patch("/posts/<int:post_id>")
@login_required
def post_edit(post_id: int) -> Response:
    post, data = access.access_post(me(), post_id), json_body()
    with db.transaction() as s:
        do_edit_post(s, me(), post, text(data, "body", required=True))
    return jsonify(_post(post))


@bp.delete("/posts/<int:post_id>")
@login_required
def post_delete(post_id: int) -> tuple[str, int]:
    post = access.access_post(me(), post_id)
    with db.transaction() as s:
        do_delete_post(s, me(), post)
    return "", 204


@bp.post("/posts/<int:post_id>/pin")
@login_required
def post_pin(post_id: int) -> Response:
    post, data = access.access_post(me(), post_id), json_body(optional=True)
    with db.transaction() as s:
        do_pin_post(s, me(), post, boolean(data, "pinned", default=True))
    return jsonify(_post(post))


@bp.post("/posts/<int:post_id>/ack")
@login_required
def post_ack(post_id: int) -> Response:
    post = access.access_post(me(), post_id)
    with db.transaction() as s:
        do_acknowledge(s, me(), post)
    return jsonify(_post(post))


@bp.get("/posts/<int:post_id>/comments")
@login_required
def comments(post_id: int) -> Response:
    post = access.access_post(me(), post_id)
    return jsonify(items=[comment_json(c, me()) for c in feeds.comments_of(db.session, post)])


@bp.post("/posts/<int:post_id>/comments")
@login_required
def comment_create(post_id: int) -> tuple[Response, int]:
    """JSON ``{"body"}``, or multipart/form-data with ``body`` and ``files`` parts (as for posts)."""
    post = access.access_post(me(), post_id)
    multipart = request.mimetype == "multipart/form-data"
    data = {"body": request.form.get("body")} if multipart else json_body()
    uploads = uploads_from_request() if multipart else []
    with db.transaction() as s:
        comment = do_add_comment_with_files(s, me(), post, text(data, "body"), uploads)
    return jsonify(comment_json(comment, me())), 201


@bp.patch("/comments/<int:comment_id>")
@login_required
def comment_edit(comment_id: int) -> Response:
    comment, data = access.access_comment(me(), comment_id), json_body()
    with db.transaction() as s:
        do_edit_comment(s, me(), comment, text(data, "body", required=True))
    return jsonify(comment_json(comment, me()))


@bp.delete("/comments/<int:comment_id>")
@login_required
def comment_delete(comment_id: int) -> tuple[str, int]:
    comment = access.access_comment(me(), comment_id)
    with db.transaction() as s:
        do_delete_comment(s, me(), comment)
    return "", 204


@bp.post("/posts/<int:post_id>/reactions")
@login_required
def reaction_add(post_id: int) -> tuple[Response, int]:
    """Reacting twice with the same kind is a 409, so clients can tell it apart from success."""
    post, data = access.access_post(me(), post_id), json_body()
    kind = text(data, "kind", required=True)
    with db.transaction() as s:
        do_add_reaction(s, me(), post, kind)
    return jsonify(kind=kind, reactions=reaction_counts(db.session, post.id)), 201


@bp.delete("/posts/<int:post_id>/reactions/<kind>")
@login_required
def reaction_remove(post_id: int, kind: str) -> tuple[str, int]:
    post = access.access_post(me(), post_id)
    with db.transaction() as s:
        do_remove_reaction(s, me(), post, kind)
    return "", 204


@bp.post("/posts/<int:post_id>/votes")
@login_required
def poll_vote(post_id: int) -> Response:
    """Replace my vote (``[]`` withdraws it); the post with the poll's results."""
    post, data = access.access_post(me(), post_id), json_body()
    if "option_ids" not in data:
        raise Invalid(_("%(name)s is required.", name="option_ids"), field="option_ids")
    with db.transaction() as s:
        do_vote(s, me(), post, data["option_ids"])
    return jsonify(_post(post))


@bp.post("/posts/<int:post_id>/answer")
@login_required
def question_answer(post_id: int) -> Response:
    """Mark a comment as the question's best answer (``null`` clears it)."""
    post, data = access.access_post(me(), post_id), json_body()
    if "comment_id" not in data:
        raise Invalid(_("%(name)s is required.", name="comment_id"), field="comment_id")
    with db.transaction() as s:
        do_mark_answer(s, me(), post, data["comment_id"])
    return jsonify(_post(post))
