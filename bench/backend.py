"""``--backend`` for the benches: the embedded SQLite file (default), or PostgreSQL on a throwaway
server started the way the tests start theirs (``tests/pg_server.py``: Debian's binaries, a temp
folder, a free loopback port, fsync and synchronous commit off, stopped when the bench exits).

SQLite in WAL mode with ``synchronous=NORMAL`` does not wait for the disk on commit either, so the
two backends are compared without durability costs on both sides. A bench on PostgreSQL uses the
same rows as on SQLite: ``copy_sqlite`` copies a SQLite file the generator wrote, table by table,
into a database migrated with the real migrations.
"""

from __future__ import annotations

import argparse
import atexit
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, create_engine, insert, select, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from tests import pg_server  # noqa: E402

CHOICES = ("sqlite", "postgresql")
BATCH = 5_000


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=CHOICES, default="sqlite",
                        help="sqlite (the embedded default) or postgresql (a throwaway server)")


@cache
def server() -> pg_server.Server:
    """The bench's PostgreSQL server, started once, stopped at exit."""
    started = pg_server.start()
    atexit.register(started.stop)
    return started


def stop() -> None:
    """Stop the bench's PostgreSQL server if one was started (for exits that skip atexit)."""
    if server.cache_info().currsize:
        server().stop()
        server.cache_clear()


def fresh_url(backend: str, sqlite_path: Path) -> str:
    """An empty database: the SQLite file (deleted first), or a new PostgreSQL database named
    after it."""
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{sqlite_path}"
    name = re.sub(r"\W", "_", sqlite_path.stem).lower()
    admin = create_engine(server().database_url("postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return server().database_url(name)


def migrate(url: str, folder: Path) -> None:
    """The real migrations, as ``flask init-db`` runs them."""
    from intranet import create_app
    from intranet.platform import db
    from intranet.platform.migrate import upgrade

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "UPLOAD_DIR": str(folder / "uploads")})
    with app.app_context():
        upgrade()
        db.engine().dispose()


@cache
def engine(url: str) -> Engine:
    return create_engine(url, poolclass=NullPool)


def scalar(url: str, sql: str, **params: Any) -> Any:
    with engine(url).connect() as conn:
        return conn.execute(text(sql), params).scalar()


def rows(url: str, sql: str, **params: Any) -> list[Any]:
    with engine(url).connect() as conn:
        return list(conn.execute(text(sql), params))


def copy_sqlite(src: Path, url: str) -> int:
    """Every row of the SQLite file ``src`` into the migrated PostgreSQL database ``url`` (foreign
    keys checked by neither side during the copy: the rows were consistent in ``src``); the id
    sequences then continue after the copied ids. Returns the rows copied."""
    from intranet.models import Base

    source, target = create_engine(f"sqlite:///{src}"), engine(url)
    copied = 0
    with source.connect() as reading, target.begin() as writing:
        writing.execute(text("SET LOCAL session_replication_role = replica"))
        for table in Base.metadata.sorted_tables:
            writing.execute(table.delete())
            result = reading.execution_options(yield_per=BATCH).execute(select(table))
            for chunk in result.mappings().partitions(BATCH):
                writing.execute(insert(table), [dict(r) for r in chunk])
                copied += len(chunk)
            if "id" in table.c and table.c.id.autoincrement in (True, "auto"):
                writing.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                     f"coalesce((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))
    source.dispose()
    with target.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return copied


def database_for(backend: str, sqlite_path: Path) -> str:
    """The generator's SQLite file as a URL, or a PostgreSQL copy of it."""
    if backend == "sqlite":
        return f"sqlite:///{sqlite_path}"
    url = fresh_url(backend, sqlite_path)
    migrate(url, sqlite_path.parent)
    copy_sqlite(sqlite_path, url)
    return url
