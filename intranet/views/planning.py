"""Scheduled posts (mine, until published) and an announcement's "who has not acknowledged"."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from intranet import access
from intranet.actions import announcements, scheduling
from intranet.platform import db
from intranet.platform.errors import NotFound
from intranet.queries import social as queries
from intranet.views.common import me
from intranet.views.posts import done

bp = Blueprint("planning", __name__)


@bp.route("/scheduled", methods=["GET"])
@login_required
def scheduled() -> Any:
    return render_template("social/scheduled.html", items=queries.scheduled_of(db.session(), me()))


@bp.route("/scheduled/<int:scheduled_id>/cancel", methods=["POST"])
@login_required
def cancel(scheduled_id: int) -> Any:
    row = scheduling.access_scheduled(db.session(), me(), scheduled_id)
    with db.transaction() as s:
        scheduling.do_cancel_scheduled(s, me(), row)
    return done({"cancelled": True}, _("The scheduled post is cancelled."), url_for("planning.scheduled"))


def _announcement(post_id: int) -> Any:
    """The announcement, for its author and the group's leads only (404 for everyone else)."""
    post = access.access_post(me(), post_id)
    if not announcements.may_see_acks(me(), post):
        raise NotFound(_("This post does not exist or is not visible to you."))
    return post


@bp.route("/posts/<int:post_id>/acknowledgements", methods=["GET"])
@login_required
def acknowledgements(post_id: int) -> Any:
    post = _announcement(post_id)
    s = db.session()
    return render_template("social/acknowledgements.html", post=post,
                           missing=announcements.unacknowledged(s, post),
                           acks=announcements.ack_count(s, post.id),
                           last_reminder=announcements.last_reminder(s, post))


@bp.route("/posts/<int:post_id>/remind", methods=["POST"])
@login_required
def remind(post_id: int) -> Any:
    post = _announcement(post_id)
    with db.transaction() as s:
        reminded = announcements.do_remind_unacknowledged(s, me(), post)
    message = _("%(n)d people were reminded.", n=len(reminded))
    return done({"reminded": len(reminded)}, message, url_for("planning.acknowledgements", post_id=post.id))
