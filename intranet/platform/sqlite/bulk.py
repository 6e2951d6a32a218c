"""Bulk INSERTs on SQLite: multi-row ``INSERT ... VALUES (...), (...)`` built once per shape.

SQLAlchemy's executemany processes every parameter of every row in Python (type decorators,
enums, JSON) and cost ~45-65 µs a row on our tables; a multi-row VALUES statement with plain
parameters costs a few µs a row (about half of reading the rows from one JSON array parameter
with ``json_each``, measured on the webhook's 5-row inserts and the import's 1,000-row ones).
Bulk imports insert four rows per case, so this is what keeps them above 10,000 rows a second.
Values are converted exactly as our column types store them (naive UTC ``YYYY-MM-DD
HH:MM:SS.ffffff``, enum names, JSON text for JSON columns), and other databases keep the
SQLAlchemy path (``supported`` is False there).
"""

from __future__ import annotations

import enum
import json
import sqlite3
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, Table
from sqlalchemy.orm import Session


def supported(session: Session) -> bool:
    """SQLite with RETURNING (3.35+) and JSON functions."""
    return engine_supported(session.get_bind())


def engine_supported(engine: Engine) -> bool:
    """``supported`` for code that writes on a DB-API connection of its own (no session)."""
    return engine.dialect.name == "sqlite" and sqlite3.sqlite_version_info >= (3, 35)


def sqlite_time(value: datetime) -> str:
    """How SQLAlchemy stores our UTC datetimes in SQLite (naive UTC, microseconds)."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


_PLAIN = frozenset((str, int, float, bool, type(None), dict, list))


def _converter() -> Any:
    """A value converter for one statement; datetimes and enums repeat a lot in a batch (the
    same ``now`` in every row), so each distinct one is converted once."""
    memo: dict[Any, Any] = {}

    def plain(value: Any) -> Any:
        if type(value) in _PLAIN:
            return value
        found = memo.get(value)
        if found is None:
            if isinstance(value, datetime):
                found = sqlite_time(value)
            elif isinstance(value, enum.Enum):
                found = value.name  # SQLAlchemy's Enum(enum class) stores the member's name
            else:
                found = value
            memo[value] = found
        return found
    return plain


def execute(target: Session | sqlite3.Connection, sql: str, params: tuple[Any, ...] | list[Any]
            ) -> list[tuple]:
    """Run SQL on the session's own DB-API connection (same transaction), or on a DB-API
    connection, skipping SQLAlchemy's per-row Result objects: RETURNING thousands of ids costs a
    plain ``fetchall``."""
    conn = target if isinstance(target, sqlite3.Connection) else \
        target.connection().connection.driver_connection
    return conn.execute(sql, params).fetchall()


def insert_rows(session: Session | sqlite3.Connection, table: Table, rows: list[dict[str, Any]], *,
                returning: tuple[str, ...] = (), on_conflict: tuple[str, ...] = ()) -> list[tuple]:
    """INSERT ``rows`` (dicts with the same keys) into ``table``; optional ON CONFLICT (columns)
    DO NOTHING and RETURNING. JSON columns (dict/list values) are stored as JSON text."""
    if not rows:
        return []
    columns = tuple(rows[0])
    plain = _converter()
    as_json = _json_columns(table, columns)
    values = [tuple(plain(row[c]) if c not in as_json or row[c] is None else _dumps(row[c]) for c in columns)
              for row in rows]
    return insert_values(session, table, columns, values, returning=returning, on_conflict=on_conflict)


def insert_values(session: Session | sqlite3.Connection, table: Table, columns: tuple[str, ...],
                  values: list[tuple], *, returning: tuple[str, ...] = (),
                  on_conflict: tuple[str, ...] = ()) -> list[tuple]:
    """``insert_rows`` for rows already converted to what SQLite stores, as tuples in the order
    of ``columns`` (hot paths build them directly)."""
    found: list[tuple] = []
    step = _rows_per_statement(len(columns))
    for start in range(0, len(values), step):
        chunk = values[start:start + step]
        params = [value for row in chunk for value in row]
        found += execute(session, _insert_sql(table, columns, returning, on_conflict, len(chunk)), params)
    return found if returning else []


def _dumps(value: Any) -> str:
    return json.dumps(value)  # the default arguments: the module's shared encoder, no set-up


def _rows_per_statement(width: int) -> int:
    """Rows per multi-row VALUES: SQLite allows 32,766 parameters a statement (3.32+)."""
    return max(1, min(500, 32_000 // width))


@lru_cache(maxsize=256)
def _insert_sql(table: Table, columns: tuple[str, ...], returning: tuple[str, ...],
                on_conflict: tuple[str, ...], count: int) -> str:
    """The statement for one shape and count of rows, built once. A multi-row ``VALUES`` costs
    SQLite about half of what reading the same rows from a JSON array (``json_each``) did."""
    row = "(" + ", ".join("?" * len(columns)) + ")"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES {', '.join([row] * count)}"
    if on_conflict:
        sql += f" ON CONFLICT ({', '.join(on_conflict)}) DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    return sql


@lru_cache(maxsize=64)
def _json_columns(table: Table, columns: tuple[str, ...]) -> frozenset[str]:
    return frozenset(c for c in columns if _is_json(table, c))


def _is_json(table: Table, column: str) -> bool:
    return table.c[column].type.__class__.__name__ == "JSON"
