"""search(user, q, filters, sort, cursor): ids from the index, items from the database.

How it stays fast and right (DESIGN §5):
- the ACL is checked per hit against the reader's principals with the generation's arrays
  (one array read and a set test), never an ``Or`` of terms;
- common queries are bounded: when the estimated hit count is large, only a recent window of
  days is searched, widened until it holds ``MAX_HITS`` permitted matches (the newest N), so a
  very common word reads a few thousand postings, not half the index;
- facet counts come from the same permitted hits (a dimension's counts ignore that
  dimension's own filter, so one can switch between groups), never from unpermitted ones;
- hits are hydrated from the database through access.py (double check: anything access
  refuses is dropped), and snippets are cut from the database text.
"""

from __future__ import annotations

import heapq
import math
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from flask_babel import gettext as _
from whoosh import query as wq

from intranet.platform.errors import Invalid
from intranet.platform.inputs import parse_int
from intranet.search.index.indexer import store
from intranet.search.index.store import Snapshot
from intranet.search.query.evaluate import leaf_matches, tree_supported
from intranet.search.query.facets import FacetCounts
from intranet.search.query.highlight import snippet
from intranet.search.query.translate import translate
from intranet.search.registry import KINDS, Item, principals_of
from intranet.search.text.querylang import QuerySyntaxError, parse, positive_terms

MAX_HITS = 1000
PAGE = 20
FACETS = ("kind", "group", "department", "author")
PERIODS = {"week": 7, "month": 31, "year": 366}
SORTS = ("relevance", "newest")
# At most this many estimated matches are scored in the collecting pass itself (a score call per
# hit is cheap for a few hundred); above it, Whoosh's top-N search with block-max skipping ranks
# the permitted hits in a second pass, which costs about one more raw search.
SCORE_INLINE = 300


@dataclass
class Filters:
    """Facet filters chosen on the results page or the API (ids, a kind, a period)."""

    kind: str | None = None
    group: int | None = None
    department: int | None = None
    author: int | None = None
    period: str | None = None  # week | month | year


@dataclass
class Result:
    items: list[Item]
    total: int  # permitted matches read (only a recent window's when ``truncated``)
    truncated: bool
    facets: FacetCounts  # by value (only the values read are decoded)
    next_cursor: str | None
    notes: list[str] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)


@dataclass
class _Hits:
    rows: list[tuple[float, int, int]] = field(default_factory=list)  # (score, ts, docnum)
    facets: dict[str, Counter] = field(default_factory=lambda: {f: Counter() for f in
                                                                 (*FACETS, "period")})
    authors: Counter = field(default_factory=Counter)


def allowed_codes(snap_store, user) -> frozenset[int]:
    """The ACL codes the reader holds (remembered while their principals are the same set)."""
    return snap_store.codes.known_set("acl", principals_of(user), user.id)


def _wanted(snap_store, filters: Filters) -> dict[str, int]:
    """Facet filters as codes; a value absent from the index can match nothing (-1)."""
    raw = {"kind": filters.kind, "group": filters.group, "department": filters.department,
           "author": filters.author}
    out = {}
    for name, value in raw.items():
        if value is not None:
            code = snap_store.codes.known(name, str(value))
            out[name] = -1 if code is None else code
    return out


def _period(ts: int, now: float) -> str:
    age = (now - ts) / 86400
    return next((name for name, days in PERIODS.items() if age <= days), "older")


def collect(snap: Snapshot, q: wq.Query, allowed: frozenset[int], wanted: dict[str, int],
            period: str | None, scored: bool, since_ts: int = 0,
            cache: dict | None = None) -> _Hits:
    """Every permitted hit of ``q`` (created since ``since_ts``), with facet counts.

    ``since_ts`` is applied by skipping: a segment whose documents are in creation order (a
    rebuild writes them by id, the indexer by outbox order) starts its matcher at the first
    docnum of the window, so older postings are skipped by blocks, never read one by one.
    A query made of terms, ``Or``, ``And`` and ``AndNot`` is evaluated from decoded blocks
    (``evaluate.py``) instead of a matcher: the same hits, the same scores, in the same docnum
    order; any other keeps the matcher.
    """
    hits = _Hits()
    now = time.time()
    min_ts = int(now - PERIODS[period] * 86400) if period else 0
    tree = snap.searcher.context(needs_current=True)
    ctx = tree if scored else snap.searcher.boolean_context()
    for i, (sub, offset, arr) in enumerate(snap.leaves):
        found = leaf_matches(sub, arr, q, tree, allowed, scored, since_ts,
                             None if cache is None else cache.setdefault(i, {}))
        ds, scores = found if found is not None else _matched(sub, arr, q, ctx, allowed,
                                                                scored, since_ts)
        if wanted or period:
            _tally_filtered(hits, arr, offset, zip(ds, scores, strict=True), wanted, min_ts, now)
        else:
            _tally(hits, arr, offset, ds, scores, now)
    return hits


