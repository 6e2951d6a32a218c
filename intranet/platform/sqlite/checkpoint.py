"""SQLite WAL checkpoints off the request path, in one thread of the web process.

SQLite moves the write-ahead log back into the database file inside the commit that takes the
log past 1,000 pages (``wal_autocheckpoint``): with ~12 pages written per message, every ~80th
send paid for copying 4 MB and syncing the file (5-10 ms in-process, up to ~80 ms under the
messaging bench's load) in its request, before its events were emitted. The web process turns
that off on its own connections and checkpoints every ``SQLITE_CHECKPOINT_SECONDS`` instead, from
this thread and its own connection (sqlite3 releases the GIL while it copies and syncs).

``PASSIVE``: as the automatic checkpoint, it never waits for readers or writers. After a complete
one the next writer starts the log again from its beginning, so the file stays about the size of
one interval's writes (tests/test_checkpoint.py). Other processes (CLI, the search worker) and
any app that never served a request keep SQLite's default: nothing starts this thread for them.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from flask import Flask
from sqlalchemy import Engine, event

log = logging.getLogger(__name__)
KEY = "intranet.checkpointer"
_OFF = "intranet.autocheckpoint_off"


class Checkpointer:
    def __init__(self, engine: Engine, seconds: float) -> None:
        self.path = engine.url.database or ""
        self.seconds = seconds
        self.restart_frames = 4000
        self.running = False
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self._lock = threading.Lock()
        event.listen(engine, "checkout", self._on_checkout)

    def start(self) -> None:
        """Before each request (cheap after the first): from now on, this thread checkpoints."""
        if self.thread is not None:
            return
        with self._lock:
            if self.thread is None:
                self.running = True
                self.thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
                self.thread.start()

    def stop(self) -> None:
        self.stopping.set()

    def _on_checkout(self, dbapi_conn: sqlite3.Connection, record: object, _proxy: object) -> None:
        """Once per pooled connection, once the thread runs: no checkpoint inside its commits."""
        if self.running and not record.info.get(_OFF):  # type: ignore[attr-defined]
            dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")
            record.info[_OFF] = True  # type: ignore[attr-defined]

    def checkpoint(self, conn: sqlite3.Connection) -> tuple[int, int, int]:
        """One passive checkpoint: (busy, log frames, frames copied), as SQLite reports it.

        The log starts over only when a write transaction begins after a complete checkpoint and
        before any other commit: under a steady flow a commit can land during every passive
        one. Past ``restart_frames`` (16 MB) a ``RESTART`` one follows: it waits for the writer
        of the moment and holds new ones back while it copies the few frames left and syncs."""
        row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if row[1] > self.restart_frames:
            row = conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
        return row

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
        try:
            while not self.stopping.wait(self.seconds):
                try:
                    self.checkpoint(conn)
                except sqlite3.Error:  # keep serving: the log only grows until the next one works
                    log.exception("WAL checkpoint failed")
        finally:
            conn.close()


def init_app(app: Flask, engine: Engine) -> None:
    """A file SQLite database and ``SQLITE_CHECKPOINT_SECONDS`` > 0: checkpoint in a thread that
    starts with the first request (as the search indexer thread does)."""
    seconds = float(app.config.get("SQLITE_CHECKPOINT_SECONDS") or 0)
    if seconds <= 0 or engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return
    checkpointer = app.extensions[KEY] = Checkpointer(engine, seconds)
    app.before_request(checkpointer.start)
