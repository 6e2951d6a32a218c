"""The search outbox read as a log: every host's indexer follows it from its own cursor.

Actions write outbox rows in the same transaction as the change they index. Nobody deletes a row
once indexed any more (with several hosts, each must apply every row to its own index).

"Rows after id N, in id order" is a correct cursor because ids become visible in id order on both
backends: SQLite has one writer at a time, and on PostgreSQL every write transaction takes the
commit-order lock before its first write (platform/postgres/commit_order.py), so once id N is
visible no id below N can appear later.

"Is this cursor still followable?" (``followable``): only rows BELOW the oldest one kept may
ever be deleted, so a cursor older than that (``cursor < oldest - 1``) may have missed rows and
its index must be rebuilt. And the log is never empty once a cursor was taken from it
(``anchored``): on PostgreSQL an empty table says nothing about the next id (the sequence goes
on), and SQLite without AUTOINCREMENT would hand out id 1 again. An empty outbox gets one
``anchor`` row, which no kind indexes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intranet.models import SearchOutbox
from intranet.platform import db

ANCHOR_KIND = "anchor"  # a row that only gives the log an id to start from (no kind is named so)


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
