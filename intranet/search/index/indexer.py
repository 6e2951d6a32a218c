"""The one path from the database to the index: follow the SearchOutbox, rebuild when needed.

Every host (each web host keeps its own Whoosh folder, a local replica) indexes every change: its
indexer follows the outbox as a LOG from its own cursor, the last outbox id applied to its index
(``cursor.py``: a file in the index folder, written after each index commit). Rows are kept for a
retention window and purged by age (``outbox.purge``), never deleted by an indexer.

Why it is safe:
- actions write outbox rows in their own transaction, so a change and its index work commit
  together; ids become visible in id order on both backends, so "rows after my cursor, in id
  order" never skips one. The cursor moves only AFTER the index commit: a crash before it
  loses nothing (the rows are still after the cursor); a crash after it replays the batch, and
  replays are harmless because every document is rebuilt from the current database state and
  written with ``update_document`` (or deleted) by its unique key;
- one writer at a time per index folder, and a blocking one (``writer(timeout=...)``): a round
  holds the root's indexer lock from reading the cursor to writing it; never AsyncWriter, whose
  silent buffering in another thread is how index work gets lost;
- an index that cannot follow (a host joining with an empty folder, or one whose cursor is older
  than the oldest row kept, or a database restored to before it) is rebuilt from the database
  (``rebuild``: a new folder, swapped in, whose cursor is the outbox id noted BEFORE the build
  began), then follows from there.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.orm import Session
from whoosh.codec.whoosh3 import W3PerDocReader

from intranet.platform import db
from intranet.search.index import outbox
from intranet.search.index.cursor import RebuildRunning, read_cursor, round_lock, write_cursor
from intranet.search.index.rebuild import rebuild
from intranet.search.index.schema import Doc
from intranet.search.index.store import IndexStore, store
from intranet.search.registry import KINDS

log = logging.getLogger(__name__)
BATCH = 500
RETENTION_HOURS = 24.0  # defaults of SEARCH_OUTBOX_RETENTION_HOURS and SEARCH_OUTBOX_PURGE_SECONDS
PURGE_SECONDS = 600.0


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


@dataclass
class Batch:
    """Outbox rows taken together, reduced to the last operation per object."""

    row_ids: list[int]
    ops: dict[tuple[str, int], str] = field(default_factory=dict)

    @property
    def last_id(self) -> int:
        return self.row_ids[-1]


def take_batch(session: Session, cursor: int, limit: int = BATCH) -> Batch | None:
    """The next rows after ``cursor``. Rows of kinds this app does not index (the outbox's
    anchor, a kind of an app not installed here) are passed over with the others: the index
    holds the kinds its app registers, as a rebuild would."""
    rows = outbox.rows_after(session, cursor, limit)
    if not rows:
        return None
    batch = Batch([r.id for r in rows])
    for r in rows:
        if r.kind in KINDS:
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


def follow_from(session: Session, ix_store: IndexStore, folder: Path) -> int | None:
    """Where this index follows the outbox from; None: it must be rebuilt first (and why is
    logged). Called under the round lock."""
    cursor = read_cursor(folder)
    if cursor is None:
        if ix_store.index().doc_count_all() == 0:
            log.info("search index %s has no outbox cursor: building it from the database", folder)
            return None
        return _adopt(folder)
    found = outbox.bounds(session)
    if outbox.followable(cursor, found):
        return cursor
    log.warning("search index %s: its cursor %s cannot follow the outbox (ids %s..%s kept): "
                "rebuilding it from the database", folder, cursor, found.oldest, found.newest)
    return None


def _adopt(folder: Path) -> int:
    """An index written while the outbox was a queue (no cursor, documents): its one indexer
    deleted every row it applied, so the rows still there are exactly what it has not applied."""
    found = outbox.anchored()
    assert found.oldest is not None
    cursor = found.oldest - 1
    write_cursor(folder, cursor)
    log.info("search index %s: adopted, following the outbox after id %s", folder, cursor)
    return cursor


def _round(ix_store: IndexStore, limit: int) -> int | None:
    """One round under the root's indexer lock: rows applied, or None when a rebuild is due."""
    folder = ix_store.current_dir()
    s = db.session()
    try:
        cursor = follow_from(s, ix_store, folder)
        if cursor is None:
            return None
        batch = take_batch(s, cursor, limit)
        if batch is None:
            return 0
        docs, deletes = build_docs(s, batch.ops)
    finally:
        s.rollback()  # end the read transaction before the (possibly slow) index write
    if docs or deletes:
        write(ix_store, docs, deletes)
    write_cursor(folder, batch.last_id)
    return len(batch.row_ids)


