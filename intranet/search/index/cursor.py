"""How far a host's index has followed the search outbox, and the locks of its index root.

Every host keeps its own Whoosh folder (a local replica: Whoosh is never shared over a network
file system) and follows the outbox as a log. Its cursor is the last outbox id applied to the
index, kept in a small file INSIDE the index folder (``ix-*/outbox.cursor``), written after
each index commit. Why a file there rather than a table keyed by host name:

- the cursor describes what one folder holds, so it travels with it: a rebuild writes the id it
  noted into its new folder, and the swap of ``CURRENT`` replaces index and cursor at once (the
  rebuild journal is no longer needed); a folder restored from a backup, copied to a new host or
  wiped comes with its own cursor, or none, never with another folder's;
- host names are not identities (containers, renamed machines, two apps with different
  ``SEARCH_INDEX_DIR`` on one machine), and a dead host's row would stay for ever;
- following costs no write transaction: on PostgreSQL every write takes the commit-order lock
  (platform/postgres/commit_order.py), so a cursor row per host per round would queue behind
  the users' writes, and theirs behind it.

Locks, as files in ``SEARCH_INDEX_DIR`` (``fcntl`` locks through Whoosh's ``FileLock``: held by
an open file, released by the OS when a process dies, and exclusive between threads too, since
each acquisition opens the file anew):

- ``INDEXER.lock`` for one indexer round (read the cursor, write the index, write the cursor) and
  for a rebuild's swap: one writer per index folder per host, whoever runs it (the web process's
  thread, ``flask search worker``, a test's ``drain``), and no round straddles a swap;
- ``REBUILD.lock`` for a whole rebuild: two rebuilds of one root would delete each other's folder.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh.util.filelock import FileLock, try_for

CURSOR_FILE = "outbox.cursor"
ROUND_LOCK = "INDEXER.lock"
REBUILD_LOCK = "REBUILD.lock"
ROUND_TIMEOUT = 120.0  # seconds a round waits for another round or a swap (each takes < 1 s)


class RebuildRunning(RuntimeError):
    """Another process or thread is rebuilding this index root."""


def read_cursor(folder: Path) -> int | None:
    """The last outbox id applied to the index in ``folder``; None: it has never followed."""
    try:
        return int((folder / CURSOR_FILE).read_text().strip())
    except FileNotFoundError:
        return None


def write_cursor(folder: Path, last_id: int) -> None:
    """Record ``last_id`` as applied (call it AFTER the index commit that applied it).

    Written to a temporary file and renamed over the old one, so a reader sees the old value or
    the new one, never a torn one. A crash between the index commit and this write leaves the
    older cursor: the batch is applied again, which is harmless (documents are rebuilt from the
    database and written by their unique key)."""
    tmp = folder / f"{CURSOR_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.write_text(f"{last_id}\n")
    os.replace(tmp, folder / CURSOR_FILE)


@contextmanager
def round_lock(root: Path, timeout: float = ROUND_TIMEOUT) -> Iterator[None]:
    """Hold the root's indexer lock (waits for the round or swap that holds it)."""
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / ROUND_LOCK))
    if not try_for(lock.acquire, timeout=timeout, delay=0.01):
        raise TimeoutError(f"search index {root}: another indexer held {ROUND_LOCK} for {timeout} s")
    try:
        yield
    finally:
        lock.release()


@contextmanager
def rebuild_lock(root: Path) -> Iterator[None]:
    """Hold the root's rebuild lock, or raise RebuildRunning at once."""
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / REBUILD_LOCK))
    if not lock.acquire(blocking=False):
        raise RebuildRunning(f"a rebuild of {root} is already running")
    try:
        yield
    finally:
        lock.release()
