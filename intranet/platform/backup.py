"""``flask backup DEST`` and ``flask restore SRC``: the database, the uploaded files, a manifest.

A backup is a folder::

    manifest.json       backend, created_at, schema revision, row counts, files copied and missing
    database.sqlite3    SQLite: a copy through the online backup API (platform/sqlite/backup.py)
    database.dump       PostgreSQL: pg_dump's custom format (restored with pg_restore)
    uploads/            UPLOAD_DIR as it was: shared files by sha256, avatars

The manifest is written last, so a folder without one is an interrupted backup. The database is
copied before the files: a file is stored before the row that refers to it commits, so every
file the copy refers to is on disk by then (one removed from a post and swept in between is the
exception, and is listed under ``missing``). On PostgreSQL the counts are read in the very
snapshot pg_dump copies (``pg_export_snapshot``); on SQLite from the copy itself.

Restore refuses a database that holds any row unless forced, copies the database and the files
back, and checks the counts against the manifest. The caller (``intranet/cli.py``) then upgrades
the schema and rebuilds the search index, which is derived data and never backed up.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import Connection, Engine, create_engine, func, inspect, select, text
from sqlalchemy.engine import URL

from intranet.models import Attachment, Base, Case, Comment, Message, Post, User
from intranet.platform import db
from intranet.platform.migrate import alembic_config
from intranet.platform.sqlite import backup as sqlite_backup

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
UPLOADS = "uploads"
COUNTED = {"users": User, "posts": Post, "comments": Comment, "messages": Message, "cases": Case,
           "files": Attachment}


class BackupError(Exception):
    """Something an administrator can act on; the CLI shows the message as it is."""


# ---- backup -----------------------------------------------------------------------------------

def create_backup(dest: Path) -> dict[str, Any]:
    """Back up the configured database and UPLOAD_DIR into ``dest`` (new or empty); the manifest."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} already exists and is not an empty folder: give a new one.")
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)  # the database and every shared file
    engine = db.engine()
    backend = engine.dialect.name
    if backend == "sqlite":
        snapshot = _backup_sqlite(engine, dest / SQLITE_FILE)
    elif backend == "postgresql":
        snapshot = _backup_postgres(engine, dest / POSTGRES_FILE)
    else:
        raise BackupError(f"No backup method for a {backend} database.")
    copied = _copy_tree(Path(current_app.config["UPLOAD_DIR"]), dest / UPLOADS)
    missing = sorted(p for p in snapshot["referenced"] if not (dest / UPLOADS / p).is_file())
    manifest = {
        "format": FORMAT,
        "backend": backend,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "schema_revision": snapshot["revision"],
        "database_file": SQLITE_FILE if backend == "sqlite" else POSTGRES_FILE,
        "counts": snapshot["counts"],
        "uploads": {"copied": copied, "missing": missing},
    }
    partial = dest / (MANIFEST + ".part")
    partial.write_text(json.dumps(manifest, indent=2) + "\n")
    partial.replace(dest / MANIFEST)
    return manifest


def _backup_sqlite(engine: Engine, out: Path) -> dict[str, Any]:
    source = _sqlite_path(engine)
    if not source.is_file():
        raise BackupError(f"The database file {source} does not exist.")
    sqlite_backup.copy_database(source, out)
    try:
        sqlite_backup.seal(out)
    except ValueError as exc:
        raise BackupError(f"The copy of {source} is damaged: {exc}") from exc
    copy = create_engine(f"sqlite:///{out}")
    try:
        with copy.connect() as conn:
            return _describe(conn)
    finally:
        copy.dispose()


def _backup_postgres(engine: Engine, out: Path) -> dict[str, Any]:
    """pg_dump in the snapshot this transaction exports, so the counts match the dump exactly."""
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        described = _describe(conn)
        _run_pg("pg_dump", engine.url, ["--format=custom", f"--snapshot={snapshot}", f"--file={out}"])
    return described


def _describe(conn: Connection) -> dict[str, Any]:
    """Schema revision, row counts and the upload paths the rows refer to."""
    if "alembic_version" not in inspect(conn).get_table_names():
        raise BackupError("The database has no schema yet (run `flask --app wsgi init-db`).")
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    referenced = {f"files/{d[:2]}/{d}" for d in conn.scalars(select(Attachment.sha256).distinct())}
    referenced |= {f"files/{d[:2]}/{d}" for d in conn.scalars(  # thumbnails and PDF previews
        select(Attachment.thumb_sha256).where(Attachment.thumb_sha256.is_not(None)).distinct())}
    referenced |= {f"avatars/{name}" for name in conn.scalars(
        select(User.avatar_file).where(User.avatar_file.is_not(None)))}
    return {"revision": revision, "counts": _counts(conn), "referenced": referenced}


