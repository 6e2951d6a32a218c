"""Post lists, newest first, keyset-paginated: ``?before=<post id>&limit=<n>`` -> ``next_before``."""

from __future__ import annotations

from flask import Response, jsonify
from flask_login import login_required

from intranet import access
from intranet.platform import db
from intranet.queries import feed as feeds
from intranet.queries import lists as queries
from intranet.queries.feed import FeedPage
from intranet.views.api import bp
from intranet.views.api.params import me, query_int
from intranet.views.api.serializers import post_page


def _window() -> tuple[int | None, int]:
    before = query_int("before", low=1)
    return before, query_int("limit", default=20, low=1, high=feeds.MAX_LIMIT)


@bp.get("/feed")
@login_required
def feed() -> Response:
    """The company feed plus my groups."""
    before, limit = _window()
    return jsonify(post_page(feeds.home_feed(db.session, me(), before, limit)))


@bp.get("/groups/<int:group_id>/posts")
@login_required
def group_posts(group_id: int) -> Response:
    group = access.access_group_content(me(), group_id)
    before, limit = _window()
    return jsonify(post_page(feeds.group_feed(db.session, me(), group, before, limit)))


@bp.get("/topics/<name>/posts")
@login_required
def topic_posts(name: str) -> Response:
    """An unknown topic is an empty list, like a topic used only where I cannot read."""
    before, limit = _window()
    topic = queries.topic_named(db.session, name)
    page = feeds.topic_feed(db.session, me(), topic, before, limit) if topic else FeedPage([], None)
    return jsonify(post_page(page))