def drain_once(limit: int = BATCH) -> int:
    """Apply one batch after this index's cursor; returns the outbox rows it covered (0: none
    pending). An index that cannot follow is rebuilt first, then followed."""
    ix_store = store()
    with round_lock(ix_store.root):
        applied = _round(ix_store, limit)
    if applied is not None:
        return applied
    try:
        rebuild()
    except RebuildRunning:  # an operator's `flask search rebuild`: it will swap a followable index
        log.info("search: a rebuild of %s is under way; following once it is swapped in",
                 ix_store.root)
        return 0
    with round_lock(ix_store.root):
        return _round(ix_store, limit) or 0


def drain(limit: int = BATCH) -> int:
    """Index everything pending now (tests and the CLI call this synchronously)."""
    total = 0
    while n := drain_once(limit):
        total += n
    return total


def pending(session: Session) -> tuple[int, dt.datetime | None]:
    """(outbox rows after this host's cursor, creation time of the first of them): the lag
    ``flask search status`` and health checks report. Without a cursor yet (a host joining)
    every row kept counts: its index is that far behind."""
    return outbox.lag(session, read_cursor(store().current_dir()) or 0)


class Purger:
    """Purges the outbox by age from an indexer's loop, at most every ``SEARCH_OUTBOX_PURGE_
    SECONDS`` (0: never; run ``flask search purge`` from cron instead). Every host may do it:
    the same rows go whoever deletes them."""

    def __init__(self) -> None:
        self.due = 0.0

    def tick(self) -> None:
        every = current_app.config.get("SEARCH_OUTBOX_PURGE_SECONDS", PURGE_SECONDS)
        now = time.monotonic()
        if not every or now < self.due:
            return
        self.due = now + every
        try:
            outbox.purge(current_app.config.get("SEARCH_OUTBOX_RETENTION_HOURS", RETENTION_HOURS))
        except Exception as exc:
            db.log_round_failure(log, exc, "search: purging the outbox failed, will retry")


# ---- background thread -----------------------------------------------------------------------

class IndexerThread:
    """Follows the outbox in the web process; woken right after this process's commits that
    enqueue work, so the single-process default indexes a lone post at once.

    ``poll`` is how rows written by other processes and other hosts arrive (their commits wake
    their own indexers, not this one): another host's change is searchable here within about
    ``poll`` seconds. After a round that found work it lets ``gather`` seconds of commits pile
    up: under a steady flow of messages every commit woke it for an index commit of one
    document, ~8 ms of CPU each under this process's GIL, which the live messages waited for.
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
        self.purger = Purger()

    def start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="search-indexer", daemon=True)
            self.thread.start()

    def stop(self, wait: float | None = None) -> bool:
        """Ask the thread to end; with ``wait``, join it that long. True once it has ended: a
        thread still running a round after its app's teardown could write to the next tenant of
        the database (in tests, the next test's)."""
        self.stopping.set()
        self.wake.set()
        if wait is not None and self.thread is not None:
            self.thread.join(wait)
        return self.thread is None or not self.thread.is_alive()

    def _run(self) -> None:
        try:  # build the segments' ACL/facet arrays now (seconds for 1M docs), not in a request
            with self.app.app_context():
                store().snapshot()
        except Exception:
            log.exception("search indexer: could not open the index")
        while not self.stopping.is_set():
            self.wake.wait(self.poll)
            self.wake.clear()
            if self.stopping.is_set():  # stop() wakes the thread: no round after it
                break
            try:
                with self.app.app_context():
                    found = drain_once()
                    self.purger.tick()
            except Exception as exc:  # keep serving; the rows stay in the outbox for the next round
                db.log_round_failure(log, exc, "search indexer: batch failed, will retry")
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
    slowed live messages (bench/JOURNAL.md, Messaging, Stops 8 and 11).

    Run one per host whose web processes have their thread off: it follows the outbox into
    this host's ``SEARCH_INDEX_DIR``, and purges the outbox by age now and then (``Purger``)."""
    purger = Purger()
    while not stop():
        try:
            found = drain_once(limit)
            purger.tick()
            if found < limit:
                pause(poll)
        except Exception as exc:
            db.log_round_failure(log, exc, "search worker: batch failed, will retry")
            pause(poll * 5)
