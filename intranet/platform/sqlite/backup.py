"""SQLite's online backup API, for ``flask backup`` and ``flask restore`` (``platform/backup.py``).

Copying the database file while the app runs is not a backup: the last commits may still be in
the ``-wal`` file, and a copy taken during a checkpoint is torn. ``sqlite3.Connection.backup``
copies every page in one read transaction instead: a consistent snapshot of the last commit,
while writers carry on in the write-ahead log. The same call in the other direction writes a
backup into the configured database through SQLite itself, so a ``-wal`` file left beside the
target cannot resurrect the pages it replaced.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

BUSY_TIMEOUT = 30.0  # seconds: a restore waits this long for a writer's lock (the app should be stopped)


def copy_database(source: Path, target: Path) -> None:
    """Copy the database ``source`` into ``target`` (created, or replaced page by page)."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # never opened when there: see engine.py
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # password hashes
    # mode=rw: a missing source is an error, not a new empty database
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT)
    try:
        dst = sqlite3.connect(target, timeout=BUSY_TIMEOUT)
        try:
            src.backup(dst)  # pages=-1: all pages in one step, hence one snapshot
        finally:
            dst.close()
    finally:
        src.close()


def seal(path: Path) -> None:
    """Make a backup copy one self-contained file that passes SQLite's ``quick_check``.

    The copy keeps the source's journal mode; in WAL mode it would need its ``-wal`` and ``-shm``
    files beside it whenever it is opened again. Raises ``ValueError`` if the copy is damaged."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    finally:
        conn.close()
    if problems != ["ok"]:
        raise ValueError("; ".join(problems[:5]))
