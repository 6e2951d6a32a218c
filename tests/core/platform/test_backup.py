"""``flask backup`` / ``flask restore``: every post, message, case and file comes back into a fresh
database, and search finds them again (the index is rebuilt, never backed up). On SQLite through
the online backup API; on PostgreSQL through pg_dump/pg_restore against a throwaway cluster."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import create_engine, select, text

from intranet import create_app
from intranet.actions.files import Upload, do_create_post_with_files, do_send_message_with_files
from intranet.actions.messaging import do_start_conversation
from intranet.actions.posts import do_create_post
from intranet.actions.users import do_create_department, do_create_user, do_set_avatar
from intranet.models import Attachment, Case, Message, Post, User
from intranet.platform import db
from intranet.platform.backup import BackupError, pg_tool
from intranet.platform.migrate import upgrade
from tests import pg_server
from tests.case_helpers import make_case, make_source
from tests.conftest import PASSWORD, WebClient, _config
from tests.search_helpers import found

PLAN = b"Calendrier de lancement: salon de Lyon, puis les magasins.\n"


def _app(folder: Path, database_url: str) -> Any:
    """An app on ``database_url`` with its own upload and index folders under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return create_app({**_config(folder, database_url), "DATABASE_URL": database_url})


def _fill(app: Any) -> SimpleNamespace:
    """A little of everything a backup must carry: people, an avatar, a post with a file, a
    message with a file, an inbox case."""
    with app.app_context(), db.transaction() as s:
        dept = do_create_department(s, "Marketing", acting_user=None)
        alice = do_create_user(s, "alice@example.com", "Alice Martin", PASSWORD, department=dept)
        bob = do_create_user(s, "bob@example.com", "Bob Durand", PASSWORD, department=dept)
        post = do_create_post_with_files(s, alice, dept.group, "Le robot pâtissier sort en mars.",
                                         [Upload("plan.txt", PLAN)])
        conversation, _new = do_start_conversation(s, alice, [bob.id])
        message = do_send_message_with_files(s, alice, conversation, "Les photos de la maquette",
                                             [Upload("notes.md", b"# Maquette\nversion 3\n")])
        png = io.BytesIO()
        Image.new("RGB", (8, 8), "orange").save(png, "PNG")
        do_set_avatar(s, bob, png.getvalue())
        ids = SimpleNamespace(alice=alice.id, bob=bob.id, post=post.id, message=message.id, dept=dept)
    ids.case = make_case(app, make_source(app), ids.dept, text="Mon robot pâtissier ne chauffe plus").id
    return ids


def _contents(app: Any) -> dict[str, Any]:
    with app.app_context():
        s = db.session()

        def rows(model: Any) -> list[Any]:
            return list(s.scalars(select(model).order_by(model.id)))

        return {
            "posts": [(p.id, p.author_id, p.body) for p in rows(Post)],
            "messages": [(m.id, m.body_md, m.created_at) for m in rows(Message)],
            "cases": [(c.id, c.status.value) for c in rows(Case)],
            "files": [(a.id, a.filename, a.sha256) for a in rows(Attachment)],
            "avatars": [u.avatar_file for u in rows(User)],
        }