def _matched(sub, arr, q: wq.Query, ctx, allowed: frozenset[int], scored: bool,
             since_ts: int) -> tuple[list[int], list[float]]:
    """A leaf's permitted hits (docnums, scores) through Whoosh's matcher."""
    m = q.matcher(sub, ctx)
    skip = since_ts and arr.ts_sorted
    if skip and m.is_active():
        m.skip_to(bisect_left(arr.ts, since_ts))
    acl = arr.fields["acl"]
    if scored:
        pairs = [(d, sc) for d, sc in _scored_ids(m) if acl[d] in allowed]
    else:
        ids = _stepped_ids(m) if skip else m.all_ids()
        pairs = [(d, 0.0) for d in ids if acl[d] in allowed]
    if since_ts and not skip:
        pairs = [(d, sc) for d, sc in pairs if arr.ts[d] >= since_ts]
    return [d for d, _sc in pairs], [sc for _d, sc in pairs]


def _tally(hits: _Hits, arr, offset: int, ds: list[int], scores: list[float],
           now: float) -> None:
    """No filters: every permitted hit is a result; counts in bulk (C-level Counter.update)."""
    for name in FACETS:
        hits.facets[name].update(map(arr.fields[name].__getitem__, ds))
    when = list(map(arr.ts.__getitem__, ds))
    _count_periods(hits.facets["period"], when, now)
    hits.rows.extend(zip(scores, when, map(offset.__add__, ds), strict=True))


def _count_periods(counter: Counter, when: list[int], now: float) -> None:
    """``counter[_period(ts, now)] += 1`` for each creation time, by bisecting them sorted:
    the periods are nested windows, and ``_period`` is monotonic in ``ts``."""
    if not when:
        return
    when = sorted(when)
    inside = {name: len(when) - bisect_left(when, _first_inside(days, now))
              for name, days in PERIODS.items()}
    before = 0
    for name, n in (*inside.items(), ("older", len(when))):
        if n - before:
            counter[name] += n - before
        before = n


def _first_inside(days: int, now: float) -> int:
    """The smallest whole second ``ts`` with ``(now - ts) / 86400 <= days``, as ``_period``
    computes it (float rounding included)."""
    ts = math.ceil(now - days * 86400) - 2
    while (now - ts) / 86400 > days:
        ts += 1
    return ts


def _tally_filtered(hits: _Hits, arr, offset: int, pairs: Iterable[tuple[int, float]],
                    wanted: dict[str, int], min_ts: int, now: float) -> None:
    """With filters: a hit counts in a facet when it passes every OTHER filter."""
    cols = [(name, arr.fields[name], wanted.get(name)) for name in FACETS]
    ts = arr.ts
    for d, score in pairs:
        values = [(name, col[d], want) for name, col, want in cols]
        failed = [name for name, value, want in values if want is not None and value != want]
        when = ts[d]
        if when < min_ts:
            failed.append("period")
        if len(failed) > 1:
            continue
        for name, value, _want in values:
            if not failed or failed[0] == name:
                hits.facets[name][value] += 1
        if not failed or failed[0] == "period":
            hits.facets["period"][_period(when, now)] += 1
        if not failed:
            hits.rows.append((score, when, offset + d))


def _scored_ids(m):
    while m.is_active():
        yield m.id(), m.score()
        m.next()


def _stepped_ids(m):
    while m.is_active():
        yield m.id()
        m.next()


def windowed(snap: Snapshot, run: Runner) -> bool:
    """Whether ``bounded`` searches recent windows (many estimated matches) for this query."""
    return run.estimate > 2 * MAX_HITS and bool(snap.min_ts)


def bounded(snap: Snapshot, run) -> tuple[_Hits, bool]:
    """``run(since_ts)`` on everything, or on recent windows when the matches are many: the
    window starts sized for ~2x MAX_HITS estimated matches and grows x4 until it holds
    MAX_HITS permitted ones (the newest N) or covers the whole index."""
    if not windowed(snap, run):
        return run(0), False
    now = time.time()
    span = max(86400.0, now - snap.min_ts)
    window = max(3 * 86400.0, span * 2 * MAX_HITS / run.estimate)
    while True:
        hits = run(int(now - window))
        if len(hits.rows) >= MAX_HITS or window >= span:
            return hits, window < span
        window *= 4


class Runner:
    """A collection to run per window, with the query's estimated match count."""

    def __init__(self, snap: Snapshot, q: wq.Query, fn, estimate: int | None = None,
                 exact: bool = False) -> None:
        self.estimate = q.estimate_size(snap.searcher.reader()) if estimate is None else estimate
        self.fn = fn
        self.exact = exact  # every run scores its hits as Whoosh does (ranked here, not by Whoosh)

    def __call__(self, since_ts: int) -> _Hits:
        return self.fn(since_ts)


def parse_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    value = parse_int(cursor, high=MAX_HITS - 1)
    if value is None:
        raise Invalid(_("This page of results is not available; start the search again."),
                      field="cursor")
    return value


