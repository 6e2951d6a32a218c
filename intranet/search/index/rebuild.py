"""Regenerate the whole index from the database into a new folder, then swap it in.

The old index keeps serving during the (long: ~11 min for a million posts) build. The live
indexer journals every object it indexes meanwhile (see indexer._journal); after the swap the
journal is replayed into the new index, so changes made during the build are not lost. The
journal is read only after the swap, and the indexer journals before it opens the index, so
a batch either lands in the new index directly or is in the journal we read.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

from whoosh import index as whoosh_index

from intranet.platform import db
from intranet.search.index.indexer import JOURNAL, build_docs, store, write
from intranet.search.registry import KINDS

CHUNK = 1000


def rebuild(progress: Callable[[int], None] = lambda n: None,
            total: Callable[[int], None] = lambda n: None, kinds: list[str] | None = None) -> int:
    """Build, swap, replay the journal, remove older folders; returns documents written.

    ``kinds`` limits the build to some kinds (the benchmark indexes posts only)."""
    st = store()
    journal = st.root / JOURNAL
    st.root.mkdir(parents=True, exist_ok=True)
    journal.write_text("")
    try:
        folder = st.new_dir()
        written = _fill(whoosh_index.open_dir(str(folder)), progress, total, kinds or list(KINDS))
        st.swap_to(folder)
        _replay(journal.read_text().split())
    finally:
        journal.unlink(missing_ok=True)
    for old in st.root.glob("ix-*"):
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    return written


def _fill(ix: whoosh_index.FileIndex, progress: Callable[[int], None],
          total: Callable[[int], None], kinds: list[str]) -> int:
    s = db.session()
    try:
        ids = {name: list(KINDS[name].all_ids(s)) for name in kinds}
        total(sum(len(v) for v in ids.values()))
        written = 0
        with ix.writer(limitmb=128, compound=False) as w:
            for name in kinds:
                kind = KINDS[name]
                for i in range(0, len(ids[name]), CHUNK):
                    chunk = ids[name][i:i + CHUNK]
                    for doc in kind.build(s, chunk).values():
                        w.add_document(**doc.to_fields())
                        written += 1
                    s.expunge_all()
                    progress(len(chunk))
        return written
    finally:
        s.rollback()


def _replay(keys: list[str]) -> None:
    ops = {}
    for key in set(keys):
        kind, _, oid = key.partition(":")
        if kind in KINDS and oid.isdigit():
            ops[(kind, int(oid))] = "upsert"
    if not ops:
        return
    s = db.session()
    try:
        docs, deletes = build_docs(s, ops)
    finally:
        s.rollback()
    write(store(), docs, deletes)