def _counts(conn: Connection) -> dict[str, int]:
    return {name: conn.scalar(select(func.count()).select_from(model)) or 0
            for name, model in COUNTED.items()}


def _copy_tree(source: Path, target: Path) -> int:
    """Copy every file under ``source`` to ``target`` (times kept); how many. Names starting with
    a dot are writes in progress (``files.store_bytes`` renames them into place) and are left."""
    copied = 0
    target.mkdir(parents=True, exist_ok=True)
    if not source.is_dir():
        return 0
    for folder, dirs, names in os.walk(source):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        into = target / Path(folder).relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in names:
            if not name.startswith("."):
                shutil.copy2(Path(folder) / name, into / name)
                copied += 1
    return copied


# ---- restore ----------------------------------------------------------------------------------

def read_manifest(src: Path) -> dict[str, Any]:
    path = Path(src) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{src} has no {MANIFEST}: not a backup, or an interrupted one.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src} is in backup format {manifest.get('format')}; this version reads {FORMAT}.")
    if not (Path(src) / manifest["database_file"]).is_file():
        raise BackupError(f"{src} lacks its database file {manifest['database_file']}.")
    return manifest


def restore_backup(src: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore the backup in ``src`` into the configured database and UPLOAD_DIR; the manifest.

    Refuses a database holding any row unless ``force``. Stop the web and worker processes
    first: they would keep writing into what is being replaced."""
    src = Path(src)
    manifest = read_manifest(src)
    engine = db.engine()
    backend = engine.dialect.name
    if manifest["backend"] != backend:
        raise BackupError(f"This backup is of a {manifest['backend']} database and the configured "
                          f"database is {backend}: restore it into a {manifest['backend']} database.")
    _check_revision(manifest["schema_revision"])
    if not force and not _is_empty(engine):
        raise BackupError("The configured database already holds data: restoring would replace it. "
                          "Use --force to replace it.")
    db.session.remove()
    engine.dispose()
    if backend == "sqlite":
        sqlite_backup.copy_database(src / manifest["database_file"], _sqlite_path(engine))
    else:
        _restore_postgres(engine, src / manifest["database_file"])
    engine.dispose()
    _copy_tree(src / UPLOADS, Path(current_app.config["UPLOAD_DIR"]))
    with engine.connect() as conn:
        counts = _counts(conn)
    if counts != manifest["counts"]:
        raise BackupError(f"The restored database does not match the manifest: {counts} restored, "
                          f"{manifest['counts']} expected.")
    return manifest


def _check_revision(revision: str | None) -> None:
    """The backup's schema must be one this code knows: it can upgrade from it, not go back."""
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError as exc:
        raise BackupError(f"This backup's schema ({revision}) is newer than this version of the app: "
                          "install the version that made it, or a newer one.") from exc


def _is_empty(engine: Engine) -> bool:
    """No row in any of the app's tables (a database just made by init-db is empty)."""
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        return all(conn.execute(select(1).select_from(table).limit(1)).first() is None
                   for name, table in Base.metadata.tables.items() if name in present)


def _restore_postgres(engine: Engine, dump: Path) -> None:
    """Drop every table of the target's schema (an older or newer schema's too), then pg_restore
    the dump in one transaction, owned by the role we connect as."""
    with engine.begin() as conn:
        names = inspect(conn).get_table_names()
        if names:
            quote = conn.dialect.identifier_preparer.quote
            conn.execute(text(f"DROP TABLE {', '.join(quote(n) for n in names)} CASCADE"))
    _run_pg("pg_restore", engine.url, ["--no-owner", "--no-privileges", "--clean", "--if-exists",
                                       "--single-transaction", "--exit-on-error", str(dump)])


# ---- helpers ----------------------------------------------------------------------------------

def _sqlite_path(engine: Engine) -> Path:
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError("Backup and restore need the SQLite database in a file (DATABASE_URL).")
    return Path(name)


def pg_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: on PATH (Debian's wrapper picks the version), else the newest
    of ``/usr/lib/postgresql/<version>/bin``."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not versions:
        raise BackupError(f"{name} is not installed: apt-get install postgresql-client.")
    return versions[-1]


def _run_pg(tool: str, url: URL, args: list[str]) -> None:
    """Run a PostgreSQL client tool on the app's database; the password goes in the environment
    (PGPASSWORD), never on the command line where ``ps`` shows it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    done = subprocess.run([pg_tool(tool), f"--dbname={conninfo}", *args], env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
