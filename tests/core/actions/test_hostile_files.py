"""Hostile files are contained: each kind of bomb is refused on upload with a clear 400, or is
stored and downloadable while its text, read by a child process with limits, is marked failed.

The bombs are built here (tests/bombs.py), never kept in git. The cost in memory of each one for
the web process is measured by bench/bombs_bench.py (no timed or memory assertions here).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from intranet.actions.files import Upload, attach
from intranet.actions.posts import do_create_post
from intranet.models import Attachment, Post, User
from intranet.platform import db, files
from tests import bombs
from tests.domain_helpers import fresh
from tests.search_helpers import found


def upload(web: Any, files_: list[tuple[str, bytes]]) -> Any:
    data = {"body": "A file", "group_id": "", "files": [(io.BytesIO(b), n) for n, b in files_]}
    return web.post("/posts", data=data, content_type="multipart/form-data",
                    headers={"Accept": "application/json"})


def attachment(app: Flask, name: str) -> Attachment:
    with app.app_context():
        return db.session.scalar(select(Attachment).where(Attachment.filename == name))


def status(app: Flask, att: Attachment) -> str:
    with app.app_context():
        return files.text_status(att.sha256, att.filename)


@pytest.fixture
def alice_web(make_web: Any, cast: Any) -> Any:
    return make_web().login(cast.alice)


@pytest.mark.parametrize(("name", "build", "words"), [
    ("issue.docx", bombs.docx_xml_bomb, "packed more than 100 to 1"),
    ("bomb.docx", bombs.docx_bomb, "unpacks to more than 100 MB"),
    ("cells.xlsx", bombs.xlsx_many_entries, "too many parts (at most 5000)"),
    ("ratio.odt", bombs.odt_ratio_bomb, "packed more than 100 to 1"),
])
def test_zip_bombs_are_refused_on_upload_and_nothing_is_written(
        app: Flask, cast: Any, alice_web: Any, name: str, build: Any, words: str) -> None:
    data = build()
    assert len(data) < app.config["MAX_ATTACHMENT_BYTES"]  # under the size limit: the caps refuse it
    res = upload(alice_web, [(name, data)])
    assert res.status_code == 400, res.get_data(as_text=True)
    error = res.get_json()["error"]
    assert words in error["message"] and error["field"] == "files"
    with app.app_context():
        assert db.session.scalar(select(func.count(Post.id))) == 0
        assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert alice_web.get("/healthz").status_code == 200


def test_a_damaged_office_file_is_refused(alice_web: Any) -> None:
    res = upload(alice_web, [("broken.docx", b"PK\x03\x04" + b"\x00" * 200)])
    assert res.status_code == 400 and "damaged docx" in res.get_json()["error"]["message"]


def test_a_bomb_stored_before_the_caps_is_refused_by_the_child(
        app: Flask, cast: Any, alice_web: Any, drain_index: Any,
        caplog: pytest.LogCaptureFixture) -> None:
    """A file stored without the upload's check (as before the caps existed): the child checks
    the archive again, refuses it, and the file stays downloadable, its text marked failed."""
    with app.app_context(), db.transaction() as s:
        author = fresh(s, cast.alice)
        post = do_create_post(s, author, None, "Old upload")
        attach(s, author, [(Upload("old.odt", bombs.odt_ratio_bomb()), ".odt")], post_id=post.id)
    with caplog.at_level(logging.WARNING):
        drain_index()
    att = attachment(app, "old.odt")
    assert status(app, att) == "failed"
    warning = next(r for r in caplog.records if "old.odt" in r.getMessage())
    assert warning.levelno == logging.WARNING and warning.exc_info is None
    assert "refused: ratio" in warning.getMessage()
    download = alice_web.get(f"/files/{att.id}")
    assert download.status_code == 200 and download.data.startswith(b"PK")


def test_a_pdf_is_read_up_to_its_page_cap(app: Flask, cast: Any, alice_web: Any,
                                          drain_index: Any) -> None:
    app.config["EXTRACT_MAX_PDF_PAGES"] = 50
    res = upload(alice_web, [("long.pdf", bombs.pdf_many_pages(2_000, "Firstpageword",
                                                              "Lastpageword"))])
    assert res.status_code == 201, res.get_data(as_text=True)
    drain_index()
    assert {k for k, _i in found(app, cast.alice, "firstpageword")} == {"file"}
    assert found(app, cast.alice, "lastpageword") == set()  # page 2,000: past the cap, never read
    assert status(app, attachment(app, "long.pdf")) == "indexed"


def test_an_endless_pdf_page_is_stopped_by_the_childs_limits(
        app: Flask, cast: Any, alice_web: Any, drain_index: Any,
        caplog: pytest.LogCaptureFixture) -> None:
    app.config.update(EXTRACT_CPU_SECONDS=1, EXTRACT_SECONDS=4)
    res = upload(alice_web, [("endless.pdf", bombs.pdf_endless_page())])
    assert res.status_code == 201, res.get_data(as_text=True)
    with caplog.at_level(logging.WARNING):
        drain_index()  # the indexer survives: the child is the one stopped
    att = attachment(app, "endless.pdf")
    assert status(app, att) == "failed"
    warning = next(r for r in caplog.records if "endless.pdf" in r.getMessage())
    assert warning.exc_info is None and "not searchable by its content" in warning.getMessage()
    assert any(why in warning.getMessage() for why in ("SIGXCPU", "SIGKILL", "more than"))
    assert {k for k, _i in found(app, cast.alice, "endless.pdf")} == {"file"}  # by its name
    assert alice_web.get(f"/files/{att.id}").data.startswith(b"%PDF-")
    # A failure is remembered: the next reading (search snippets) starts no child.
    with app.app_context():
        assert files.text_of(att.sha256, att.filename) == ""
    assert upload(alice_web, [("fine.txt", b"after the bomb")]).status_code == 201


def avatar(web: Any, data: bytes, name: str) -> Any:
    return web.post("/profile/avatar", data={"avatar": (io.BytesIO(data), name)},
                    content_type="multipart/form-data", headers={"Accept": "application/json"})


def test_picture_bombs_are_refused_before_decoding(app: Flask, cast: Any, alice_web: Any) -> None:
    bomb = bombs.png_bomb(20_000, 20_000)  # 400 megapixels in ~400 kB: past Pillow's own cap
    assert len(bomb) < app.config["MAX_AVATAR_BYTES"]
    res = avatar(alice_web, bomb, "bomb.png")
    assert res.status_code == 400 and "at most 40 megapixels" in res.get_json()["error"]["message"]
    wide = bombs.png_bomb(6_000, 6_000, rgb=True)  # 36 megapixels of RGB: 144 MB decoded whole
    res = avatar(alice_web, wide, "wide.png")
    assert res.status_code == 400
    assert "too many pixels for its kind" in res.get_json()["error"]["message"]
    progressive = bombs.jpeg(7_000, 5_600, progressive=True)  # coefficients of the whole picture
    res = avatar(alice_web, progressive, "progressive.jpg")
    assert res.status_code == 400 and "at most 13 megapixels" in res.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.get(User, cast.alice.id).avatar_file is None


def test_a_40_megapixel_photo_is_decoded_small(app: Flask, cast: Any, alice_web: Any) -> None:
    res = avatar(alice_web, bombs.jpeg(7_300, 5_470), "photo.jpg")  # 40 MP, baseline
    assert res.status_code == 200, res.get_data(as_text=True)
    with app.app_context():
        name = db.session.get(User, cast.alice.id).avatar_file
    saved = Image.open(Path(app.config["UPLOAD_DIR"]) / "avatars" / name)
    assert saved.format == "PNG" and max(saved.size) == 256
