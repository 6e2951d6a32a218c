"""Polls, questions, saved posts, follows and drafts: pages and buttons.

Each POST works as a plain form (redirect back with a message) and as JSON for our scripts, like
the other post views. Reading goes through ``access`` (404 for what the person may not open).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup
from sqlalchemy import select

from intranet import access
from intranet.actions import keeping, polls
from intranet.actions.announcements import may_see_acks
from intranet.models import Post, PostKind, Topic
from intranet.platform import db
from intranet.platform.errors import Invalid, NotFound
from intranet.platform.inputs import parse_int
from intranet.queries import social as queries
from intranet.queries.feed import PostView
from intranet.views.api.params import cursor_of, query_cursor
from intranet.views.common import form_data, me, truthy
from intranet.views.posts import done

bp = Blueprint("social", __name__)


def _post_url(post_id: int) -> str:
    return url_for("posts.show", post_id=post_id)


# ---- what post cards and pages show (template globals) -------------------------------------------

@bp.app_template_global("post_extras")
def post_extras(view: PostView) -> Markup:
    """A poll's options and results, or a question's state, for the signed-in reader (cards of
    these kinds are never cached: ``cardcache``)."""
    post = view.post
    if post.kind == PostKind.POLL:
        poll = queries.poll_view(db.session(), me(), post)
        return Markup(render_template("social/_poll.html", poll=poll, post=post)) if poll else Markup()
    if post.kind == PostKind.QUESTION:
        return Markup(render_template("social/_question.html", post=post))
    return Markup()


@bp.app_template_global("post_tools")
def post_tools(view: PostView) -> Markup:
    """The post page's own buttons: save for later, and for leads who has not acknowledged."""
    post = view.post
    return Markup(render_template("social/_post_tools.html", post=post,
                                  saved=queries.is_saved(db.session(), me(), post.id),
                                  sees_acks=may_see_acks(me(), post)))


@bp.app_template_global("can_mark_answer")
def can_mark_answer(post: Post) -> bool:
    return polls.can_mark_answer(me(), post)


@bp.app_template_global("draft_for")
def draft_for(group_id: int | None) -> str:
    """What I was writing here (the composer's starting text)."""
    place = "company" if group_id is None else f"group:{group_id}"
    return queries.draft_text(db.session(), me(), place)


@bp.app_template_global("follow_state")
def follow_state(*, user_id: int | None = None, topic_id: int | None = None) -> bool:
    if user_id is not None:
        return queries.follows_person(db.session(), me(), user_id)
    return topic_id is not None and queries.follows_topic(db.session(), me(), topic_id)


# ---- polls and questions -------------------------------------------------------------------------

@bp.route("/posts/<int:post_id>/votes", methods=["POST"])
@login_required
def vote(post_id: int) -> Any:
    user, data = me(), form_data()
    post = access.access_post(user, post_id)
    raw = data.getlist("option_ids") if hasattr(data, "getlist") else data.get("option_ids")
    if hasattr(data, "getlist"):  # a form sends strings
        raw = [parse_int(v) if parse_int(v) is not None else v for v in raw]
    with db.transaction() as s:
        chosen = polls.do_vote(s, user, post, raw)
    message = _("Your vote is recorded.") if chosen else _("Your vote is withdrawn.")
    return done({"option_ids": chosen}, message, _post_url(post.id))


@bp.route("/posts/<int:post_id>/poll", methods=["GET"])
@login_required
def poll_fragment(post_id: int) -> Any:
    """Just the poll: the live script swaps it in when votes move."""
    post = access.access_post(me(), post_id)
    poll = queries.poll_view(db.session(), me(), post)
    if poll is None:
        raise NotFound(_("This post has no poll."))
    return render_template("social/_poll.html", poll=poll, post=post)


