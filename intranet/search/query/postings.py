"""One pass over a word's postings: docnums and Whoosh's own BM25 scores, read block by block.

A mid-frequency word (~2k matches) used to be read twice: a boolean pass for the ACL and the
facets, then Whoosh's top-N search over the permitted hits. Going through Whoosh's matchers
costs several Python calls per posting (``id()``, ``score()``, ``next()``, a field-length read);
here each posting block is decoded once (ids, weights) and every hit is scored with the same
formula on the same numbers (``whoosh.scoring.bm25``: idf and average length from the same
scorer object, the field length from the same column byte), so the scores, hence the ranking,
are exactly the ones ``searcher.search`` gives.

Only the query shapes whose score is a plain sum this module can reproduce bit for bit are
taken: one ``Term`` or an ``Or`` of two (a word that analyses to one stem, in title and body).
Float addition of two numbers is commutative but three are not associative in general, and
Whoosh sums wider ``Or`` trees in a weighted order: those, phrases, prefixes and filters keep
the matcher path.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate, compress

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from intranet.search.index.store import SegmentArrays

LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]
_lengths_lock = threading.Lock()


def simple_terms(q: wq.Query) -> list[tuple[str, str]] | None:
    """``[(field, text)]`` when ``q`` is a Term or an Or of two Terms (boost 1), else None."""
    subs = [q] if type(q) is wq.Term else (
        q.subqueries if type(q) is wq.Or and q.boost == 1.0 and not q.scale
        and not q.minmatch and len(q.subqueries) == 2 else [])
    if not subs or any(type(s) is not wq.Term or s.boost != 1.0 or s.minquality for s in subs):
        return None
    return [(s.fieldname, s.text) for s in subs]


@dataclass
class TermPostings:
    """One term's postings in one segment, with what its BM25 score needs."""

    ids: list[int]  # docnums, ascending, deleted documents removed
    tfs: list[float]
    lengths: bytes  # the segment's encoded field length per docnum
    idf: float
    avgfl: float
    B: float
    K1: float

    def scores(self, ds: list[int], tfs: list[float]) -> list[float]:
        """``bm25`` of each docnum with its weight, with its very operations in its order.

        A score depends only on (weight, length byte): each distinct pair (a few hundred at
        most) is computed once and the rest are look-ups, all in C-level ``map``s."""
        idf, avgfl, B, K1 = self.idf, self.avgfl, self.B, self.K1
        keys = list(zip(tfs, map(self.lengths.__getitem__, ds), strict=True))
        value = {(tf, lb): idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * LENGTH_OF_BYTE[lb]
                                                                 / avgfl)))
                 for tf, lb in set(keys)}
        return list(map(value.__getitem__, keys))


def _term_postings(snap, sub, arr: SegmentArrays, field: str,
                   btext: bytes) -> TermPostings | None:
    """One present term's postings in one leaf, scored as ``BM25F.scorer`` would set it up:
    idf and average length from the top-level searcher (the leaf's parent), the field's B."""
    weighting = snap.searcher.weighting
    if type(weighting) is not BM25F or not sub.schema[field].scorable:
        return None
    read = _read_blocks(sub.reader().postings(field, btext))
    if read is None:
        return None
    return TermPostings(*read, _lengths(sub.reader(), arr, field),
                        snap.searcher.idf(field, btext),
                        snap.searcher.avg_field_length(field) or 1,
                        weighting._field_B.get(field, weighting.B), weighting.K1)


def _read_blocks(m) -> tuple[list[int], list[float]] | None:
    excluded: frozenset = frozenset()
    if isinstance(m, FilterMatcher) and m._exclude:
        m, excluded = m.child, m._ids
    if not isinstance(m, W3LeafMatcher) or m._byteids:
        return None
    ids: list[int] = []
    tfs: list[float] = []
    while m.is_active():  # a block: (delta-encoded docnums, weights, values), see _read_ids
        m._read_data()
        ids.extend(accumulate(m._data[0]))
        tfs.extend(_weights(m._data[1], m._blocklength))
        m._next_block()
    if excluded:
        keep = [i for i, d in enumerate(ids) if d not in excluded]
        ids, tfs = [ids[i] for i in keep], [tfs[i] for i in keep]
    return ids, tfs


def _weights(stored, n: int):
    """A block's weights as ``_read_weights`` gives them: None means 1.0 each, one float means
    that weight each (both through a float32 array, as Whoosh stores them)."""
    if stored is None or isinstance(stored, float):
        return array("f", [1.0 if stored is None else stored]) * n
    return stored


def _lengths(reader, arr: SegmentArrays, field: str) -> bytes:
    """The segment's field-length bytes (what ``doc_field_length`` decodes), read once."""
    found = arr.lengths.get(field)
    if found is None:
        with _lengths_lock:
            found = arr.lengths.get(field)
            if found is None:
                column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                found = arr.lengths[field] = bytes(column) if column is not None else b""
    return found


def leaf_hits(postings: list[TermPostings], first: int, acl, allowed: frozenset[int], ts,
              since_ts: int, scored: bool) -> tuple[list[int], list[float]]:
    """Docnums and scores of the leaf's permitted matches from docnum ``first`` (and created
    since ``since_ts`` when given), in docnum order as a matcher yields them; scores 0.0 when
    not ``scored``."""
    per_term = []
    for p in postings:
        start = bisect_left(p.ids, first)
        ids, tfs = (p.ids[start:], p.tfs[start:]) if start else (p.ids, p.tfs)
        mask = ([acl[d] in allowed and ts[d] >= since_ts for d in ids] if since_ts
                else list(map(allowed.__contains__, map(acl.__getitem__, ids))))
        ds, ws = list(compress(ids, mask)), list(compress(tfs, mask))
        per_term.append((ds, p.scores(ds, ws) if scored else [0.0] * len(ds)))
    if len(per_term) == 1:
        return per_term[0]
    total: dict[int, float] = {}
    for ds, scores in per_term:
        for d, s in zip(ds, scores, strict=True):
            prev = total.get(d)
            total[d] = s if prev is None else prev + s  # a.score() + b.score(), as UnionMatcher
    ds = sorted(total)
    return ds, [total[d] for d in ds]


@dataclass
class Postings:
    """A word's postings in every leaf of a snapshot (index i = ``snap.leaves[i]``)."""

    leaves: list[list[TermPostings]]


def read_postings(snap, q: wq.Query, limit: int) -> tuple[int, Postings | None] | None:
    """The query's estimated size (``q.estimate_size``'s number, from the same term infos)
    and, when it is at most ``limit``, its postings, read once per search (windows reuse
    them); None when the query's shape is not one this module reproduces (the postings part
    None when a posting list's format is not)."""
    terms = simple_terms(q)
    if terms is None:
        return None
    present: list[list[tuple[str, bytes]]] = []
    estimate = 0
    for sub, _offset, _arr in snap.leaves:
        reader, here = sub.reader(), []
        for field, text in terms:
            btext = sub.schema[field].to_bytes(text)
            try:
                estimate += reader.term_info(field, btext).doc_frequency()
            except TermNotFound:
                continue
            here.append((field, btext))
        present.append(here)
    if len(terms) > 1:  # Or.estimate_size
        estimate = min(estimate, snap.searcher.reader().doc_count())
    if estimate > limit:
        return estimate, None
    leaves = []
    for (sub, _offset, arr), here in zip(snap.leaves, present, strict=True):
        found = [_term_postings(snap, sub, arr, field, btext) for field, btext in here]
        if None in found:
            return estimate, None
        leaves.append(found)
    return estimate, Postings(leaves)