def _uploads(app: Any) -> dict[str, bytes]:
    root = Path(app.config["UPLOAD_DIR"])
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _cli(app: Any, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def _round_trip(source: Any, target: Any, backup: Path, backend: str) -> SimpleNamespace:
    """Fill ``source``, back it up with the CLI, restore into ``target``; assert all came back."""
    ids = _fill(source)
    made = _cli(source, "backup", str(backup))
    assert made.exit_code == 0, made.output
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["backend"] == backend and manifest["schema_revision"]
    assert manifest["counts"] == {"users": 2, "posts": 1, "comments": 0, "messages": 1, "cases": 1,
                                  "files": 2}
    assert manifest["uploads"] == {"copied": 3, "missing": []}  # two shared files and an avatar

    restored = _cli(target, "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "Index rebuilt" in restored.output
    assert _contents(target) == _contents(source)
    assert _uploads(target) == _uploads(source)
    alice = SimpleNamespace(id=ids.alice)
    assert ("post", ids.post) in found(target, alice, "pâtissier")
    # the file's text, read from the restored file by the rebuild
    assert {kind for kind, _ in found(target, alice, "calendrier")} == {"file"}
    assert ("message", ids.message) in found(target, alice, "maquette")
    web = WebClient(target, target.test_client()).login(alice)
    with target.app_context():
        plan = db.session.scalar(select(Attachment).where(Attachment.filename == "plan.txt"))
    assert web.get(f"/files/{plan.id}").data == PLAN
    with target.app_context(), db.transaction() as s:  # ids go on after the restored ones
        author, group = s.get(User, ids.alice), s.get(Post, ids.post).group
        assert do_create_post(s, author, group, "Après la restauration").id > ids.post
    return ids


# ---- SQLite -----------------------------------------------------------------------------------

def test_sqlite_restore_brings_everything_back_into_a_fresh_database(tmp_path, template_db):
    source = _app(tmp_path / "source", f"sqlite:///{tmp_path / 'source' / 'intranet.db'}")
    shutil.copy(template_db, tmp_path / "source" / "intranet.db")
    # the target was never migrated: not even a file yet
    target = _app(tmp_path / "target", f"sqlite:///{tmp_path / 'target' / 'intranet.db'}")
    _round_trip(source, target, tmp_path / "backup", "sqlite")
    made = sorted(p.name for p in (tmp_path / "backup").iterdir())
    assert made == ["database.sqlite3", "manifest.json", "uploads"]
    assert not (tmp_path / "backup" / "database.sqlite3-wal").exists()  # one self-contained file


def test_restore_refuses_a_database_with_data_unless_forced(tmp_path, template_db):
    shutil.copy(template_db, tmp_path / "intranet.db")
    app = _app(tmp_path, f"sqlite:///{tmp_path / 'intranet.db'}")
    _fill(app)
    assert _cli(app, "backup", str(tmp_path / "backup")).exit_code == 0
    with app.app_context(), db.transaction() as s:
        s.execute(text("DELETE FROM posts"))  # the accident the backup is for
    refused = _cli(app, "restore", str(tmp_path / "backup"))
    assert refused.exit_code != 0 and "already holds data" in refused.output and "--force" in refused.output
    forced = _cli(app, "restore", "--force", str(tmp_path / "backup"))
    assert forced.exit_code == 0, forced.output
    assert len(_contents(app)["posts"]) == 1


def test_backup_wants_a_new_folder_and_restore_a_whole_backup(tmp_path, app, cast):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "something").write_text("x")
    result = _cli(app, "backup", str(busy))
    assert result.exit_code != 0 and "not an empty folder" in result.output
    result = _cli(app, "restore", str(busy))
    assert result.exit_code != 0 and "no manifest.json" in result.output


def test_restore_refuses_another_backend_or_a_newer_schema(tmp_path, app, cast):
    backup = tmp_path / "backup"
    assert _cli(app, "backup", str(backup)).exit_code == 0
    manifest = json.loads((backup / "manifest.json").read_text())
    fresh = _app(tmp_path / "fresh", f"sqlite:///{tmp_path / 'fresh' / 'intranet.db'}")
    for change, words in [({"backend": "postgresql"}, "into a postgresql database"),
                          ({"backend": "sqlite", "schema_revision": "9999_from_the_future"},
                           "newer than this version")]:
        (backup / "manifest.json").write_text(json.dumps({**manifest, **change}))
        result = _cli(fresh, "restore", str(backup))
        assert result.exit_code != 0 and words in result.output, result.output
    assert not (tmp_path / "fresh" / "intranet.db").exists()  # refused before touching anything


# ---- PostgreSQL -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pg_cluster() -> Any:
    """A throwaway PostgreSQL server with a role as the deployment has: no superuser, owner of
    its databases, a password over TCP. Yields a ``database(name)`` maker."""
    if pg_server.binaries() is None:
        pytest.skip("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    try:
        pg_tool("pg_dump"), pg_tool("pg_restore")
    except BackupError:
        pytest.skip("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")
    server = pg_server.start(host_auth="scram-sha-256")
    admin = create_engine(server.admin_url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE ROLE intranet LOGIN PASSWORD 'pw with spaces & signs'"))

    def database(name: str) -> str:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" OWNER intranet'))
        return f"postgresql+psycopg://intranet:pw%20with%20spaces%20%26%20signs@127.0.0.1:{server.port}/{name}"

    try:
        yield database
    finally:
        admin.dispose()
        server.stop()


def test_postgres_restore_brings_everything_back_into_a_fresh_database(tmp_path, pg_cluster):
    source = _app(tmp_path / "source", pg_cluster("source"))
    with source.app_context():
        upgrade()
    target = _app(tmp_path / "target", pg_cluster("target"))
    with target.app_context():
        upgrade()  # as an administrator would: init-db, then restore (empty tables are replaced)
    _round_trip(source, target, tmp_path / "backup", "postgresql")
    assert (tmp_path / "backup" / "database.dump").read_bytes()[:5] == b"PGDMP"  # custom format
    # once more over the restored data: refused, then forced
    refused = _cli(target, "restore", str(tmp_path / "backup"))
    assert refused.exit_code != 0 and "already holds data" in refused.output
    forced = _cli(target, "restore", "--force", str(tmp_path / "backup"))
    assert forced.exit_code == 0, forced.output
    assert _contents(target) == _contents(source)  # the post written after the first restore is gone
    for app in (source, target):
        with app.app_context():
            db.engine().dispose()
