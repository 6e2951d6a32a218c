"""Exclusions (``-word``, ``-"a phrase"``, ``-pref*``) in every combination, on both
evaluation paths: the bulk path (words, prefixes) and Whoosh's matchers (a phrase, a ``Not``
beside ``OR``), and from a window's start.

The corpus is written in an order that puts a document with the excluded term BEFORE the
first document the positive side matches, and documents that hold both terms first on the
positive side: the shapes a matcher that only compares its two sides' current documents lets
through. Each query's expected set is written out by hand: what it must return, exactly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from whoosh import query as wq
from whoosh.matching.mcore import ListMatcher

from intranet.actions.groups import do_create_group
from intranet.actions.posts import do_create_post
from intranet.models import User
from intranet.platform import db
from intranet.search.index.indexer import store
from intranet.search.query.evaluate import tree_supported
from intranet.search.query.excluding import ExcludingMatcher
from intranet.search.query.search import _matched, allowed_codes
from intranet.search.query.translate import translate
from intranet.search.text.querylang import QuerySyntaxError, parse
from tests.domain_helpers import fresh
from tests.search_helpers import keys, search_as

# name -> (author, body, group), written in this order (docnums follow it)
BODIES = {
    "pool": ("bob", "La piscine municipale ferme en hiver"),
    "garden_pool": ("bob", "Le jardin et la piscine du siège"),
    "watering_pool": ("bob", "Arrosage automatique du jardin près de la piscine"),
    "vegetable_pool": ("bob", "Potager partagé au bord de la piscine"),
    "garden_watering": ("lea", "Jardin : arrosage automatique installé"),
    "garden_vegetable": ("lea", "Jardin potager ouvert à tous"),
    "garden_mower": ("bob", "Jardin : la tondeuse est réparée"),
    "garden_words": ("lea", "Jardin : arrosage du potager, réglage automatique"),
    "garden_safety": ("lea", "Audit de sécurité du jardin"),
    "watering_safety": ("lea", "Sécurité de l'arrosage automatique"),
    "garden_plain": ("alice", "Un jardin calme"),
    "coffee_pool": ("bob", "Le jardin du café donne sur la piscine", "coffee"),
    "coffee_garden": ("bob", "Le jardin du café est arrosé", "coffee"),
}


@pytest.fixture
def corpus(app: Flask, cast: Any, drain_index: Any) -> dict[str, tuple[str, int]]:
    """The posts a day apart, oldest first (a window start then falls between documents)."""
    ids: dict[str, tuple[str, int]] = {}
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=len(BODIES) + 1)
    with app.app_context(), db.transaction() as s:
        for n, (name, (author, body, *group)) in enumerate(BODIES.items()):
            p = do_create_post(s, fresh(s, getattr(cast, author)),
                               fresh(s, getattr(cast, group[0])) if group else None, body)
            p.created_at = start + dt.timedelta(days=n)
            ids[name] = ("post", p.id)
        # "piscine" in the title (the group's name) only; "jardin" in its description only
        club = do_create_group(s, fresh(s, cast.bob), "Club piscine",
                               description="Entretien du jardin le samedi", kind="community")
        ids["pool_club"] = ("group", club.id)
    drain_index()
    return ids


def _named(ids: dict, *names: str) -> set:
    return {ids[n] for n in names}


def expected(ids: dict) -> dict[str, set]:
    """Each query and exactly what it finds for alice (the club is a public group)."""
    jardin = _named(ids, "garden_pool", "watering_pool", "garden_watering", "garden_vegetable",
                    "garden_mower", "garden_words", "garden_safety", "garden_plain", "pool_club",
                    "coffee_pool", "coffee_garden")
    piscine = _named(ids, "pool", "garden_pool", "watering_pool", "vegetable_pool", "pool_club",
                     "coffee_pool")
    auto = _named(ids, "watering_pool", "garden_watering", "garden_words", "watering_safety")
    return {
        "jardin -piscine": jardin - piscine,
        '"arrosage automatique" -piscine': _named(ids, "garden_watering", "watering_safety"),
        "auto* -piscine": auto - piscine,
        "potag* -piscine": _named(ids, "garden_vegetable", "garden_words"),
        'jardin -"arrosage automatique"': jardin - _named(ids, "watering_pool",
                                                          "garden_watering"),
        "jardin -auto*": jardin - auto,
        "jardin -potag*": jardin - _named(ids, "garden_vegetable", "garden_words"),
        "jardin -piscine -tondeuse": jardin - piscine - _named(ids, "garden_mower"),
        '"arrosage automatique" -piscine -securite': _named(ids, "garden_watering"),
        "jardin -securite": jardin - _named(ids, "garden_safety"),
        "auto* -SECURITE": auto - _named(ids, "watering_safety"),
        '"arrosage automatique" -sécurités': _named(ids, "watering_pool", "garden_watering"),
        "jardin from:bob -piscine": _named(ids, "garden_mower", "coffee_garden"),
        "jardin in:coffee -piscine": _named(ids, "coffee_garden"),
        '"jardin du café" in:coffee -piscine': _named(ids, "coffee_garden"),
        '"jardin du café" -"sur la piscine"': _named(ids, "coffee_garden"),
        "type:post -jardin": _named(ids, "pool", "vegetable_pool", "watering_safety"),
        '"arrosage automatique" from:lea -securite': _named(ids, "garden_watering"),
        "jardin in:club": _named(ids, "pool_club"),  # a group is "in" itself
        "jardin -piscine in:club": set(),  # "piscine" is in the club's title only
        "jardin -piscine type:group": set(),
        "jardin* -piscine type:group": set(),
        "jardin type:group": _named(ids, "pool_club"),
        "type:post (tondeuse OR -jardin)": _named(ids, "pool", "vegetable_pool",
                                                  "watering_safety", "garden_mower"),
        "jardin -(-piscine)": jardin & piscine,
    }


# a phrase (or a ``Not`` outside an AND) takes Whoosh's matchers, not the bulk evaluation; so
# does a prefix of over 1,024 terms (Whoosh then preloads its ``Or``), which ``_matched`` below
# stands for
MATCHER_PATH = {'"arrosage automatique" -piscine', 'jardin -"arrosage automatique"',
                '"arrosage automatique" -piscine -securite',
                '"arrosage automatique" from:lea -securite', "type:post (tondeuse OR -jardin)",
                "jardin -(-piscine)", '"arrosage automatique" -sécurités',
                '"jardin du café" in:coffee -piscine', '"jardin du café" -"sur la piscine"'}


def _reader(user: Any) -> User:
    return db.session.get(User, user.id)


def _bulk(q: str, user: User) -> bool:
    return tree_supported(store().snapshot(), translate(parse(q), user).query, {})


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_each_exclusion_finds_exactly_its_documents(app: Flask, cast: Any, corpus: dict,
                                                    sort: str) -> None:
    """Through ``search`` (what the page and the API call), on both paths: the items, the
    count and the kind facet agree, and nothing holding an excluded term comes back."""
    wrong = {}
    for q, want in expected(corpus).items():
        result = search_as(app, cast.alice, q, sort=sort, limit=100)
        got = keys(result)
        kinds = {kind: sum(1 for k, _i in want if k == kind) for kind, _i in want}
        if set(got) != want or len(got) != len(want) or result.total != len(want) \
                or dict(result.facets["kind"]) != kinds:
            wrong[q] = (sorted(set(got) - want), sorted(want - set(got)), result.total)
    assert not wrong, wrong
    with app.app_context():
        alice = _reader(cast.alice)
        assert {q for q in expected(corpus) if not _bulk(q, alice)} == MATCHER_PATH


def test_matcher_path_in_a_recent_window(app: Flask, cast: Any, corpus: dict) -> None:
    """Every exclusion through Whoosh's matcher (``_matched``, the path of a phrase or a long
    prefix), from each window start (``skip_to`` its first docnum) and from the first: the
    positive side's documents from there on, without the excluded side's."""
    with app.app_context():
        alice = _reader(cast.alice)
        st = store()
        snap = st.snapshot()
        allowed = allowed_codes(st, alice)
        ctx = snap.searcher.context(needs_current=True)
        checked = 0
        for q in expected(corpus):
            query = translate(parse(q), alice).query
            if not isinstance(query, wq.AndNot):
                continue
            want = {h.docnum for h in snap.searcher.search(query.a, limit=None)} \
                - {h.docnum for h in snap.searcher.search(query.b, limit=None)}
            for sub, offset, arr in snap.leaves:
                for since in sorted(set(arr.ts)):
                    for scored in (True, False):
                        ds, _scores = _matched(sub, arr, query, ctx, allowed, scored, since)
                        inside = {d for d in want if arr.ts[d - offset] >= since}
                        assert {offset + d for d in ds} == inside, (q, since, scored)
                        checked += len(ds)
        assert checked > 50


def test_only_exclusions_is_explained(app: Flask, cast: Any, corpus: dict) -> None:
    for q in ("-piscine", "-piscine -jardin", '-"arrosage automatique"', "-auto*"):
        with pytest.raises(QuerySyntaxError):
            search_as(app, cast.alice, q)


def test_api_pages_of_an_exclusion(app: Flask, cast: Any, corpus: dict, make_web: Any) -> None:
    """``/api/v1/search`` on the matcher path, one item a page: the pages hold exactly the
    matches, the total and the type facet count them, the page shows the same."""
    web = make_web().login(cast.alice)
    q = '"arrosage automatique" -piscine'
    want = {i for _k, i in expected(corpus)[q]}
    seen, cursor = [], ""
    while True:
        body = web.get(f"/api/v1/search?q={quote(q)}&limit=1{cursor}").get_json()
        seen += [i["id"] for i in body["items"]]
        assert body["total"] == len(want)
        assert body["facets"]["type"] == [{"value": "post", "label": "Posts",
                                           "count": len(want)}]
        if body["next_cursor"] is None:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert sorted(seen) == sorted(want)
    page = web.get(f"/search?q={quote(q)}").get_data(as_text=True)
    assert {pid for pid in want if f'data-result="post:{pid}"' in page} == want
    assert f"{len(want)} results" in page
    assert f'data-result="post:{corpus["watering_pool"][1]}"' not in page
    assert web.get("/api/v1/search?q=-piscine").status_code == 400
    assert web.get("/search?q=-piscine").status_code == 400


@pytest.mark.parametrize(("pos", "neg", "start", "want"), [
    ([3, 5, 7], [1, 3, 5], 0, [7]),        # the first match is excluded, "b" starts earlier
    ([3, 5, 7, 9], [0, 3, 4, 5], 0, [7, 9]),
    ([3, 5, 7], [1, 3, 5], 2, [7]),        # a skip_to before the first match
    ([3, 5, 7, 9], [1, 5, 9], 4, [7]),     # a window's skip_to lands on an excluded one
    ([2, 4], [2, 4], 0, []),
    ([2, 4], [], 0, [2, 4]),
    ([2, 4, 6], [6], 0, [2, 4]),
])
def test_excluding_matcher_steps_past_every_excluded_document(
        pos: list[int], neg: list[int], start: int, want: list[int]) -> None:
    """Whoosh's ``AndNotMatcher`` yields 3 first in the first and third cases."""
    m = ExcludingMatcher(ListMatcher(pos), ListMatcher(neg))
    if start:
        m.skip_to(start)
    assert list(_ids(m)) == want
    again = ExcludingMatcher(ListMatcher(pos), ListMatcher(neg))
    assert list(again.all_ids()) == [d for d in pos if d not in neg]


def _ids(m):
    while m.is_active():
        yield m.id()
        m.next()
