""""Who knows X" and name suggestions (mentions, group pickers), on the same index and ACL.

Who knows: people whose profile (skills, job title, bio) matches, plus the authors of the
matching posts, comments and files the READER may open: the posts are counted through the
same per-hit ACL as search, so a private project never makes its members look like experts
to outsiders. Suggestions search only titles (names, handles, group names): a small lexicon,
so a prefix expands to a few terms even on a million-document index.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from whoosh import query as wq

from intranet.search.index.indexer import store
from intranet.search.query.search import MAX_HITS, Runner, allowed_codes, bounded, collect
from intranet.search.query.translate import translate
from intranet.search.registry import KINDS, Item
from intranet.search.text.analysis import fold, token_terms
from intranet.search.text.querylang import parse

CONTENT_KINDS = ("post", "comment", "file")


@dataclass
class Expert:
    person: Item
    profile_match: bool
    posts: int  # matching posts/comments/files by them that the reader may open


def _kinds(*names: str) -> wq.Query:
    return wq.Or([wq.Term("kind", k) for k in names])


def who_knows(user, q: str, limit: int = 5) -> list[Expert]:
    tr = translate(parse(q), user)
    st = store()
    snap = st.snapshot()
    allowed = allowed_codes(st, user)
    people = collect(snap, wq.And([tr.query, wq.Term("kind", "person")]), allowed, {}, None, True)
    content_q = wq.And([tr.query, _kinds(*CONTENT_KINDS)])
    content, _truncated = bounded(snap, Runner(snap, content_q, lambda since: collect(
        snap, content_q, allowed, {}, None, False, since)))
    scores: Counter = Counter()
    profile = set()
    for score, _ts, docnum in sorted(people.rows, reverse=True)[:MAX_HITS]:
        pid = int(snap.searcher.stored_fields(docnum)["key"].partition(":")[2])
        profile.add(pid)
        scores[pid] += 5 + score
    posts = Counter({int(st.codes.value("author", code)): n
                     for code, n in content.facets["author"].items() if code})
    for pid, n in posts.items():
        scores[pid] += n
    ranked = [pid for pid, _s in scores.most_common(limit * 2)]
    items = KINDS["person"].hydrate(user, ranked)
    return [Expert(items[pid], pid in profile, posts.get(pid, 0))
            for pid in ranked if pid in items][:limit]


def suggest(user, prefix: str, kinds: tuple[str, ...] = ("person", "group"),
            limit: int = 8) -> list[Item]:
    """Names starting with ``prefix`` (``@al`` -> Alice), people and groups the reader may see."""
    text = fold(prefix.strip().lstrip("@#"))
    if len(text) < 1 or len(text) > 60:
        return []
    own = token_terms(text)
    name = wq.Or([wq.Prefix("title", text), *[wq.Term("title", t) for t in own]])
    st = store()
    snap = st.snapshot()
    hits = collect(snap, wq.And([name, _kinds(*kinds)]), allowed_codes(st, user), {}, None, True)
    rows = sorted(hits.rows, key=lambda r: (-r[0], -r[2]))[: limit * 2]
    keys = []
    for _score, _ts, docnum in rows:
        kind, _, oid = snap.searcher.stored_fields(docnum)["key"].partition(":")
        keys.append((kind, int(oid)))
    found: dict[tuple[str, int], Item] = {}
    for kind in kinds:
        ids = [oid for k, oid in keys if k == kind]
        if ids:
            found.update({(kind, oid): item for oid, item in KINDS[kind].hydrate(user, ids).items()})
    return [found[k] for k in keys if k in found][:limit]
