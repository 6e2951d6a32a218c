"""Advisory locks: one holder at a time across every connection to the same PostgreSQL database.

A transaction-level lock (``pg_try_advisory_xact_lock``) is released when its transaction ends,
by commit, rollback or the loss of the connection, so a crashed worker can never keep it.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, text

_TRY_XACT_LOCK = text("SELECT pg_try_advisory_xact_lock(:key)")


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a lock's name (the same in every process, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def try_xact_lock(connection: Connection, name: str) -> bool:
    """Take the lock ``name`` for the connection's current transaction if nobody holds it; False
    at once otherwise (never waits)."""
    return bool(connection.execute(_TRY_XACT_LOCK, {"key": lock_key(name)}).scalar())
