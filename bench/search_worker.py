"""The search indexer during bench/messaging_bench.py: where it runs, how far behind it falls, and
whether every message sent during the run ended up in the index.

``--indexer process`` (the default) runs it as README tells an administrator to for hundreds of
open pages: the web process with ``INTRANET_SEARCH_INDEXER_THREAD=0`` and a separate, niced
``flask --app wsgi search worker``, which keeps running while the web server is killed and
restarted (it is its own service). ``--indexer thread`` is the embedded default (a thread of the
web process), the setup measured before.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bench import backend

NICE = 10  # README's deployment: the indexer yields the CPU to the web process


def start_worker(root: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    """``nice -n 10 flask --app wsgi search worker`` in its own session (reaped with killpg)."""
    cmd = ["nice", "-n", str(NICE), sys.executable, "-m", "flask", "--app", "wsgi", "search", "worker"]
    return subprocess.Popen(cmd, cwd=root, env={**os.environ, **env}, stdout=log.open("ab"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def index_cursor(index_dir: Path) -> int:
    """The last outbox id the index in ``index_dir`` applied (0: none yet). The outbox is a log
    every host's indexer follows (intranet/search/index/cursor.py): rows stay once indexed, and
    what is pending is what comes after this cursor."""
    try:
        live = (index_dir / "CURRENT").read_text().strip()
        return int((index_dir / live / "outbox.cursor").read_text())
    except (OSError, ValueError):
        return 0


class LagSampler:
    """Every ``period`` s, the age of the oldest pending search outbox row (0 when none): the
    indexing lag as ``flask search status`` reports it, read with plain SQL."""

    def __init__(self, db: str, index_dir: Path, period: float = 0.25) -> None:
        self.db, self.index_dir, self.period, self.samples = db, index_dir, period, []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> LagSampler:
        self.thread.start()
        return self

    def _run(self) -> None:
        while not self.stopping.wait(self.period):
            try:
                oldest = backend.scalar(self.db, "SELECT min(created_at) FROM search_outbox WHERE id > :c",
                                        c=index_cursor(self.index_dir))
            except SQLAlchemyError:
                continue
            if isinstance(oldest, str):  # SQLite's text
                oldest = dt.datetime.fromisoformat(oldest)
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            self.samples.append((now - oldest.replace(tzinfo=None)).total_seconds() if oldest else 0.0)

    def stop(self) -> dict:
        self.stopping.set()
        self.thread.join()
        ordered = sorted(self.samples) or [0.0]
        return {"lag_p99_s": ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))],
                "lag_max_s": ordered[-1]}


def wait_for_outbox(db: str, index_dir: Path, limit_s: float = 10) -> int:
    """Until the indexer has applied every pending outbox row (or ``limit_s``); the rows left."""
    deadline, query = time.time() + limit_s, "SELECT count(*) FROM search_outbox WHERE id > :c"
    while (left := backend.scalar(db, query, c=index_cursor(index_dir))) and time.time() < deadline:
        time.sleep(0.05)
    return left


def indexed_report(db: str, index_dir: Path, wait_s: float = 10) -> dict:
    """After the run: how many of the database's messages the index holds (waits up to ``wait_s``
    for the outbox to empty, so the last ones sent are counted fairly)."""
    pending = wait_for_outbox(db, index_dir, wait_s)
    ids = {row[0] for row in backend.rows(db, "SELECT id FROM messages WHERE deleted_at IS NULL")}
    from intranet.search.index.store import IndexStore

    with IndexStore(index_dir).index().searcher() as searcher:
        keys = {fields["key"] for fields in searcher.all_stored_fields()}
    found = sum(f"message:{mid}" in keys for mid in ids)
    return {"messages": len(ids), "indexed": found, "outbox_left": pending}