@bp.route("/posts/<int:post_id>/answer", methods=["POST"])
@login_required
def answer(post_id: int) -> Any:
    user, data = me(), form_data()
    post = access.access_post(user, post_id)
    raw = data.get("comment_id")
    if isinstance(raw, str):
        raw = None if raw == "" else parse_int(raw)
        if raw is None and data.get("comment_id"):
            raise Invalid(_("comment_id must be an integer or null."), field="comment_id")
    with db.transaction() as s:
        polls.do_mark_answer(s, user, post, raw)
    message = _("The best answer is marked.") if raw is not None else _("The best answer is cleared.")
    return done({"answer_comment_id": post.answer_comment_id}, message, _post_url(post.id))


# ---- saved posts ----------------------------------------------------------------------------------

@bp.route("/posts/<int:post_id>/bookmark", methods=["POST"])
@login_required
def bookmark(post_id: int) -> Any:
    user, data = me(), form_data()
    post = access.access_post(user, post_id)
    raw = data.get("saved")
    saved = not queries.is_saved(db.session(), user, post.id) if raw in (None, "") else truthy(raw)
    with db.transaction() as s:
        keeping.do_bookmark(s, user, post, saved)
    return done({"saved": saved}, _("Saved for later.") if saved else _("Removed from your saved posts."),
                _post_url(post.id))


@bp.route("/saved", methods=["GET"])
@login_required
def saved() -> Any:
    """``MAX_SAVED`` at a time, then "Older posts" (the API's cursor: the same keyset)."""
    page = queries.saved_page(db.session(), me(), query_cursor())
    return render_template("social/saved.html", items=page.items, next_cursor=cursor_of(page.next_key))


# ---- drafts and follows ---------------------------------------------------------------------------

@bp.route("/drafts", methods=["POST"])
@login_required
def save_draft() -> Any:
    """The composer keeps what is typed (its script, every few seconds; or the "Keep as draft"
    button). An empty text discards the draft."""
    user, data = me(), form_data()
    raw = data.get("group_id")
    group_id = None if raw in (None, "") else parse_int(str(raw))
    if raw not in (None, "") and group_id is None:
        raise Invalid(_("Choose where to post."), field="group_id")
    group = access.access_group(user, group_id) if group_id is not None else None
    with db.transaction() as s:
        draft = keeping.do_save_draft(s, user, group, data.get("body", ""))
    back = url_for("feed.group", group_id=group.id) if group else url_for("feed.home")
    return done({"saved": draft is not None}, _("Your draft is kept.") if draft else None, back)


@bp.route("/people/<int:user_id>/follow", methods=["POST"])
@login_required
def follow_person(user_id: int) -> Any:
    user = me()
    person = access.access_user(user, user_id)
    on = _wanted(lambda: queries.follows_person(db.session(), user, person.id))
    with db.transaction() as s:
        keeping.do_follow_person(s, user, person, on)
    message = _("You follow %(name)s.", name=person.name) if on else _("You no longer follow %(name)s.",
                                                                       name=person.name)
    return done({"following": on}, message, url_for("people.show", user_id=person.id))


@bp.route("/topics/<name>/follow", methods=["POST"])
@login_required
def follow_topic(name: str) -> Any:
    user = me()
    topic = db.session.scalar(select(Topic).where(Topic.name == name.lower().lstrip("#")))
    if topic is None:
        raise NotFound(_("Nobody has used this topic yet."))
    on = _wanted(lambda: queries.follows_topic(db.session(), user, topic.id))
    with db.transaction() as s:
        keeping.do_follow_topic(s, user, topic, on)
    message = _("You follow #%(name)s.", name=topic.name) if on else _("You no longer follow #%(name)s.",
                                                                       name=topic.name)
    return done({"following": on}, message, url_for("feed.topic", name=topic.name))


def _wanted(current: Any) -> bool:
    """``following``: 1/0 from a form or true/false from JSON; absent, the opposite of now."""
    raw = form_data().get("following")
    return not current() if raw in (None, "") else truthy(raw)
