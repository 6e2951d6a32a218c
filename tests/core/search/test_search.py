"""Search on a real index in the test's temp folder: operators, ACL, edits, deletes, replay."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from intranet.actions.comments import do_add_comment, do_delete_comment, do_edit_comment
from intranet.actions.groups import do_remove_member, do_update_group
from intranet.actions.posts import do_create_post, do_delete_post, do_edit_post
from intranet.actions.users import do_deactivate_user, do_update_profile
from intranet.models import Comment, Post, SearchOutbox
from intranet.platform import db
from intranet.search.index import indexer
from intranet.search.index.cursor import read_cursor
from intranet.search.index.rebuild import rebuild
from intranet.search.query import search as query
from intranet.search.query.search import Filters
from intranet.search.text.querylang import QuerySyntaxError
from tests.domain_helpers import fresh
from tests.search_helpers import found, keys, search_as


def post(app: Flask, author: Any, body: str, group: Any = None) -> int:
    with app.app_context(), db.transaction() as s:
        return do_create_post(s, fresh(s, author), fresh(s, group) if group else None, body).id


def comment(app: Flask, author: Any, post_id: int, body: str) -> int:
    with app.app_context(), db.transaction() as s:
        return do_add_comment(s, fresh(s, author), s.get(Post, post_id), body).id


@pytest.fixture
def corpus(app: Flask, cast: Any, drain_index: Any) -> dict[str, int]:
    ids = {
        "company": post(app, cast.bob, "Les réunions de sécurité commencent lundi #securite"),
        "meetings": post(app, cast.lea, "Weekly meetings about the launch plan, budget review"),
        "apollo": post(app, cast.lea, "Projet Apollo : budget confidentiel du lancement", cast.apollo),
        "board": post(app, cast.admin, "Board budget: fusion secrète avec Globex", cast.board),
        "coffee": post(app, cast.bob, "Nouvelle machine à café, budget validé", cast.coffee),
    }
    ids["apollo_comment"] = comment(app, cast.alice, ids["apollo"], "Le budget Apollo me va")
    drain_index()
    return ids


def test_french_english_and_accents(app: Flask, cast: Any, corpus: dict[str, int]) -> None:
    company = ("post", corpus["company"])
    for q in ("securite", "sécurité", "sécurités", "réunion", "REUNIONS"):
        assert company in found(app, cast.bob, q), q
    assert ("post", corpus["meetings"]) in found(app, cast.bob, "meeting")


def test_operators(app: Flask, cast: Any, corpus: dict[str, int]) -> None:
    c = corpus
    assert found(app, cast.lea, '"réunions de sécurité"') == {("post", c["company"])}
    assert found(app, cast.lea, '"sécurité réunions"') == set()
    assert ("post", c["coffee"]) not in found(app, cast.lea, "budget -café")
    assert {("post", c["company"]), ("post", c["meetings"])} <= found(app, cast.lea, "lundi OR weekly")
    assert ("post", c["meetings"]) in found(app, cast.lea, "laun*")
    assert found(app, cast.lea, "budget from:bob") == {("post", c["coffee"])}
    assert found(app, cast.lea, 'budget from:"Léa Bernard"') >= {("post", c["meetings"])}
    in_apollo = {("post", c["apollo"]), ("comment", c["apollo_comment"])}
    assert found(app, cast.lea, "budget in:apollo") == in_apollo
    assert found(app, cast.lea, "budget type:comment") == {("comment", c["apollo_comment"])}
    assert found(app, cast.lea, "#securite") == {("post", c["company"])}
    today = dt.date.today()
    assert ("post", c["coffee"]) in found(app, cast.lea, f"budget after:{today.isoformat()}")
    assert found(app, cast.lea, f"budget before:{today.isoformat()}") == set()
    assert found(app, cast.lea, "(café OR lundi) -machine") == {("post", c["company"])}


def test_skill_and_people(app: Flask, cast: Any, drain_index: Any) -> None:
    with app.app_context(), db.transaction() as s:
        do_update_profile(s, fresh(s, cast.bob), name="Bob Durand", job_title="Support agent",
                          bio="", skills="Python, SQL", locale=None)
    drain_index()
    assert found(app, cast.alice, "skill:python") == {("person", cast.bob.id)}
    assert ("person", cast.bob.id) in found(app, cast.alice, "python")
    assert ("person", cast.alice.id) in found(app, cast.bob, "brand manager")


def test_private_secret_content_never_leaks(app: Flask, cast: Any, corpus: dict[str, int]) -> None:
    c = corpus
    bob = search_as(app, cast.bob, "budget")
    assert set(keys(bob)) == {("post", c["meetings"]), ("post", c["coffee"])}
    assert set(bob.facets["group"]) == {str(cast.coffee.id)}  # no counts from apollo or board
    assert sum(bob.facets["kind"].values()) == 2
    assert ("post", c["board"]) in found(app, cast.admin, "globex")
    assert found(app, cast.alice, "globex") == set()
    # a secret group does not exist for outsiders, even as a group result or an in: filter
    assert ("group", cast.board.id) not in found(app, cast.bob, "board")
    assert search_as(app, cast.bob, "budget in:board").notes
    assert ("group", cast.apollo.id) in found(app, cast.bob, "apollo")  # private: listed


def test_leaving_a_group_hides_its_content_at_once(app: Flask, cast: Any,
                                                   corpus: dict[str, int]) -> None:
    assert ("post", corpus["apollo"]) in found(app, cast.alice, "confidentiel")
    with app.app_context(), db.transaction() as s:
        do_remove_member(s, fresh(s, cast.alice), fresh(s, cast.apollo), fresh(s, cast.alice))
    # no indexing has run: the ACL is applied from her current memberships
    assert found(app, cast.alice, "confidentiel") == set()
    assert found(app, cast.alice, "budget type:comment") == set()


def test_public_group_turning_private(app: Flask, cast: Any, corpus: dict[str, int]) -> None:
    assert ("post", corpus["coffee"]) in found(app, cast.alice, "machine")
    with app.app_context(), db.transaction() as s:
        do_update_group(s, fresh(s, cast.bob), fresh(s, cast.coffee), name="Coffee lovers",
                        description="", visibility="private")
    assert found(app, cast.alice, "machine") == set()


def test_edit_and_delete_update_results(app: Flask, cast: Any, corpus: dict[str, int],
                                        drain_index: Any) -> None:
    pid = corpus["meetings"]
    with app.app_context(), db.transaction() as s:
        do_edit_post(s, fresh(s, cast.lea), s.get(Post, pid), "Quarterly roadmap workshop")
    drain_index()
    assert ("post", pid) not in found(app, cast.lea, "weekly")
    assert ("post", pid) in found(app, cast.lea, "roadmap")
    cid = comment(app, cast.bob, pid, "Workshop snacks please")
    drain_index()
    assert ("comment", cid) in found(app, cast.lea, "snacks")
    with app.app_context(), db.transaction() as s:
        do_edit_comment(s, fresh(s, cast.bob), s.get(Comment, cid), "Workshop coffee please")
    drain_index()
    assert ("comment", cid) not in found(app, cast.lea, "snacks")
    with app.app_context(), db.transaction() as s:
        do_delete_comment(s, fresh(s, cast.bob), s.get(Comment, cid))
    drain_index()
    assert found(app, cast.lea, "coffee please") == set()
    with app.app_context(), db.transaction() as s:
        do_delete_post(s, fresh(s, cast.lea), s.get(Post, pid))
    drain_index()
    assert found(app, cast.lea, "roadmap") == set()


def test_deactivated_people_disappear(app: Flask, cast: Any, drain_index: Any) -> None:
    drain_index()
    assert ("person", cast.bob.id) in found(app, cast.alice, "durand")
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, fresh(s, cast.bob), acting_user=fresh(s, cast.admin))
    drain_index()
    assert ("person", cast.bob.id) not in found(app, cast.alice, "durand")


def test_crash_after_index_commit_replays_without_duplicates(app: Flask, cast: Any,
                                                             drain_index: Any) -> None:
    drain_index()
    pid = post(app, cast.bob, "Replay me: a post indexed before the crash")
    with app.app_context():
        folder = indexer.store().current_dir()
        cursor = read_cursor(folder)
        s = db.session()
        batch = indexer.take_batch(s, cursor)
        docs, deletes = indexer.build_docs(s, batch.ops)
        s.rollback()
        indexer.write(indexer.store(), docs, deletes)  # the process dies before moving its cursor
        assert read_cursor(folder) == cursor
    assert drain_index() == len(batch.row_ids)  # after a restart: the same rows again
    result = search_as(app, cast.bob, "replay")
    assert keys(result) == [("post", pid)]
    with app.app_context():
        assert indexer.store().snapshot().searcher.doc_count() == len(
            [1 for _ in indexer.store().snapshot().searcher.all_stored_fields()])
        assert read_cursor(folder) == batch.last_id


def test_crash_before_indexing_leaves_work_in_the_outbox(app: Flask, cast: Any,
                                                         drain_index: Any) -> None:
    drain_index()
    pid = post(app, cast.bob, "Committed, never indexed: the indexer was down")
    assert found(app, cast.bob, "indexer") == set()
    assert drain_index() > 0
    assert found(app, cast.bob, "indexer") == {("post", pid)}
    assert drain_index() == 0


def test_indexed_rows_stay_in_the_outbox_for_other_hosts(app: Flask, cast: Any,
                                                         drain_index: Any) -> None:
    """The outbox is a log, not a queue: indexing moves this host's cursor and deletes nothing."""
    drain_index()
    post(app, cast.bob, "Kept for the other hosts")
    with app.app_context():
        before = db.session.scalar(select(func.count(SearchOutbox.id)))
    assert drain_index() == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(SearchOutbox.id))) == before
        assert read_cursor(indexer.store().current_dir()) == db.session.scalar(
            select(func.max(SearchOutbox.id)))


