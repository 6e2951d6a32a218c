"""Regenerate the whole index from the database into a new folder, then swap it in.

The old index keeps serving during the (long: ~11 min for a million posts) build, and the live
indexer keeps following the outbox into it. The build notes the newest outbox id BEFORE it reads
anything: ids become visible in id order, so every change up to that id has committed and the
build contains it. That id is the new folder's cursor (``cursor.py``): after the swap, the
indexer applies everything after it to the new index, the changes made during the build
included. Applying a change the build already has is harmless (documents are rebuilt from the
database and written by their key). So no journal of the changes made during the build is kept
any more, as it was while the outbox was a queue whose rows the live indexer deleted.

The same path serves a host that joins (an index folder without a cursor) and one whose cursor
fell behind the rows the outbox keeps: the indexer calls ``rebuild`` and then follows.

The swap and the removal of older folders happen under the indexer lock, so no indexer round
reads one folder's cursor and writes another's index. One rebuild at a time per index root.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index

from intranet.platform import db
from intranet.search.index import outbox
from intranet.search.index.cursor import rebuild_lock, round_lock, write_cursor
from intranet.search.index.store import IndexStore, store
from intranet.search.registry import KINDS

CHUNK = 1000
OLD_JOURNAL = "REBUILD.journal"  # left by versions that journaled the changes made during a build


class RetentionTooShort(RuntimeError):
    """Rows after the id a build started from were purged before the build ended."""


def rebuild(progress: Callable[[int], None] = lambda n: None,
            total: Callable[[int], None] = lambda n: None, kinds: list[str] | None = None) -> int:
    """Build, swap, remove older folders; returns documents written.

    ``kinds`` limits the build to some kinds (the benchmark indexes posts only). Raises
    ``cursor.RebuildRunning`` when another rebuild of this index root is under way."""
    st = store()
    with rebuild_lock(st.root):
        noted = outbox.anchored().newest
        assert noted is not None
        folder, swapped = st.new_dir(), False
        try:
            written = _fill(whoosh_index.open_dir(str(folder)), progress, total, kinds or list(KINDS))
            _check_followable(noted)
            write_cursor(folder, noted)
            with round_lock(st.root):
                st.swap_to(folder)
                swapped = True
                _remove_others(st, folder)
        finally:
            if not swapped:
                shutil.rmtree(folder, ignore_errors=True)
    return written


def _check_followable(noted: int) -> None:
    s = db.session()
    try:
        found = outbox.bounds(s)
    finally:
        s.rollback()
    if not outbox.followable(noted, found):
        raise RetentionTooShort(
            f"outbox rows after id {noted}, where this build started, were purged before it ended "
            f"(the oldest kept is {found.oldest}): make SEARCH_OUTBOX_RETENTION_HOURS longer than "
            "a rebuild takes")


def _remove_others(st: IndexStore, keep: Path) -> None:
    for old in st.root.glob("ix-*"):
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    (st.root / OLD_JOURNAL).unlink(missing_ok=True)


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
