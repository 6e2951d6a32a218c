"""Writing the cases of an import's stored batches, with rules and triage in a second process.

Rules, triage and routing (``compute``) are pure CPU work and about half of an import's time;
storing and writing are the other half and must stay in one process (SQLite has one writer).
So a big import keeps both cores busy: while a child process computes batch *n*, this one
parses and stores batch *n + 1*, then writes batch *n*'s cases. The child only reads the
pipeline (rules, routes, SLA targets) from the database once, at start.

Idempotent whatever happens: each write claims its comments first (``claim_ids``: only those
still pending), so a batch is never processed twice, and a crash leaves unwritten batches
pending for the inbox worker (``inbox.processing``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from types import TracebackType

from .. import db
from ..models import Source, User
from .compute import Computed, Pipeline, compute
from .items import Item
from .writes import ingest_transaction

POOL_BYTES = 2 * 1024 * 1024  # files above this (~10,000 comments) get a second process
DEPTH = 2  # batches the child has in hand at most: bounded memory, and it never waits
_PIPELINE: Pipeline | None = None


def pool_size(path: Path, workers: int | None) -> int:
    if workers is not None:
        return workers
    return 1 if (os.cpu_count() or 1) > 1 and path.stat().st_size > POOL_BYTES else 0


def _child_init(url: str) -> None:
    """In the child: load the pipeline once (no app, just an engine on the same database)."""
    from sqlalchemy.orm import Session

    global _PIPELINE
    engine = db.make_engine(url)
    with Session(engine) as session:
        _PIPELINE = Pipeline.load(session)
    engine.dispose()


def _child_compute(entries: list[tuple[int, Item]], actor_id: int | None, now: datetime) -> Computed:
    assert _PIPELINE is not None
    return compute(_PIPELINE, entries, actor_id=actor_id, now=now)


class CaseWriter:
    """Computes (here, or in ``workers`` processes) and writes stored batches, in order."""

    def __init__(self, source: Source, actor: User | None, pipeline: Pipeline, workers: int) -> None:
        self.source, self.actor, self.pipeline = source, actor, pipeline
        self.actor_id = actor.id if actor else None
        self.queue: deque[tuple[list[tuple[int, Item]], datetime, Future]] = deque()
        self.pool = None
        if workers:
            url = db.engine().url.render_as_string(hide_password=False)
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_child_init, initargs=(url,))

    def __enter__(self) -> CaseWriter:
        return self

    def submit(self, entries: list[tuple[int, Item]], now: datetime) -> None:
        """Write the computed batches that are ready; hand this one to the child, or compute it
        here when the child has ``DEPTH`` batches in hand (both processes stay busy)."""
        while self.queue and self.queue[0][2].done():
            self._next()
        if not entries:
            return
        if self.pool is not None and len(self.queue) < DEPTH:
            self.queue.append((entries, now, self.pool.submit(_child_compute, entries, self.actor_id, now)))
        else:
            self._write(entries, compute(self.pipeline, entries, actor_id=self.actor_id, now=now), now)

    def _next(self) -> None:
        entries, now, future = self.queue.popleft()
        self._write(entries, future.result(), now)

    def _write(self, entries: list[tuple[int, Item]], computed: Computed, now: datetime) -> None:
        from ..actions.inbox_ingest import claim_ids, write_computed

        with ingest_transaction() as s:
            claimed = claim_ids(s, [cid for cid, _item in entries], now)
            if len(claimed) < len(entries):  # some were processed elsewhere meanwhile
                computed = computed.only(claimed)
            write_computed(s, self.source, computed, self.actor, False, now)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            while exc_type is None and self.queue:
                self._next()
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)

