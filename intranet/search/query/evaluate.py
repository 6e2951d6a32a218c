"""A leaf's matcher tree evaluated in bulk: docnums and Whoosh's own scores, block by block.

Common words and multi-word searches went through Whoosh's matchers one posting at a time:
``id()``, ``score()`` (a field-length read and the BM25 formula), ``next()``, and for an ``And``
a skip per posting, several Python calls each, so a word in a third of the posts, or two words
together, cost hundreds of milliseconds. ``postings.py`` already read a one-term word in bulk;
this module does the same for the tree Whoosh builds for any query made of terms, ``Or``,
``And`` and ``AndNot`` (words, several words, both stems of a word, exclusions): each leaf's
blocks are decoded once (from the window's first docnum), scored with the leaf scorer's own
numbers (idf, average length, B, K1) and the same field-length byte, then combined node by node
as the matcher tree would: a union adds ``a + b`` where both match, an intersection adds
``a + b``, an exclusion keeps ``a``'s score. Same tree, same operands, same order of additions:
the same floats, hence the same ranking as ``searcher.search``.

A node this module does not reproduce (phrases, prefixes expanded by Whoosh, boosts, coord
scaling) raises ``Unsupported`` and the caller keeps the matcher path for that query.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from itertools import accumulate, compress
from operator import add

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.binary import AndNotMatcher, IntersectionMatcher, UnionMatcher
from whoosh.matching.mcore import ListMatcher, NullMatcherClass
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25FScorer, WeightScorer

from intranet.search.index.store import SegmentArrays
from intranet.search.query.postings import LENGTH_OF_BYTE, _weights
from intranet.search.query.postings import _lengths as _segment_lengths

Hits = tuple[list[int], list[float]]  # docnums ascending, their scores (0.0 when not scored)


class Unsupported(Exception):
    """The tree holds a node whose scores (or matches) are not reproduced here."""


def leaf_matches(sub, arr: SegmentArrays, q, ctx, allowed: frozenset[int], scored: bool,
                 since_ts: int, cache: dict | None = None) -> Hits | None:
    """A leaf's permitted matches of ``q`` created since ``since_ts`` (docnums, scores), as
    ``search._matched`` reads them through the matcher; None when the tree is ``Unsupported``.

    ``ctx`` is a scoring context even when ``scored`` is false: its tree (a binary tree of
    unions) is the one reproduced here, and building it reads no postings. ``cache`` (one
    dict per leaf and search) keeps the trees for the next, wider, window."""
    skip = since_ts and arr.ts_sorted
    tree = Tree(sub.reader(), arr, bisect_left(arr.ts, since_ts) if skip else 0, allowed,
                0 if skip else since_ts, {} if cache is None else cache)
    try:
        parts = tree.cache.get("trees") or trees(sub, q, ctx)
        tree.cache["trees"] = parts
        ids, scores = tree.evaluate(parts[0], scored)
        if len(parts) > 1:  # AndNot: its own matcher builds the excluded side as arrays
            ids, scores = _without((ids, scores), tree.evaluate(parts[1], False, False)[0])
    except Unsupported:
        return None
    return ids, scores if scored else [0.0] * len(ids)


def trees(sub, q, ctx) -> list:
    """The leaf's matcher tree for ``q`` (for an ``AndNot``: its two sides' trees)."""
    return [q.a.matcher(sub, ctx), q.b.matcher(sub, ctx)] if isinstance(q, wq.AndNot) \
        else [q.matcher(sub, ctx)]


def tree_supported(snap, q, cache: dict) -> bool:
    """Whether every leaf's matcher tree for ``q`` is evaluated here (so its scores are);
    the trees are kept in ``cache`` (per leaf) for ``leaf_matches``."""
    ctx = snap.searcher.context(needs_current=True)
    for i, (sub, _offset, _arr) in enumerate(snap.leaves):
        parts = cache.setdefault(i, {})["trees"] = trees(sub, q, ctx)
        if not all(map(supported, parts)):
            return False
    return True


def supported(m) -> bool:
    """Whether ``evaluate`` reproduces every node of matcher tree ``m`` (nothing is read)."""
    kind = type(m)
    if kind is NullMatcherClass:
        return True
    if kind in (UnionMatcher, IntersectionMatcher):
        return supported(m.a) and supported(m.b)
    if issubclass(kind, AndNotMatcher):  # ``Excluding``'s matcher too
        return supported(m.a) and supported(m.b)
    if kind is FilterMatcher:
        if not m._exclude or m.boost != 1.0:
            return False
        m = m.child
    if type(m) is W3LeafMatcher and not m._byteids:
        scorer, term = m.scorer, m._term
    elif type(m) is ListMatcher:
        scorer, term = m._scorer, m._term
    else:
        return False
    return type(scorer) is WeightScorer or (type(scorer) is BM25FScorer and term is not None)


class Tree:
    """One leaf's evaluation: postings from docnum ``first``, and only the permitted ones.

    The ACL (and, in a segment not in creation order, the window's start) is applied to each
    leaf's postings before they are scored or combined: a union, an intersection and an
    exclusion of filtered lists are the filtered results, and a hidden document costs one
    array read instead of a score."""

    def __init__(self, reader, arr: SegmentArrays, first: int, allowed: frozenset[int],
                 since_ts: int, cache: dict) -> None:
        self.reader, self.arr, self.first = reader, arr, first
        self.allowed, self.since_ts, self.cache = allowed, since_ts, cache
        self.filtered: dict = {}

    def evaluate(self, m, scored: bool, permitted: bool = True,
                 only: set[int] | None = None) -> Hits:
        """The matches of matcher tree ``m`` (scores when ``scored``; only the permitted
        documents when ``permitted``; only those in ``only`` when given)."""
        kind = type(m)
        if kind is NullMatcherClass:
            return [], []
        if kind is UnionMatcher:
            return _union(self.evaluate(m.a, scored, permitted, only),
                          self.evaluate(m.b, scored, permitted, only), scored)
        if kind is IntersectionMatcher:
            if scored:  # score only what both sides match: find it first, without scores
                only = set(self.evaluate(m, False, permitted, only)[0])
            return _intersect(self.evaluate(m.a, scored, permitted, only),
                              self.evaluate(m.b, scored, permitted, only), scored)
        if issubclass(kind, AndNotMatcher):
            return _without(self.evaluate(m.a, scored, permitted, only),
                            self.evaluate(m.b, False, False)[0])
        return self._leaf(m, scored, permitted, only)

    def _leaf(self, m, scored: bool, permitted: bool, only: set[int] | None) -> Hits:
        excluded: frozenset | set = frozenset()
        if type(m) is FilterMatcher:
            if not m._exclude or m.boost != 1.0:
                raise Unsupported(m)
            m, excluded = m.child, m._ids
        if type(m) is W3LeafMatcher and not m._byteids:
            scorer, term = m.scorer, m._term
        elif type(m) is ListMatcher:
            scorer, term = m._scorer, m._term
        else:
            raise Unsupported(m)
        ids, tfs = self._postings(m, term, excluded, permitted)
        if only is not None:
            keep = list(map(only.__contains__, ids))
            ids, tfs = list(compress(ids, keep)), list(compress(tfs, keep))
        if not scored:
            return ids, []
        return ids, _scores(scorer, term, ids, tfs, self._lengths)

    def _postings(self, m, term, excluded, permitted: bool) -> tuple[list[int], list[float]]:
        """The leaf's postings from ``first`` without deleted (and, when ``permitted``,
        hidden) documents; remembered for this window (an intersection reads its sides twice:
        to find what both match, then to score only that)."""
        key = (term, permitted)
        found = self.filtered.get(key)
        if found is None:
            ids, tfs = self._blocks(m) if type(m) is W3LeafMatcher else _listed(m, self.first)
            if permitted or excluded:
                keep = self._keep(ids, excluded, permitted)
                ids, tfs = list(compress(ids, keep)), list(compress(tfs, keep))
            found = self.filtered[key] = (ids, tfs)
        return found

    def _keep(self, ids: list[int], excluded, permitted: bool) -> list[bool]:
        acl, allowed, ts, since = self.arr.fields["acl"], self.allowed, self.arr.ts, self.since_ts
        if not permitted:
            return [d not in excluded for d in ids]
        if excluded or since:
            return [acl[d] in allowed and ts[d] >= since and d not in excluded for d in ids]
        return list(map(allowed.__contains__, map(acl.__getitem__, ids)))

    def _lengths(self, field: str) -> bytes:
        return _segment_lengths(self.reader, self.arr, field)

    def _blocks(self, m: W3LeafMatcher) -> tuple[array, array]:
        """Every posting from docnum ``first`` (deleted ones included): blocks ending before
        it are skipped by their header (their data is never read); what an earlier search or
        a narrower window decoded is reused (the segment's ``DecodedPostings``), only older
        blocks are read."""
        first, cache = self.first, self.arr.postings
        known = cache.get(m._term)
        if known is None or known[0] > first:
            ids, tfs = _decode(m, first, None if known is None else known[0])
            ids, tfs = array("I", ids), array("f", tfs)  # weights are float32 in Whoosh too
            if known is not None:
                ids += known[1]
                tfs += known[2]
            known = (first, ids, tfs)
            cache.put(m._term, known)
        start = bisect_left(known[1], first)
        return known[1][start:], known[2][start:]


def _decode(m: W3LeafMatcher, first: int, stop: int | None) -> tuple[list[int], list[float]]:
    """The postings in docnums [first, stop), block by block as ``_read_ids`` and
    ``_read_weights`` decode them."""
    m.reset()
    while m.is_active() and m._maxid < first:
        m._next_block()
    ids: list[int] = []
    tfs: list[float] = []
    while m.is_active() and (stop is None or not ids or ids[-1] < stop):
        m._read_data()
        ids.extend(accumulate(m._data[0]))
        tfs.extend(_weights(m._data[1], m._blocklength))
        m._next_block()
    if ids and ids[0] < first:
        start = bisect_left(ids, first)
        ids, tfs = ids[start:], tfs[start:]
    if stop is not None and ids and ids[-1] >= stop:
        end = bisect_left(ids, stop)
        ids, tfs = ids[:end], tfs[:end]
    return ids, tfs


def _listed(m: ListMatcher, first: int) -> tuple[list[int], list[float]]:
    """An inlined posting list (a rare term), weights as ``ListMatcher.weight`` gives them."""
    ids = list(m._ids)
    if m._all_weights:
        tfs = [m._all_weights] * len(ids)
    elif m._weights:
        tfs = list(m._weights)
    else:
        tfs = [1.0] * len(ids)
    start = bisect_left(ids, first)
    return ids[start:], tfs[start:]


def _scores(scorer, term, ids: list[int], tfs: list[float], lengths) -> list[float]:
    """``scorer.score`` of each posting: BM25 from (weight, length byte), each distinct pair
    computed once with ``whoosh.scoring.bm25``'s operations in its order; a non-scorable
    field's scorer returns the weight."""
    kind = type(scorer)
    if kind is WeightScorer:
        return list(tfs)
    if kind is not BM25FScorer or term is None:
        raise Unsupported(scorer)
    column = lengths(term[0])
    if not column:
        raise Unsupported(term)
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    keys = list(zip(tfs, map(column.__getitem__, ids), strict=True))
    value = {(tf, lb): idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * LENGTH_OF_BYTE[lb]
                                                             / avgfl)))
             for tf, lb in set(keys)}
    return list(map(value.__getitem__, keys))


