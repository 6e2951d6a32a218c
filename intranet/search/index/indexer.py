"""The one path from the database to the index: drain the SearchOutbox, rebuild everything.

Why it is safe:
- actions write outbox rows in their own transaction, so a change and its index work commit
  together; rows are deleted only AFTER the index commit. A crash before the index commit
  loses nothing (the rows are still there); a crash after it replays the batch, and replays
  are harmless because every document is rebuilt from the current database state and written
  with ``update_document`` (or deleted) by its unique key;
- one writer at a time, and a blocking one (``writer(timeout=...)``): never AsyncWriter,
  whose silent buffering in another thread is how index work gets lost;
- a rebuild fills a NEW folder while the old index keeps serving; changes committed meanwhile
  are noted in a journal by the live indexer and replayed into the new index after the swap.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from whoosh.codec.whoosh3 import W3PerDocReader

from intranet.models import SearchOutbox
from intranet.platform import db
from intranet.search.index.schema import Doc
from intranet.search.index.store import IndexStore
from intranet.search.registry import KINDS

log = logging.getLogger(__name__)
BATCH = 500
JOURNAL = "REBUILD.journal"


def _remember_missing_columns() -> None:
    """Whoosh (3 codec) looks a field's length column up per posting when a segment is written
    and, for the fields that have none (ids, ACL and facet keywords), asks the file system every
    time: a ``stat`` per posting, ~18 % of the search worker's CPU. A segment's files never
    change once written (the column files before its reader opens), so "no such column" is
    remembered per reader like the columns found. Same answers, fewer system calls."""

    found = W3PerDocReader._cached_reader
    if getattr(found, "remembers_missing", False):
        return

    def cached_reader(self: W3PerDocReader, fieldname: str, column: object) -> object:
        readers = self._readers
        if fieldname in readers:
            return readers[fieldname]
        reader = found(self, fieldname, column)
        if reader is None:
            readers[fieldname] = None
        return reader

    cached_reader.remembers_missing = True  # type: ignore[attr-defined]
    W3PerDocReader._cached_reader = cached_reader


_remember_missing_columns()


def store() -> IndexStore:
    return current_app.extensions["search"]


@dataclass
class Batch:
    """Outbox rows taken together, reduced to the last operation per object."""

    row_ids: list[int]
    ops: dict[tuple[str, int], str] = field(default_factory=dict)


def take_batch(session: Session, limit: int = BATCH) -> Batch | None:
    """The oldest pending rows of kinds this process knows (others wait for their indexer)."""
    rows = session.execute(select(SearchOutbox.id, SearchOutbox.kind, SearchOutbox.object_id,
                                  SearchOutbox.op)
                           .where(SearchOutbox.kind.in_(list(KINDS)))
                           .order_by(SearchOutbox.id).limit(limit)).all()
    if not rows:
        return None
    batch = Batch([r.id for r in rows])
    for r in rows:
        batch.ops[(r.kind, r.object_id)] = r.op
    return batch


def build_docs(session: Session, ops: dict[tuple[str, int], str]
               ) -> tuple[list[Doc], list[tuple[str, int]]]:
    """Documents to write and keys to delete: an upsert whose object is gone is a delete."""
    by_kind: dict[str, list[int]] = {}
    for (kind, oid), op in ops.items():
        if op != "delete":
            by_kind.setdefault(kind, []).append(oid)
    docs: list[Doc] = []
    found: set[tuple[str, int]] = set()
    for kind, ids in by_kind.items():
        for i in range(0, len(ids), 400):
            for oid, doc in KINDS[kind].build(session, ids[i:i + 400]).items():
                docs.append(doc)
                found.add((kind, oid))
    deletes = [key for key in ops if key not in found]
    return docs, deletes


def write(ix_store: IndexStore, docs: list[Doc], deletes: list[tuple[str, int]]) -> None:
    """One index commit (blocking writer, separate files)."""
    with ix_store.writer() as w:
        for kind, oid in deletes:
            key = f"{kind}:{oid}"
            w.delete_by_term("key", key)
            if kind in KINDS and KINDS[kind].children:
                w.delete_by_term("parent", key)
        for doc in docs:
            w.update_document(**doc.to_fields())


def ack(session: Session, batch: Batch) -> None:
    session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(batch.row_ids)))


def _journal(ix_store: IndexStore, ops: dict[tuple[str, int], str]) -> None:
    """During a rebuild, remember what changed (BEFORE writing, see rebuild's swap)."""
    path = ix_store.root / JOURNAL
    if path.exists():
        with path.open("a") as fh:
            fh.writelines(f"{kind}:{oid}\n" for kind, oid in ops)


def drain_once(limit: int = BATCH) -> int:
    """Index one batch; returns the number of outbox rows consumed (0: nothing pending)."""
    ix_store = store()
    s = db.session()
    try:
        batch = take_batch(s, limit)
        if batch is None:
            return 0
        docs, deletes = build_docs(s, batch.ops)
    finally:
        s.rollback()  # end the read transaction before the (possibly slow) index write
    _journal(ix_store, batch.ops)
    write(ix_store, docs, deletes)
    with db.transaction() as s:
        ack(s, batch)
    return len(batch.row_ids)


def drain(limit: int = BATCH) -> int:
    """Index everything pending now (tests and the CLI call this synchronously)."""
    total = 0
    while n := drain_once(limit):
        total += n
    return total


def pending(session: Session) -> tuple[int, object]:
    """(pending outbox rows, creation time of the oldest) for ``search status`` and the bench."""
    row = session.execute(select(func.count(SearchOutbox.id), func.min(SearchOutbox.created_at))
                          ).one()
    return row[0], row[1]


# ---- background thread -----------------------------------------------------------------------

class IndexerThread:
    """Drains the outbox in the single-process app; woken right after commits that enqueue work.

    ``poll`` is a fallback for rows written by other processes (CLI, other workers). After a
    round that found work it lets ``gather`` seconds of commits pile up: under a steady flow of
    messages every commit woke it for an index commit of one document, ~8 ms of CPU each under
    this process's GIL, which the live messages waited for. A lone post is still indexed at once.
    """

    def __init__(self, app: Flask, poll: float = 1.0, gather: float = 0.25,
                 pause: Callable[[float], object] | None = None) -> None:
        self.app = app
        self.poll = poll
        self.gather = gather
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.pause = pause or self.stopping.wait  # the gathering wait; a test may hold it
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="search-indexer", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()

    def _run(self) -> None:
        try:  # build the segments' ACL/facet arrays now (seconds for 1M docs), not in a request
            with self.app.app_context():
                store().snapshot()
        except Exception:
            log.exception("search indexer: could not open the index")
        while not self.stopping.is_set():
            self.wake.wait(self.poll)
            self.wake.clear()
            try:
                with self.app.app_context():
                    found = drain_once()
            except Exception:  # keep serving; the rows stay in the outbox for the next round
                log.exception("search indexer: batch failed, will retry")
                self.stopping.wait(self.poll)
                continue
            if found >= BATCH:
                self.wake.set()  # a backlog: the next batch at once
            elif found:
                self.pause(self.gather)


def run_worker(poll: float = 0.5, stop: Callable[[], bool] = lambda: False, limit: int = BATCH,
               pause: Callable[[float], object] = time.sleep) -> None:
    """``flask search worker``: the same loop in its own process (scale-out).

    Every ``poll`` seconds it indexes what is pending in ONE batch (one index commit), so the lag
    stays under ``poll`` plus the round's work; only a full batch (a backlog) goes on at once.
    A Whoosh commit costs ~8 ms of CPU whatever its size: draining until nothing was left made
    a second, third... commit of the messages sent while the first was being written, and
    looking again at once after a round made a commit of one or two documents each time. Both
    slowed live messages (bench/JOURNAL.md, Messaging, Stops 8 and 11)."""
    while not stop():
        try:
            if drain_once(limit) < limit:
                pause(poll)
        except Exception:
            log.exception("search worker: batch failed, will retry")
            pause(poll * 5)