def test_rebuild_swaps_in_a_complete_index(app: Flask, cast: Any, corpus: dict[str, int]) -> None:

    with app.app_context():
        before = indexer.store().current_dir()
        documents = indexer.store().doc_count()
        written = rebuild()
        after = indexer.store().current_dir()
    assert after != before and not before.exists()
    assert written == documents == len(corpus) + 4 + 5  # posts, comment, people, groups
    assert ("post", corpus["company"]) in found(app, cast.bob, "sécurité")


def test_facet_filters_and_sort(app: Flask, cast: Any, corpus: dict[str, int]) -> None:
    lea = search_as(app, cast.lea, "budget", filters=Filters(kind="comment"))
    assert keys(lea) == [("comment", corpus["apollo_comment"])]
    assert lea.facets["kind"]["post"] >= 3  # the kind facet ignores its own filter
    grouped = search_as(app, cast.lea, "budget", filters=Filters(group=cast.apollo.id))
    assert set(keys(grouped)) == {("post", corpus["apollo"]), ("comment", corpus["apollo_comment"])}
    newest = search_as(app, cast.lea, "budget", sort="newest")
    assert keys(newest)[0] == ("comment", corpus["apollo_comment"])
    page = search_as(app, cast.lea, "budget", limit=2)
    assert len(page.items) == 2 and page.next_cursor == "2"
    rest = search_as(app, cast.lea, "budget", limit=2, cursor=page.next_cursor)
    assert not set(keys(page)) & set(keys(rest))


