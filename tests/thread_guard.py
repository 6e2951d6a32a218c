"""A guard every test runs under: the app's background threads a test started end with it.

On PostgreSQL the tests take turns on eight databases (``conftest.Databases``). An indexer or mail
sender thread that outlives its test follows the next test on the same database: it adds rows
(an outbox anchor), marks notifications mailed, and makes exact counts fail by chance, on CI
only. The live servers of the browser and deploy tests are shared by many tests and end with the
session, and the benchmarks' smoke tests run production-like apps on files of their own (the
SQLite checkpoint thread included), so those folders are not guarded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

BACKGROUND = {"search-indexer", "mail-sender", "sqlite-checkpoint", "inbox-scheduler",
              "reply-sender", "inbox-worker"}
UNGUARDED = ("tests/browser/", "tests/deploy/", "tests/demo/", "tests/bench/")


def _ours() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name in BACKGROUND and t.is_alive()}


@pytest.fixture(autouse=True)
def background_threads_end_with_the_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves one of the app's background threads running."""
    if request.node.nodeid.startswith(UNGUARDED):
        yield
        return
    before = _ours()
    yield
    deadline = time.monotonic() + 5  # a thread told to stop finishes its round
    while (left := _ours() - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, (f"background threads outlived the test: {sorted(t.name for t in left)}; "
                      "create the app with the tests' thread switches (tests/scale_out_helpers.py)")
