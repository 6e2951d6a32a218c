"""Post pages and every change to posts and comments.

Each POST works as a plain HTML form (redirect back with a flash message) and, for our scripts,
as JSON when the request says ``Accept: application/json``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions import comments as comment_actions
from intranet.actions import posts as post_actions
from intranet.actions.files import do_add_comment_with_files, do_create_post_with_files
from intranet.actions.scheduling import do_schedule_post
from intranet.models import Comment, Post, User
from intranet.platform import db
from intranet.platform.errors import Forbidden, Invalid
from intranet.platform.inputs import parse_int
from intranet.platform.web import wants_json
from intranet.queries import feed as feeds
from intranet.views.common import back_url, form_data, me, truthy
from intranet.views.common import done as common_done
from intranet.views.composer import ComposerOptions, options_from
from intranet.views.files import uploads_from_request

bp = Blueprint("posts", __name__)


# ---- helpers shared with the feed views -------------------------------------------------------

def done(payload: dict[str, Any], message: str | None, default: str, status: int = 200,
         avoid: str | None = None) -> Response:
    """JSON for scripts; otherwise flash ``message`` and go back (but never to ``avoid``, a page
    the change just removed)."""
    target = back_url(default)
    if avoid and target.split("#")[0].split("?")[0] == avoid:
        target = default
    return common_done(message, target, status=status, **payload)


def remember_last_event(post_id: int | None = None) -> None:
    """Pin the live catch-up cursor before the page's content is read, so nothing falls between.
    ``post_id``: a post's page (opened through ``access``), whose events it also follows.

    The frame's unread count comes with it (same query); pages that do not call this compute
    both at render time."""
    g.last_event_id, g.unread_notifications = feeds.frame_state(db.session(), me(), post_id)


def _feed_url(post: Post) -> str:
    return url_for("feed.group", group_id=post.group_id) if post.group_id else url_for("feed.home")


def _target(user: User, raw: Any) -> Any:
    """The composer's target: "" is the company feed, else a group the user can see."""
    if raw in (None, ""):
        return None
    group_id = parse_int(raw if isinstance(raw, int) else str(raw))
    if group_id is None:
        raise Invalid(_("Choose where to post."), field="group_id")
    return access.access_group(user, group_id)


# ---- posts --------------------------------------------------------------------------------------

@bp.route("/posts", methods=["POST"])
@login_required
def create() -> Any:
    user, data = me(), form_data()
    group = _target(user, data.get("group_id"))
    try:
        extra = options_from(data)
        if extra.publish_at is not None:
            return _schedule(user, group, data, extra)
        with db.transaction() as s:
            post = do_create_post_with_files(s, user, group, data.get("body"), uploads_from_request(),
                                             announcement=truthy(data.get("announcement")),
                                             kind=extra.kind, poll=extra.poll)
    except Invalid as exc:
        if wants_json():
            raise
        return render_template("posts/new.html", error=exc.message, body=data.get("body", ""),
                               group=group, targets=feeds.postable_groups(db.session(), user),
                               can_announce_company=access.can_moderate(user, None)), 400
    url = url_for("posts.show", post_id=post.id)
    return done({"id": post.id, "url": url}, _("Your post is published."),
                _feed_url(post), status=201)


def _schedule(user: User, group: Any, data: Any, extra: ComposerOptions) -> Response:
    """The composer's "publish later": kept until the scheduler publishes it (no files yet)."""
    if uploads_from_request():
        raise Invalid(_("Files cannot be attached to a scheduled post yet."), field="files")
    with db.transaction() as s:
        row = do_schedule_post(s, user, group, data.get("body"), extra.publish_at,
                               announcement=truthy(data.get("announcement")), kind=extra.kind,
                               poll=extra.poll)
    return done({"scheduled_id": row.id, "url": url_for("planning.scheduled")},
                _("Your post is scheduled."), url_for("planning.scheduled"), status=201)


@bp.route("/posts/<int:post_id>", methods=["GET"])
@login_required
def show(post_id: int, error: str | None = None, draft: str = "") -> Any:
    user = me()
    post = access.access_post(user, post_id)
    remember_last_event(post.id)
    s = db.session()
    return render_template("posts/show.html", view=feeds.post_view(s, user, post),
                           comments=feeds.comments_of(s, post), error=error, draft=draft)


@bp.route("/posts/<int:post_id>/card", methods=["GET"])
@login_required
def card(post_id: int) -> Any:
    """Just the card: our live script inserts it when a post appears or changes."""
    post = access.access_post(me(), post_id)
    return render_template("posts/_card.html", view=feeds.post_view(db.session(), me(), post))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int) -> Any:
    user = me()
    post = access.access_post(user, post_id)
    if not access.can_edit_post(user, post):
        raise Forbidden(_("Only the author can edit this post."))
    return _edit_form("posts/edit.html", post.body, post.id, url_for("posts.show", post_id=post.id),
                      _("Your post is updated."),
                      lambda s, text: post_actions.do_edit_post(s, user, post, text), post=post)


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
@login_required
def delete(post_id: int) -> Any:
    user = me()
    post = access.access_post(user, post_id)
    back = _feed_url(post)
    with db.transaction() as s:
        post_actions.do_delete_post(s, user, post)
    return done({"deleted": True}, _("The post is deleted."), back,
                avoid=url_for("posts.show", post_id=post_id))


