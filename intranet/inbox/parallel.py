"""The bulk import's rules and triage in a child process, so an import uses two cores.

Per imported row the CPU goes about half to reading, validating and writing (this process) and
half to watch rules, triage and routing (``compute``: pure CPU on a loaded ``Pipeline``). A
child process forked with the pipeline already in memory computes batch N while this process
reads and validates batch N+1; this process still writes every batch, comments and cases in
one transaction with the job's position, so resuming and idempotence are unchanged (the child
only ever sees comments this transaction has just stored as new, and returns rows; a child
failure rolls the batch back like any error).

Only where ``fork`` exists, and only from the CLI and the benchmark: a web request (the admin
page's upload) keeps computing inline, since forking a threaded server is unsafe.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any

from .compute import Computed, Pipeline, compute
from .items import Item

_PIPELINE: Pipeline | None = None  # set before the fork: the child inherits it compiled


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _child_compute(items: list[Item], actor_id: int | None, now: datetime) -> Computed:
    """In the child: the rows for these items, with their index in the list as comment id."""
    assert _PIPELINE is not None
    return compute(_PIPELINE, list(enumerate(items)), actor_id=actor_id, now=now)


def _remap(computed: Computed, ids: list[int]) -> Computed:
    """Child rows carry indexes: give them the comment ids this transaction stored."""
    for match in computed.matches:
        match["comment_id"] = ids[match["comment_id"]]
    for row, _data in computed.cases:
        row["comment_id"] = ids[row["comment_id"]]
    return computed


class ChildComputer:
    """``do_ingest``'s ``computer``: sends a batch to the child, runs ``meanwhile`` (read the
    next batch), then takes the child's rows."""

    def __init__(self, pipeline: Pipeline, meanwhile: Callable[[], Any]) -> None:
        global _PIPELINE
        _PIPELINE = pipeline
        self.meanwhile = meanwhile
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))

    def __call__(self, entries: list[tuple[int, Item]], actor_id: int | None, now: datetime) -> Computed:
        future = self.pool.submit(_child_compute, [item for _cid, item in entries], actor_id, now)
        self.meanwhile()
        return _remap(future.result(), [cid for cid, _item in entries])

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
