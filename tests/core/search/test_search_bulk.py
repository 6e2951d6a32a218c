"""The bulk evaluation of a query (``query/evaluate.py``) gives exactly what Whoosh's matcher
gives: the same permitted docnums and the same float scores, and it stays right when a
segment's decoded postings are reused after a deletion."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from intranet.actions.posts import do_create_post, do_delete_post
from intranet.models import Post, User
from intranet.platform import db
from intranet.search.index.indexer import store
from intranet.search.query.evaluate import leaf_matches, tree_supported
from intranet.search.query.search import _matched, allowed_codes
from intranet.search.query.translate import translate
from intranet.search.text.querylang import parse
from tests.domain_helpers import fresh
from tests.search_helpers import found

WORDS = ("budget", "roadmap", "sprint", "client", "launch", "review", "projet", "équipe")


@pytest.fixture
def posts(app: Flask, cast: Any, drain_index: Any) -> list[int]:
    """Posts mixing the words above, on the company feed and in a private group."""
    ids = []
    with app.app_context(), db.transaction() as s:
        for n in range(60):
            words = [WORDS[(n * k) % len(WORDS)] for k in (1, 3, 5, 7)][: 1 + n % 4]
            group = fresh(s, cast.apollo) if n % 3 == 0 else None
            author = fresh(s, cast.lea)
            ids.append(do_create_post(s, author, group, f"Note {n}: " + " ".join(words)).id)
    drain_index()
    return ids


QUERIES = ("budget", "projet", "équipe", "budget roadmap", "budget -sprint",
           "client OR launch", "budget roadmap review", "review -budget -client")


@pytest.mark.parametrize("reader", ["alice", "bob"])
def test_bulk_matches_are_whooshs_own(app: Flask, cast: Any, posts: list[int],
                                      reader: str) -> None:
    """For each query and reader (alice reads Apollo, bob does not): the same docnums, the
    same scores, with and without a window start (exclusions included: ``Excluding``'s
    matcher excludes what the bulk path excludes, see ``query/excluding.py``)."""
    with app.app_context():
        user = db.session.get(User, getattr(cast, reader).id)
        st = store()
        snap = st.snapshot()
        allowed = allowed_codes(st, user)
        scored = snap.searcher.context(needs_current=True)
        checked = 0
        for q in QUERIES:
            query = translate(parse(q), user).query
            assert tree_supported(snap, query, {})
            for sub, _offset, arr in snap.leaves:
                for since in (0, sorted(arr.ts)[len(arr.ts) // 2]):
                    bulk = leaf_matches(sub, arr, query, scored, allowed, True, since)
                    assert bulk == _matched(sub, arr, query, scored, allowed, True, since), q
                    checked += len(bulk[0])
        assert checked > 100


def test_decoded_postings_reused_after_a_delete(app: Flask, cast: Any, posts: list[int],
                                               drain_index: Any) -> None:
    """A segment's decoded postings are kept across searches: a post deleted afterwards
    (a deletion, same segment) is gone from the next search."""
    first = found(app, cast.alice, "budget")
    victim = next(pid for kind, pid in first if kind == "post")
    with app.app_context(), db.transaction() as s:
        do_delete_post(s, fresh(s, cast.lea), s.get(Post, victim))
    drain_index()
    assert found(app, cast.alice, "budget") == first - {("post", victim)}


def test_private_group_hits_stay_hidden(app: Flask, cast: Any, posts: list[int]) -> None:
    """Bob is not in Apollo: none of its posts, in a common word or an AND."""
    with app.app_context():
        hidden = {("post", pid) for pid in db.session.scalars(
            select(Post.id).where(Post.group_id == cast.apollo.id))}
    assert hidden
    for q in ("budget", "budget roadmap", "client OR launch", "review -budget"):
        assert not found(app, cast.bob, q) & hidden
    assert found(app, cast.alice, "budget") & hidden  # a member finds them