def search(user, q: str, filters: Filters | None = None, sort: str = "relevance",
           cursor: str | None = None, limit: int = PAGE) -> Result:
    """The reader's results for ``q``: one page of items, facets and the next cursor."""
    filters = filters or Filters()
    node = parse(q)
    if not positive_terms(node):
        raise QuerySyntaxError(_("Add at least one word to look for: a search cannot be only "
                                 "exclusions or dates."), 0)
    if sort not in SORTS:
        raise Invalid(_("Sort by relevance or newest."), field="sort")
    if filters.period is not None and filters.period not in PERIODS:
        raise Invalid(_("Unknown period."), field="date")
    offset = parse_cursor(cursor)
    tr = translate(node, user)
    st = store()
    snap = st.snapshot()
    allowed, wanted = allowed_codes(st, user), _wanted(st, filters)
    estimate = tr.query.estimate_size(snap.searcher.reader())
    cache: dict = {}  # per leaf: the matcher trees, built once for every window

    def run(since: int, scored: bool = False) -> _Hits:
        return collect(snap, tr.query, allowed, wanted, filters.period, scored, since, cache)

    relevance = sort == "relevance"
    # scoring in the pass costs next to nothing when postings are decoded in bulk
    exact = relevance and tree_supported(snap, tr.query, cache)
    runner = Runner(snap, tr.query, lambda since: run(since, relevance and (exact or bool(since))),
                    estimate, exact)
    hits, truncated, rows, docnums = _page(snap, tr.query, runner, lambda: run(0, True),
                                           relevance, offset, limit)
    total = len(hits.rows)  # what the facets count
    items = hydrate(user, snap, docnums, tr.terms, tr.prefixes)
    nxt = offset + limit if offset + limit < len(rows) else None
    return Result(items, total, truncated, FacetCounts(st.codes, hits.facets),
                  str(nxt) if nxt is not None else None, tr.notes, tr.terms, tr.prefixes)


def _page(snap: Snapshot, q: wq.Query, runner: Runner, scored_all: Callable[[], _Hits],
          relevance: bool, offset: int, limit: int) -> tuple[_Hits, bool, list, list[int]]:
    """The permitted hits, whether only a recent window was read, the (at most MAX_HITS)
    rankable rows, and this page's docnums in result order.

    The rankable rows are the newest N, or, when recent windows were searched for relevance,
    the N best by score then newest. Relevance over the whole index ranks them in Whoosh's
    own order (score, then docnum): here when their scores are Whoosh's (few estimated
    matches scored in one pass, or ``runner.exact``), else by ``top_ranked``'s second search.
    """
    inline = relevance and runner.estimate <= SCORE_INLINE and not runner.exact
    hits, truncated = (scored_all(), False) if inline else bounded(snap, runner)
    if windowed(snap, runner):
        rows = sorted(hits.rows, reverse=True)[:MAX_HITS]  # score, newest (docnums are unique)
    elif relevance and (inline or runner.exact):  # only the page is ranked: the newest N's
        rows = hits.rows                          # order does not matter, only which they are
        if len(rows) > MAX_HITS:
            rows = sorted(rows, key=itemgetter(1, 2), reverse=True)[:MAX_HITS]
    else:
        rows = sorted(hits.rows, key=itemgetter(1, 2), reverse=True)[:MAX_HITS]  # the newest N
    if relevance and not truncated:
        if inline or runner.exact:  # score, then docnum: nlargest is stable (as sorted is)
            ranked = heapq.nlargest(offset + limit, sorted(rows, key=itemgetter(2)),
                                    key=itemgetter(0))
            return hits, False, rows, [d for _s, _t, d in ranked[offset:]]
        return hits, truncated, rows, top_ranked(snap, q, {d for _s, _t, d in rows},
                                                 offset + limit)[offset:]
    return hits, truncated, rows, [d for _s, _t, d in rows[offset:offset + limit]]


def top_ranked(snap: Snapshot, q: wq.Query, permitted: set[int], n: int) -> list[int]:
    """The ``n`` best of the permitted hits, by Whoosh's own top-N search (its block-max
    skipping scores far fewer postings than scoring every hit in Python would)."""
    if not permitted:
        return []
    return [hit.docnum for hit in snap.searcher.search(q, limit=n, filter=permitted)]


def keys_of(snap: Snapshot, docnums: list[int]) -> list[tuple[str, int]]:
    keys = []
    for d in docnums:
        kind, _, oid = snap.searcher.stored_fields(d)["key"].partition(":")
        keys.append((kind, int(oid)))
    return keys


def hydrate(user, snap: Snapshot, docnums: list[int], terms: set[str],
            prefixes: set[str]) -> list[Item]:
    """Items from the database, through each kind's access-checked hydrator, in hit order."""
    keys = keys_of(snap, docnums)
    by_kind: dict[str, list[int]] = {}
    for kind, oid in keys:
        by_kind.setdefault(kind, []).append(oid)
    found: dict[tuple[str, int], Item] = {}
    for kind, ids in by_kind.items():
        if kind in KINDS:
            for oid, item in KINDS[kind].hydrate(user, ids).items():
                found[(kind, oid)] = item
    items = [found[k] for k in keys if k in found]
    for item in items:
        item.snippet_html = snippet(item.text, terms, prefixes)
    return items
