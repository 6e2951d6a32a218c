"""Keyset pages over lists ordered by (a time, an id), for lists that have no increasing id of
their own to page on (saved posts by when they were saved, scheduled posts by when they go out).

A page starts strictly past the previous page's last item, so a row inserted or deleted meanwhile
never shifts the others (an offset would repeat or skip them); the id breaks ties between equal
times, so no two rows share a place. A row whose time *changes* while someone pages (a draft
saved again) moves in the order and may be met twice or not at all on that walk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Row, Select, and_, or_
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Key:
    """A place in the order: the last item of the previous page."""

    at: Any  # datetime, as the column hands it back
    id: int


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_key: Key | None  # pass back for the next page; None on the last page


def _past(key: Key, at: Any, id_: Any, descending: bool) -> ColumnElement[bool]:
    if descending:
        return or_(at < key.at, and_(at == key.at, id_ < key.id))
    return or_(at > key.at, and_(at == key.at, id_ > key.id))


def rows_page(session: Session, stmt: Select, at: Any, id_: Any, key: Key | None, limit: int, *,
              descending: bool) -> tuple[list[Row], Key | None]:
    """``stmt``'s rows in (at, id) order past ``key``, at most ``limit``, and the key of the last
    one when more follow (one row more is read to know)."""
    stmt = stmt.add_columns(at.label("key_at"), id_.label("key_id"))
    if key is not None:
        stmt = stmt.where(_past(key, at, id_, descending))
    order = (at.desc(), id_.desc()) if descending else (at, id_)
    rows = list(session.execute(stmt.order_by(*order).limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, Key(rows[-1].key_at, rows[-1].key_id) if more else None
