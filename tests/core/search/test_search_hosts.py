"""Search on several hosts: one database, an index folder per host, every host indexes every change.

Each "host" is an app of its own on the test's database (the same ``DATABASE_URL``) with its own
``SEARCH_INDEX_DIR``, as web hosts in a scale-out each keep a local Whoosh replica. Their
indexers follow the outbox as a log from their own cursor; rows are purged by age only.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from intranet import create_app
from intranet.models import SearchOutbox
from intranet.platform import db
from intranet.search import THREAD
from intranet.search.index import indexer, outbox, rebuild
from intranet.search.index.cursor import RebuildRunning, read_cursor, rebuild_lock, write_cursor
from tests.conftest import _config
from tests.core.search.test_search import post
from tests.search_helpers import found

Host = Callable[..., Flask]


@pytest.fixture
def host(app: Flask, tmp_path: Path) -> Iterator[Host]:
    """Another web host on the test's database, with an empty index folder of its own (and the
    one shared upload folder)."""
    made: list[Flask] = []

    def make(name: str, **config: Any) -> Flask:
        other = create_app({**_config(tmp_path / name, app.config["DATABASE_URL"]),
                            "UPLOAD_DIR": app.config["UPLOAD_DIR"], **config})
        made.append(other)
        return other

    yield make
    for other in made:
        thread = other.extensions.get(THREAD)
        if thread is not None:
            assert thread.stop(wait=60), "an indexer thread outlived its test"
        with other.app_context():
            db.engine().dispose()


def drain(on: Flask) -> int:
    with on.app_context():
        return indexer.drain()


def folder(on: Flask) -> Path:
    with on.app_context():
        return indexer.store().current_dir()


def cursor(on: Flask) -> int | None:
    return read_cursor(folder(on))


def newest_row(on: Flask) -> int:
    with on.app_context():
        return db.session.scalar(select(func.max(SearchOutbox.id)))


def age_every_row(on: Flask, hours: float) -> None:
    """Make every outbox row written so far ``hours`` old."""
    with on.app_context(), db.transaction() as s:
        s.execute(update(SearchOutbox).values(
            created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)))


def purge(on: Flask, hours: float = 24) -> int:
    with on.app_context():
        return outbox.purge(hours)


def test_a_post_written_on_one_host_is_found_on_another(app: Flask, cast: Any, host: Host) -> None:
    b = host("b")
    drain(app), drain(b)
    pid = post(app, cast.alice, "Zeppelin hangar opens on Monday")
    assert found(b, cast.alice, "zeppelin") == set()  # B's indexer has not run yet
    with b.app_context():
        count, oldest = indexer.pending(db.session())  # what B's status and health report
        assert count == 1 and oldest is not None
    assert drain(b) == 1
    with b.app_context():
        assert indexer.pending(db.session()) == (0, None)
    assert found(b, cast.alice, "zeppelin") == {("post", pid)}
    assert drain(app) == 1  # the row is still there for A: B deleted nothing
    assert found(app, cast.alice, "zeppelin") == {("post", pid)}
    assert cursor(app) == cursor(b) == newest_row(app)
    assert folder(app) != folder(b)


def test_another_hosts_indexer_thread_finds_it_within_its_poll(app: Flask, cast: Any,
                                                               host: Host) -> None:
    """A's commit wakes only A's indexer: B's thread sees the row at its next poll (1 s)."""
    b = host("b", SEARCH_INDEXER_THREAD=True)
    drain(b)
    b.extensions[THREAD].start()  # what B's first request does
    pid = post(app, cast.bob, "Zeppelin spotted over the car park")
    deadline = time.monotonic() + 20  # a loaded machine; the poll makes it about 1 s
    while (hits := found(b, cast.bob, "zeppelin")) == set() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert hits == {("post", pid)}


