"""The bulk import's rules and triage in a child process, so an import uses two cores.

Per imported row about half of the CPU goes to reading, validating and writing (this process)
and half to watch rules, triage and routing (``compute``: pure CPU on a loaded ``Pipeline``).
A child process, forked with the pipeline already compiled in its memory, computes batch N+1
while this process writes batch N. This process still writes every batch, comments and cases
in one transaction with the job's position, so resuming and idempotence are unchanged: the
child only returns rows, and a comment the transaction finds new without a computed result
(stored meanwhile by someone else, then gone) is computed here; rows computed for comments
that turn out to be known are dropped. Comments already stored are not sent at all, so a
replayed file costs the child nothing.

Only where ``fork`` exists, and only from the CLI and the benchmark: a web request (the admin
page's upload) keeps computing inline, since forking a threaded server is unsafe.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from intranet.inbox.connectors.items import Item
from intranet.inbox.rules.compute import Computed, Pipeline, compute

_PIPELINE: Pipeline | None = None  # set before the fork: the child inherits it compiled


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _child_compute(items: list[Item], actor_id: int | None, now: datetime) -> tuple[Computed, set[int]]:
    """In the child: the rows for these items with their index in the list as comment id, and
    the indexes of competitor-only mentions."""
    assert _PIPELINE is not None
    computed = compute(_PIPELINE, list(enumerate(items)), actor_id=actor_id, now=now)
    cases = {row["comment_id"] for row, _data in computed.cases}
    return computed, {m["comment_id"] for m in computed.matches} - cases


@dataclass
class Pending:
    """One batch's computation under way in the child; ``do_ingest``'s ``computer``."""

    future: Future
    index: dict[int, int]  # id(item) -> its index in what the child got
    pipeline: Pipeline

    def __call__(self, entries: list[tuple[int, Item]], actor_id: int | None, now: datetime) -> Computed:
        computed, competitors = self.future.result()
        wanted: dict[int, int] = {}  # child index -> comment id stored now
        missing: list[tuple[int, Item]] = []
        for cid, item in entries:
            idx = self.index.get(id(item))
            if idx is None:
                missing.append((cid, item))
            else:
                wanted[idx] = cid
        out = Computed([m | {"comment_id": wanted[m["comment_id"]]} for m in computed.matches
                        if m["comment_id"] in wanted],
                       [(row | {"comment_id": wanted[row["comment_id"]]}, data)
                        for row, data in computed.cases if row["comment_id"] in wanted],
                       len(competitors & wanted.keys()))
        if missing:
            extra = compute(self.pipeline, missing, actor_id=actor_id, now=now)
            out.matches += extra.matches
            out.cases += extra.cases
            out.competitor += extra.competitor
        return out


class ChildComputer:
    """The child process (one), fed batch by batch in file order."""

    def __init__(self, pipeline: Pipeline) -> None:
        global _PIPELINE
        _PIPELINE = pipeline
        self.pipeline = pipeline
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))

    def submit(self, items: list[Item], actor_id: int | None, now: datetime) -> Pending:
        future = self.pool.submit(_child_compute, items, actor_id, now)
        return Pending(future, {id(item): i for i, item in enumerate(items)}, self.pipeline)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
