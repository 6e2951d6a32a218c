"""The indexer's rounds (``flask search worker`` and the web process's thread): one index commit
per round, whatever arrives meanwhile.

Each Whoosh commit costs ~8 ms of CPU whatever its size; a round that drained until nothing was
left, or a round per commit, made extra commits of the one or two messages sent meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask

from intranet.platform import db
from intranet.search import THREAD
from intranet.search.index import indexer, outbox
from intranet.search.index.cursor import read_cursor
from tests.core.search.test_search import post
from tests.search_helpers import found


def _rounds(n: int) -> Callable[[], bool]:
    """``stop`` for ``run_worker``: let it run ``n`` rounds."""
    calls = iter(range(n + 1))
    return lambda: next(calls) >= n


def _generation(app: Flask) -> int:
    with app.app_context():
        return indexer.store().index().latest_generation()


def _pending(app: Flask) -> int:
    """Outbox rows after this index's cursor (the rows themselves stay: other hosts follow them)."""
    with app.app_context():
        return outbox.lag(db.session(), read_cursor(indexer.store().current_dir()) or 0)[0]


def test_a_round_commits_once_and_leaves_what_arrived_meanwhile(app: Flask, cast: Any, monkeypatch: Any,
                                                                drain_index: Any) -> None:
    drain_index()  # the cast's own rows
    first = post(app, cast.alice, "Zeppelin maintenance handbook")
    real_write, late = indexer.write, []

    def write_while_someone_posts(*args: Any) -> None:
        if not late:  # a colleague posts while the first batch is being written
            late.append(post(app, cast.lea, "Zeppelin hangar opening hours"))
        real_write(*args)

    monkeypatch.setattr(indexer, "write", write_while_someone_posts)
    before = _generation(app)
    with app.app_context():
        indexer.run_worker(poll=0.01, stop=_rounds(1), pause=lambda _s: None)
    assert _generation(app) == before + 1
    assert found(app, cast.alice, "zeppelin") == {("post", first)}
    assert _pending(app) == 1  # the late post waits for the next round, not lost

    with app.app_context():
        indexer.run_worker(poll=0.01, stop=_rounds(1), pause=lambda _s: None)
    assert found(app, cast.alice, "zeppelin") == {("post", first), ("post", late[0])}
    assert _pending(app) == 0


def test_a_full_batch_goes_on_without_waiting(app: Flask, cast: Any, drain_index: Any) -> None:
    """A backlog (a batch as large as the limit) is worked through at once, then it waits."""
    drain_index()
    ids = {post(app, cast.alice, f"Zeppelin note {i}") for i in range(3)}
    pauses: list[float] = []
    with app.app_context():
        indexer.run_worker(poll=0.5, stop=_rounds(2), limit=2, pause=pauses.append)
    assert found(app, cast.alice, "zeppelin") == {("post", i) for i in ids}
    assert _pending(app) == 0
    assert pauses == [0.5]  # none after the full batch of 2, one after the last post


def _found_soon(app: Flask, user: Any, word: str, count: int) -> set[tuple[str, int]]:
    """What ``user`` finds for ``word`` once ``count`` hits are there (or after 20 s)."""
    deadline = time.monotonic() + 20
    while len(hits := found(app, user, word)) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return hits


def test_indexer_thread_wakes_on_a_commit_then_gathers_a_flow(app: Flask, cast: Any,
                                                              drain_index: Any) -> None:
    """A lone post is indexed as soon as it is committed (``poll`` is 30 s: only the commit's
    wake-up can be that fast). After a round that found work, the commits made while it gathers
    make one batch, not one index commit each (~8 ms of CPU under the web process's GIL).

    The gathering wait is held until the three posts are committed, so the test does not depend
    on how fast a loaded machine writes them within ``gather`` seconds."""
    drain_index()  # the index exists and follows the outbox (a joining host builds it first)
    flow_written = threading.Event()
    thread = app.extensions[THREAD] = indexer.IndexerThread(
        app, poll=30, gather=1.0, pause=lambda _seconds: flow_written.wait(20))
    thread.start()
    try:
        first = post(app, cast.bob, "Gathered zeppelin one")
        assert _found_soon(app, cast.bob, "zeppelin", 1) == {("post", first)}
        generation = _generation(app)
        flow = [post(app, cast.bob, f"Gathered zeppelin {n}") for n in ("two", "three", "four")]
        flow_written.set()
        assert _found_soon(app, cast.bob, "zeppelin", 4) == {("post", p) for p in (first, *flow)}
        assert _generation(app) == generation + 1
    finally:
        flow_written.set()
        thread.stop()
        thread.thread.join(5)
