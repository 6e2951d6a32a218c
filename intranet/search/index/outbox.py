"""The search outbox read as a log: every host's indexer follows it from its own cursor.

Actions write outbox rows in the same transaction as the change they index. Nobody deletes a row
once indexed any more (with several hosts, each must apply every row to its own index): rows are
kept ``SEARCH_OUTBOX_RETENTION_HOURS`` and purged by age (``purge``), never by an indexer.

"Rows after id N, in id order" is a correct cursor because ids become visible in id order on both
backends: SQLite has one writer at a time, and on PostgreSQL every write transaction takes the
commit-order lock before its first write (platform/postgres/commit_order.py), so once id N is
visible no id below N can appear later.

Two rules keep "is this cursor still followable?" exact:

- ``purge`` deletes a PREFIX of the log (ids below a bound, never by a per-row age test), and
  keeps the newest row older than the cutoff: the oldest row kept is then the bound itself, and
  every id below it is gone. A cursor older than that bound (``cursor < oldest - 1``) missed rows:
  its index must be rebuilt. A live host, whose lag is seconds, is never in that case: its cursor
  is a row it applied, younger than the retention window or the newest row of all;
- the log is never empty once a cursor was taken from it (``anchor``): on PostgreSQL an empty
  table says nothing about the next id (the sequence goes on), and SQLite without AUTOINCREMENT
  would hand out id 1 again. An empty outbox gets one ``anchor`` row, which no kind indexes, and
  purge keeps the newest row, so it stays non-empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from intranet.models import SearchOutbox
from intranet.platform import db

ANCHOR_KIND = "anchor"  # a row that only gives the log an id to start from (no kind is named so)
PURGE_CHUNK = 5000  # rows deleted per transaction (each holds PostgreSQL's commit-order lock)


@dataclass(frozen=True)
class Bounds:
    oldest: int | None  # smallest id kept (None: the outbox is empty)
    newest: int | None


def bounds(session: Session) -> Bounds:
    row = session.execute(select(func.min(SearchOutbox.id), func.max(SearchOutbox.id))).one()
    return Bounds(row[0], row[1])


def rows_after(session: Session, cursor: int, limit: int) -> list[Any]:
    """The next ``limit`` rows after ``cursor``, in id order (the primary key's range)."""
    return list(session.execute(
        select(SearchOutbox.id, SearchOutbox.kind, SearchOutbox.object_id, SearchOutbox.op)
        .where(SearchOutbox.id > cursor).order_by(SearchOutbox.id).limit(limit)).all())


def followable(cursor: int, found: Bounds) -> bool:
    """Whether following from ``cursor`` misses nothing: no row after it was purged, and the
    outbox is not older than the cursor (a database restored from a backup, or replaced)."""
    if found.oldest is None or found.newest is None:
        return False  # a cursor was taken from this log, which then was never empty
    return found.oldest - 1 <= cursor <= found.newest


def anchored() -> Bounds:
    """The outbox's bounds, after giving an empty outbox its anchor row (its own transaction).

    On PostgreSQL the anchor's id, like every id, is allocated under the commit-order lock: any
    row with a lower id has committed when the anchor's transaction commits."""
    with db.transaction() as s:
        found = bounds(s)
        if found.newest is None:
            s.add(SearchOutbox(kind=ANCHOR_KIND, object_id=0, op="noop"))
            s.flush()
            found = bounds(s)
    return found


def lag(session: Session, cursor: int) -> tuple[int, dt.datetime | None]:
    """(rows after ``cursor``, creation time of the first of them) for ``search status``."""
    count = session.scalar(select(func.count(SearchOutbox.id)).where(SearchOutbox.id > cursor))
    first = session.scalar(select(SearchOutbox.created_at).where(SearchOutbox.id > cursor)
                           .order_by(SearchOutbox.id).limit(1))
    return count or 0, first


def oldest_time(session: Session) -> dt.datetime | None:
    return session.scalar(select(SearchOutbox.created_at).order_by(SearchOutbox.id).limit(1))


def purge_bound(session: Session, cutoff: dt.datetime) -> int | None:
    """The id below which rows may go: the newest row written before ``cutoff`` (it stays).

    The old rows are those before the first row written at or after ``cutoff`` in id order: a
    walk of the primary key that reads only the rows about to go (``created_at`` has no index).
    Creation times follow ids closely but not exactly (a time is taken before the commit-order
    lock): ending at the first young row keeps the purged set a prefix of the log."""
    first_young = session.scalar(select(SearchOutbox.id).where(SearchOutbox.created_at >= cutoff)
                                 .order_by(SearchOutbox.id).limit(1))
    newest_old = select(func.max(SearchOutbox.id))
    if first_young is not None:
        newest_old = newest_old.where(SearchOutbox.id < first_young)
    return session.scalar(newest_old)


def purge(retention_hours: float, now: dt.datetime | None = None, chunk: int = PURGE_CHUNK) -> int:
    """Delete the rows older than the retention window (by age only); returns how many went.

    Whether a host has applied them is not asked: a host that is live applies a row within
    seconds, and a host whose cursor falls behind the rows kept rebuilds its index from the
    database (``followable``). Short transactions of ``chunk`` rows, oldest first."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(hours=retention_hours)
    s = db.session()
    try:
        bound = purge_bound(s, cutoff)
    finally:
        s.rollback()
    removed = 0
    while bound is not None:
        with db.transaction() as s:
            low = s.scalar(select(func.min(SearchOutbox.id)))
            if low is None or low >= bound:
                break
            upto = min(bound, low + chunk)
            removed += s.execute(delete(SearchOutbox).where(SearchOutbox.id < upto)).rowcount
    return removed