def test_a_host_joining_with_an_empty_folder_builds_then_follows(app: Flask, cast: Any,
                                                                 host: Host) -> None:
    drain(app)
    old = [post(app, cast.lea, f"Zeppelin logbook, page {n}") for n in range(3)]
    drain(app)
    age_every_row(app, 48)
    assert purge(app) > 0  # the outbox no longer holds the cast's rows nor these posts
    c = host("c")
    assert cursor(c) is None
    assert drain(c) == 0  # built from the database; nothing written since
    assert found(c, cast.lea, "zeppelin") == {("post", p) for p in old}
    assert found(c, cast.alice, "durand") == {("person", cast.bob.id)}
    assert cursor(c) == newest_row(app)
    late = post(app, cast.lea, "Zeppelin logbook, the last page")
    assert drain(c) == 1
    assert ("post", late) in found(c, cast.lea, "zeppelin")


def test_the_join_follows_from_the_id_noted_before_the_build(app: Flask, cast: Any, host: Host,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A post committed after the build read the database (and before the swap) is not in the
    build: following from the id noted BEFORE the build finds it."""
    drain(app)
    real_fill, during = rebuild._fill, []

    def fill_then_someone_posts(*args: Any) -> int:
        written = real_fill(*args)
        during.append(post(app, cast.alice, "Zeppelin posted during the build"))
        return written

    monkeypatch.setattr(rebuild, "_fill", fill_then_someone_posts)
    c = host("c")
    assert drain(c) == 1
    assert found(c, cast.alice, "zeppelin") == {("post", during[0])}


def test_purge_by_age_never_drops_what_a_live_host_has_not_applied(app: Flask, cast: Any,
                                                                    host: Host) -> None:
    """The rule: rows are purged by age only, a live host applies rows within seconds, and a
    host whose cursor falls behind the rows kept rebuilds (here C, stopped for two days)."""
    b, c = host("b"), host("c")
    drain(app), drain(b), drain(c)  # C stops here
    first = [post(app, cast.alice, f"Zeppelin week {n}") for n in range(2)]
    drain(app), drain(b)
    age_every_row(app, 48)
    fresh = post(app, cast.alice, "Zeppelin this morning")  # B has not applied it yet
    b_folder, b_cursor = folder(b), cursor(b)
    assert purge(app) > 0
    with app.app_context():
        kept = outbox.bounds(db.session())
    assert kept.oldest == b_cursor  # the newest old row stays: the log's prefix went, no more
    assert kept.newest == newest_row(app) > b_cursor  # B's pending row was young: kept

    assert drain(b) == 1  # B follows on, no rebuild
    assert folder(b) == b_folder
    assert found(b, cast.alice, "zeppelin") == {("post", p) for p in (*first, fresh)}

    c_folder = folder(c)
    drain(c)  # C's cursor is older than the oldest row kept: it rebuilds, then follows
    assert folder(c) != c_folder
    assert found(c, cast.alice, "zeppelin") == {("post", p) for p in (*first, fresh)}
    assert cursor(c) == newest_row(app)


def test_purge_keeps_the_newest_row_so_ids_go_on(app: Flask, cast: Any, host: Host) -> None:
    """Everything old: one row stays (SQLite would otherwise give id 1 again, and PostgreSQL's
    next id could not be told from a purged one)."""
    drain(app)
    post(app, cast.bob, "Zeppelin before the holidays")
    drain(app)
    newest = newest_row(app)
    age_every_row(app, 24 * 30)
    purge(app)
    with app.app_context():
        assert db.session.scalars(select(SearchOutbox.id)).all() == [newest]
    ix = folder(app)
    pid = post(app, cast.bob, "Zeppelin after the holidays")
    assert newest_row(app) > newest
    assert drain(app) == 1
    assert folder(app) == ix  # no rebuild
    assert ("post", pid) in found(app, cast.bob, "zeppelin")
    with app.app_context():
        assert outbox.purge(24) == 0  # the young row and the newest old one stay


def test_an_index_from_before_the_log_is_adopted_not_rebuilt(app: Flask, cast: Any) -> None:
    """An index written while the outbox was a queue (documents, no cursor): its indexer
    deleted what it applied, so it follows from the oldest row left. An empty outbox (the usual
    state then) gets an anchor row: on PostgreSQL the next id is not 1."""
    drain(app)
    pid = post(app, cast.bob, "Zeppelin indexed by the old queue")
    drain(app)
    ix = folder(app)
    (ix / "outbox.cursor").unlink()
    with app.app_context(), db.transaction() as s:
        s.execute(SearchOutbox.__table__.delete())  # the old indexer deleted every row it applied
    pending = post(app, cast.bob, "Zeppelin still in the queue")
    assert drain(app) == 1
    assert folder(app) == ix
    assert found(app, cast.bob, "zeppelin") == {("post", pid), ("post", pending)}

    (ix / "outbox.cursor").unlink()
    with app.app_context(), db.transaction() as s:
        s.execute(SearchOutbox.__table__.delete())
    assert drain(app) == 1  # the anchor row, which no kind indexes
    later = post(app, cast.bob, "Zeppelin after the upgrade")
    assert drain(app) == 1
    assert folder(app) == ix
    assert ("post", later) in found(app, cast.bob, "zeppelin")


def test_a_cursor_ahead_of_the_outbox_rebuilds(app: Flask, cast: Any) -> None:
    """A database restored from a backup older than the index: its ids will be given again."""
    drain(app)
    pid = post(app, cast.bob, "Zeppelin restored")
    ix = folder(app)
    write_cursor(ix, newest_row(app) + 100)
    drain(app)
    assert folder(app) != ix
    assert found(app, cast.bob, "zeppelin") == {("post", pid)}


def test_a_join_waits_while_another_rebuild_runs(app: Flask, cast: Any) -> None:
    with app.app_context():
        root = indexer.store().root
        with rebuild_lock(root):
            assert indexer.drain() == 0  # no cursor yet, and the rebuild is someone else's
            with pytest.raises(RebuildRunning):
                rebuild.rebuild()
        assert indexer.drain() == 0
    assert cursor(app) == newest_row(app)


def test_cli_status_and_purge_on_a_joining_host(app: Flask, cast: Any, host: Host) -> None:
    drain(app)
    post(app, cast.bob, "Zeppelin status")
    c = host("c")
    status = c.test_cli_runner().invoke(args=["search", "status"])
    assert status.exit_code == 0, status.output
    assert "cursor: none" in status.output
    drain(c)
    status = c.test_cli_runner().invoke(args=["search", "status"])
    assert f"cursor: {newest_row(app)} " in status.output
    assert "pending outbox rows: 0" in status.output and "retention 24 h" in status.output
    age_every_row(app, 48)
    purged = app.test_cli_runner().invoke(args=["search", "purge"])
    assert purged.exit_code == 0, purged.output
    assert purged.output.startswith("Purged ") and "older than 24 h" in purged.output


def test_indexers_purge_by_age_now_and_then(app: Flask, cast: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """``flask search worker`` (and the thread, through the same ``Purger``) purges at its first
    round, then every ``SEARCH_OUTBOX_PURGE_SECONDS``; 0 leaves it to ``flask search purge``."""
    drain(app)
    post(app, cast.bob, "Zeppelin, old news")
    age_every_row(app, 48)
    calls: list[float] = []
    real_purge = outbox.purge

    def counted(hours: float) -> int:
        calls.append(hours)
        return real_purge(hours)

    monkeypatch.setattr(outbox, "purge", counted)
    with app.app_context():
        rounds = iter(range(4))
        indexer.run_worker(poll=0, stop=lambda: next(rounds) >= 3, pause=lambda _s: None)
        assert calls == [24.0]  # three rounds, one purge
        kept = outbox.bounds(db.session())
        assert kept.oldest == kept.newest  # every row was two days old: the newest stays
        app.config["SEARCH_OUTBOX_PURGE_SECONDS"] = 0
        rounds = iter(range(4))
        indexer.run_worker(poll=0, stop=lambda: next(rounds) >= 3, pause=lambda _s: None)
    assert calls == [24.0]
