"""The database, its WAL and SHM files, shared files, avatars and their extracted text are
readable by the service's user only (0600 files, 0700 folders), whatever the process's umask."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select, text

from intranet import create_app
from intranet.models import Attachment, User
from intranet.platform import db, files
from intranet.platform.backup import create_backup
from intranet.platform.migrate import upgrade
from tests.conftest import _config
from tests.search_files import make_docx


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """The usual umask (022), under which a plain create is world-readable."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.sqlite_only
def test_a_new_sqlite_database_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    app = create_app(_config(tmp_path, f"sqlite:///{path}"))
    with app.app_context():
        upgrade()
        with db.engine().connect() as conn:  # the WAL and SHM files exist while it is open
            conn.execute(text("SELECT 1")).all()
            wal, shm = path.with_name("new.db-wal"), path.with_name("new.db-shm")
            assert wal.exists() and shm.exists()
            assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
        backup = create_backup(tmp_path / "backup")
        assert mode(tmp_path / "backup") == 0o700
        assert mode(tmp_path / "backup" / backup["database_file"]) == 0o600
        db.engine().dispose()


@pytest.mark.sqlite_only
def test_a_world_readable_database_from_before_is_tightened_at_start(
        tmp_path: Path, template_db: Path) -> None:
    path = tmp_path / "old.db"
    path.write_bytes(template_db.read_bytes())
    os.chmod(path, 0o644)
    path.with_name("old.db-wal").write_bytes(b"")
    os.chmod(path.with_name("old.db-wal"), 0o664)
    app = create_app(_config(tmp_path, f"sqlite:///{path}"))
    assert mode(path) == 0o600 and mode(path.with_name("old.db-wal")) == 0o600
    with app.app_context():
        assert db.session.scalar(select(User.id)) is None  # still a working database
        db.session.remove()
        db.engine().dispose()


def test_shared_files_avatars_and_their_text_are_private(
        app: Flask, cast: Any, make_web: Any, drain_index: Any) -> None:
    uploads = Path(app.config["UPLOAD_DIR"])
    os.chmod(uploads, 0o755)  # as an older version left it: the next start closes it again
    create_app(_config(uploads.parent, app.config["DATABASE_URL"]))
    web = make_web().login(cast.alice)
    res = web.post("/posts", data={"body": "Notes", "group_id": "",
                                   "files": [(io.BytesIO(make_docx("Secret plan")), "plan.docx")]},
                   content_type="multipart/form-data", headers={"Accept": "application/json"})
    assert res.status_code == 201, res.get_data(as_text=True)
    picture = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 20, 30)).save(picture, "PNG")
    assert web.post("/profile/avatar", data={"avatar": (io.BytesIO(picture.getvalue()), "me.png")},
                    content_type="multipart/form-data").status_code == 302
    drain_index()
    with app.app_context():
        att = db.session.scalar(select(Attachment))
        stored = files.stored_path(att.sha256)
        avatar = uploads / "avatars" / db.session.get(User, cast.alice.id).avatar_file
        extracted = Path(app.config["SEARCH_INDEX_DIR"]) / "texts" / att.sha256[:2] / (
            att.sha256 + ".docx")
        assert files.text_status(att.sha256, att.filename) == "indexed"
    assert [mode(p) for p in (stored, avatar, extracted)] == [0o600, 0o600, 0o600]
    folders = (uploads, uploads / "files", stored.parent, uploads / "avatars", extracted.parent)
    assert [mode(p) for p in folders] == [0o700] * len(folders)