def _without(a: Hits, excluded: list[int]) -> Hits:
    """``AndNotMatcher``: ``a``'s matches (and scores) that are not in ``excluded``."""
    if not excluded:
        return a
    out = set(excluded)
    keep = [d not in out for d in a[0]]
    return list(compress(a[0], keep)), list(compress(a[1], keep))


def _union(a: Hits, b: Hits, scored: bool) -> Hits:
    """``UnionMatcher``: every docnum of either; ``a.score() + b.score()`` where both match."""
    if not a[0]:
        return b
    if not b[0]:
        return a
    if not scored:
        return sorted(set(a[0]).union(b[0])), []
    merged = dict(zip(*a, strict=True))
    if merged.keys().isdisjoint(b[0]):
        merged.update(zip(*b, strict=True))
    else:
        for d, s in zip(*b, strict=True):
            prev = merged.get(d)
            merged[d] = s if prev is None else prev + s
    ids = sorted(merged)
    return ids, list(map(merged.__getitem__, ids))


def _intersect(a: Hits, b: Hits, scored: bool) -> Hits:
    """``IntersectionMatcher``: the docnums of both, ``a.score() + b.score()``."""
    if not a[0] or not b[0]:
        return [], []
    if not scored:
        return sorted(set(a[0]).intersection(b[0])), []
    sa, sb = dict(zip(*a, strict=True)), dict(zip(*b, strict=True))
    ids = sorted(sa.keys() & sb.keys())
    return ids, list(map(add, map(sa.__getitem__, ids), map(sb.__getitem__, ids)))