def test_snippets_mark_matches_and_escape(app: Flask, cast: Any, drain_index: Any) -> None:
    pid = post(app, cast.bob, "Attention <script>alert(1)</script> aux réunions de sécurité")
    drain_index()
    item = search_as(app, cast.bob, "securite").items[0]
    assert item.id == pid
    assert "<mark>sécurité</mark>" in item.snippet_html
    assert "<script>" not in item.snippet_html


@pytest.mark.parametrize(("q", "words"), [
    ('"open', "quotation mark"), ("-budget", "at least one word"),
    ("type:spaceship", "Unknown type"), ("after:2024-13-01", "date like"),
    ("les the", "Only very common words"),
])
def test_bad_queries_are_explained(app: Flask, cast: Any, q: str, words: str) -> None:
    with pytest.raises(QuerySyntaxError) as err:
        search_as(app, cast.bob, q)
    assert words in err.value.message


def test_cli_status_and_rebuild(app: Flask, cast: Any, corpus: dict[str, int]) -> None:
    runner = app.test_cli_runner()
    post(app, cast.bob, "Pending when status runs")
    status = runner.invoke(args=["search", "status"])
    assert status.exit_code == 0, status.output
    assert "pending outbox rows: 1" in status.output and "documents: 15" in status.output
    rebuilt = runner.invoke(args=["search", "rebuild"])
    assert rebuilt.exit_code == 0 and "Index rebuilt: 16 documents." in rebuilt.output


def test_many_matches_rank_only_the_newest(app: Flask, cast: Any, drain_index: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Past 2 x MAX_HITS estimated matches, only a recent window is read: the newest N."""

    monkeypatch.setattr(query, "MAX_HITS", 3)
    now = dt.datetime.now(dt.UTC)
    ids = []
    with app.app_context(), db.transaction() as s:
        for age in (400, 300, 200, 100, 30, 20, 10, 2):  # oldest first, as a rebuild writes them
            p = do_create_post(s, fresh(s, cast.bob), None, f"Frequent word, {age} days old")
            p.created_at = now - dt.timedelta(days=age)
            ids.append(p.id)
    drain_index()
    result = search_as(app, cast.alice, "frequent", sort="newest")
    assert result.truncated and result.total >= 3
    assert keys(result)[:3] == [("post", i) for i in reversed(ids[-3:])]
    assert ("post", ids[0]) not in set(keys(result))  # 400 days old: outside the window
    assert sum(result.facets["kind"].values()) == result.total  # facets over the window only
