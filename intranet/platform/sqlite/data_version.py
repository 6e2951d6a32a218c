"""Has any other connection committed to this SQLite file since I last looked?

SQLite's ``PRAGMA data_version`` changes, on a connection, whenever *another* connection commits
to the same database file, whatever process or code path wrote. One private connection, opened
in the serving process (never before a fork), answers that for a few microseconds a look. The
portable twin is "no answer" (``None``): callers then behave as if something changed.
"""

from __future__ import annotations

import sqlite3


class DataVersion:
    def __init__(self, database: str) -> None:
        self._database = database
        self._watcher: sqlite3.Connection | None = None

    def read(self) -> int | None:
        """The file's data version now; None when it cannot be read (the caller does not cache).
        Call it under the caller's lock: the connection is shared."""
        try:
            if self._watcher is None:
                self._watcher = sqlite3.connect(self._database, check_same_thread=False)
            return self._watcher.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return None
