"""Feeds: home, group pages, topics, and my notifications; plus what every page's frame needs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from intranet import access
from intranet.actions.group_page import do_mark_group_visited
from intranet.actions.notifications import do_mark_read, unread_count
from intranet.models import REACTION_EMOJI, REACTION_KINDS, Topic
from intranet.platform import db
from intranet.platform.errors import Invalid, NotFound
from intranet.platform.inputs import parse_int
from intranet.queries import cards, rail
from intranet.queries import feed as feeds
from intranet.views import pagecache
from intranet.views.common import before_arg, form_data, frame_value, me
from intranet.views.posts import done, remember_last_event

bp = Blueprint("feed", __name__)


def _page_size() -> int:
    return current_app.config["FEED_PAGE_SIZE"]


@bp.route("/", methods=["GET"])
@pagecache.cached_page
@login_required
def home() -> Any:
    user, s, before = me(), db.session(), before_arg()
    remember_last_event()
    return render_template(
        "feed/home.html", page=cards.home_cards(s, user, before, limit=_page_size()),
        targets=feeds.postable_groups(s, user), can_announce_company=access.can_moderate(user, None))


@bp.route("/topics/<name>", methods=["GET"])
@login_required
def topic(name: str) -> Any:
    user, s, before = me(), db.session(), before_arg()
    found = s.scalar(select(Topic).where(Topic.name == name.lower().lstrip("#")))
    if found is None:
        raise NotFound(_("Nobody has used this topic yet."))
    remember_last_event()
    return render_template("feed/topic.html", topic=found,
                           page=feeds.topic_feed(s, user, found, before, limit=_page_size()))


@bp.route("/groups/<int:group_id>", methods=["GET"])
@login_required
def group(group_id: int) -> Any:
    """Secret groups are 404 for outsiders; private ones show their header and a join button."""
    user, s, before = me(), db.session(), before_arg()
    found = access.access_group(user, group_id)
    remember_last_event()
    header = feeds.group_header(s, user, found)
    _visited(found)
    page = feeds.group_feed(s, user, found, before, limit=_page_size()) if header.readable else None
    pinned = feeds.pinned_posts(s, user, found) if header.readable and before is None else []
    return render_template("feed/group.html", header=header, group=found, page=page, pinned=pinned)


def _visited(group: Any) -> None:
    """Opening a group of mine marks what it holds as seen (the rail's count), written only
    when there is something new: most views of a group change nothing."""
    entry = next((item for item in _rail() if item.id == group.id), None)
    if entry is not None and (entry.new or entry.seen is None):
        with db.transaction() as s:
            do_mark_group_visited(s, me(), group)
        g.pop("rail", None)


@bp.route("/notifications", methods=["GET"])
@login_required
def notifications() -> Any:
    page = feeds.notification_page(db.session(), me(), before_arg())
    return render_template("feed/notifications.html", page=page)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def notifications_read() -> Any:
    """Mark all my notifications read, or only ``ids`` (the one a person just opened)."""
    data = form_data()
    raw = data.getlist("ids") if hasattr(data, "getlist") else data.get("ids")
    ids = _ids(raw) if raw else None
    with db.transaction() as s:
        changed = do_mark_read(s, me(), ids)
    unread = unread_count(db.session(), me().id)
    return done({"changed": changed, "unread": unread},
                None if ids else _("All notifications are marked read."),
                url_for("feed.notifications"))


def _ids(raw: Any) -> list[int]:
    values = raw if isinstance(raw, list) else [raw]
    ids = [parse_int(v) for v in values]
    if None in ids:
        raise Invalid(_("Notification ids must be numbers."), field="ids")
    return ids  # type: ignore[return-value]


# ---- what base.html needs on every page ---------------------------------------------------------

def _last_event_id() -> int:
    """Set early by feed pages; computed at render time on other pages."""
    if "last_event_id" not in g:
        g.last_event_id = frame_value(lambda: feeds.last_event_id(db.session(), me()), 0)
    return g.last_event_id


def _unread() -> int:
    if "unread_notifications" in g:
        return g.unread_notifications
    return frame_value(lambda: unread_count(db.session(), me().id), 0)


def _rail() -> list[rail.RailGroup]:
    """The side rail's groups, one query per page (the group page may ask first)."""
    if "rail" not in g:
        g.rail = frame_value(lambda: rail.my_rail(db.session(), me()), [])
    return g.rail


def _locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


@bp.app_context_processor
def _frame() -> dict[str, Any]:
    return {"current_locale": _locale, "live_last_event_id": _last_event_id, "unread_notifications": _unread,
            "my_rail": _rail,
            "REACTION_KINDS": REACTION_KINDS, "REACTION_EMOJI": REACTION_EMOJI}