@bp.route("/posts/<int:post_id>/pin", methods=["POST"])
@login_required
def pin(post_id: int) -> Any:
    user = me()
    post = access.access_post(user, post_id)
    raw = form_data().get("pinned")
    pinned = post.pinned_at is None if raw is None or raw == "" else truthy(raw)
    with db.transaction() as s:
        post_actions.do_pin_post(s, user, post, pinned)
    message = _("The post is pinned.") if pinned else _("The post is unpinned.")
    return done({"pinned": pinned}, message, _feed_url(post))


@bp.route("/posts/<int:post_id>/ack", methods=["POST"])
@login_required
def ack(post_id: int) -> Any:
    user = me()
    post = access.access_post(user, post_id)
    with db.transaction() as s:
        count = post_actions.do_acknowledge(s, user, post)
    sees_count = feeds.post_view(db.session(), user, post).ack_count is not None
    return done({"acknowledged": True, "acks": count if sees_count else None},
                _("Thank you: your acknowledgement is recorded."), url_for("posts.show", post_id=post.id))


@bp.route("/posts/<int:post_id>/react", methods=["POST"])
@login_required
def react(post_id: int) -> Any:
    user = me()
    post = access.access_post(user, post_id)
    with db.transaction() as s:
        on = comment_actions.do_toggle_reaction(s, user, post, form_data().get("kind"))
    counts = comment_actions.reaction_counts(db.session(), post.id)
    return done({"on": on, "counts": counts}, None, url_for("posts.show", post_id=post.id))


# ---- comments -----------------------------------------------------------------------------------

@bp.route("/posts/<int:post_id>/comments", methods=["POST"])
@login_required
def comment(post_id: int) -> Any:
    user, data = me(), form_data()
    post = access.access_post(user, post_id)
    try:
        with db.transaction() as s:
            new = do_add_comment_with_files(s, user, post, data.get("body"), uploads_from_request())
    except Invalid as exc:
        if wants_json():
            raise
        return show(post_id, error=exc.message, draft=data.get("body", "")), 400
    url = url_for("posts.show", post_id=post.id, _anchor=f"comment-{new.id}")
    return done({"id": new.id, "url": url, "post_id": post.id}, _("Your comment is published."), url,
                status=201)


def _comment_context(user: User, item: Comment) -> dict[str, Any]:
    return {"comment": item, "can_moderate": access.can_moderate(user, item.post.group)}


@bp.route("/comments/<int:comment_id>/card", methods=["GET"])
@login_required
def comment_card(comment_id: int) -> Any:
    """Just one comment, for the live script on an open post page."""
    item = access.access_comment(me(), comment_id)
    return render_template("posts/_comment.html", **_comment_context(me(), item))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def comment_edit(comment_id: int) -> Any:
    user = me()
    item = access.access_comment(user, comment_id)
    if not access.can_edit_comment(user, item):
        raise Forbidden(_("Only the author can edit this comment."))
    url = url_for("posts.show", post_id=item.post_id, _anchor=f"comment-{item.id}")
    return _edit_form("posts/comment_edit.html", item.body, item.id, url, _("Your comment is updated."),
                      lambda s, text: comment_actions.do_edit_comment(s, user, item, text), comment=item)


def _edit_form(template: str, body: str, object_id: int, url: str, message: str,
               change: Callable[[Session, Any], None], **context: Any) -> Any:
    """The edit page of a post or comment: GET shows it; POST applies ``change`` in one
    transaction, or shows the page again with the action's message (400)."""
    if request.method == "GET":
        return render_template(template, body=body, **context)
    text = form_data().get("body")
    try:
        with db.transaction() as s:
            change(s, text)
    except Invalid as exc:
        if wants_json():
            raise
        return render_template(template, body=text or "", error=exc.message, **context), 400
    # to the post (or comment) itself: ``done`` would follow the Referer, which is this form
    return common_done(message, url, id=object_id, url=url)


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
@login_required
def comment_delete(comment_id: int) -> Any:
    user = me()
    item = access.access_comment(user, comment_id)
    post_id = item.post_id
    with db.transaction() as s:
        comment_actions.do_delete_comment(s, user, item)
    return done({"deleted": True}, _("The comment is deleted."), url_for("posts.show", post_id=post_id),
                avoid=url_for("posts.comment_edit", comment_id=comment_id))
