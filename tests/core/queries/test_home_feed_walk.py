"""The home feed merges one index walk per source: it must list exactly what the access clause
selects, in the same order, on every page, however the sources are chunked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intranet import access
from intranet.actions.groups import do_join_group
from intranet.actions.posts import do_create_post
from intranet.models import Group, Post, User
from intranet.platform import db
from intranet.queries import feed as feeds


def _write(app, cast) -> None:
    with app.app_context(), db.transaction() as s:
        alice, bob, lea, admin = (s.get(User, u.id) for u in (cast.alice, cast.bob, cast.lea, cast.admin))
        apollo, coffee, board = (s.get(Group, g.id) for g in (cast.apollo, cast.coffee, cast.board))
        marketing, service = s.get(Group, cast.marketing_group.id), s.get(Group, cast.service_group.id)
        do_join_group(s, alice, coffee)
        plan = [(alice, None), (lea, apollo), (bob, coffee), (admin, board), (alice, marketing),
                (bob, service), (alice, apollo), (bob, None), (lea, marketing), (alice, coffee)]
        for i in range(4):
            for author, group in plan:
                do_create_post(s, author, group, f"post {i} by {author.name}")


def _pages(s, user, limit: int) -> list[list[int]]:
    pages, before = [], None
    while True:
        page = feeds.home_feed(s, user, before, limit=limit)
        pages.append([v.post.id for v in page.items])
        if page.next_before is None:
            return pages
        before = page.next_before


@pytest.mark.parametrize("chunk", [1, 2, 200])
def test_home_feed_pages_match_the_access_clause(app, cast, monkeypatch, chunk):
    _write(app, cast)
    monkeypatch.setattr(feeds, "UNION_CHUNK", chunk)
    with app.app_context():
        s = db.session()
        for who in (cast.alice, cast.bob, cast.lea, cast.admin):
            user = s.get(User, who.id)
            expected = list(s.scalars(select(Post.id).where(access.feed_posts_clause(user))
                                      .order_by(Post.id.desc())))
            pages = _pages(s, user, limit=3)
            assert [i for page in pages for i in page] == expected, who.name
            assert all(len(page) == 3 for page in pages[:-1])


def test_outsiders_never_get_private_or_secret_posts(app, cast):
    _write(app, cast)
    with app.app_context():
        s = db.session()
        bob = s.get(User, cast.bob.id)
        seen = {v.post.group_id for v in feeds.home_feed(s, bob, limit=100).items}
        assert cast.apollo.id not in seen and cast.board.id not in seen
        assert {None, cast.coffee.id, cast.service_group.id} <= seen
