"""Photos on posts, comments and messages: stored re-encoded without EXIF or GPS, a thumbnail
made on upload, hostile pictures refused with a clear 400 (nothing written), served through
access (404 for hidden and missing alike) with caching headers; PDF first-page previews."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from intranet.actions.files import sweep_files
from intranet.models import Attachment, Post
from intranet.platform import db, files
from tests.api_helpers import conforms
from tests.bombs import png_bomb
from tests.core.realtime.test_messaging_live import start
from tests.search_files import make_pdf

GPS_IFD = 0x8825


def photo(fmt: str = "JPEG", size: tuple[int, int] = (1200, 800), *, orientation: int | None = None,
          gps: bool = True) -> bytes:
    """A picture with a camera's metadata: GPS position, maker, orientation."""
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)}
    out = io.BytesIO()
    if fmt == "GIF":  # no EXIF in a GIF: a comment extension says the same
        image.save(out, fmt, comment=b"PhoneMaker GPS 48.51N")
    else:
        image.save(out, fmt, exif=exif)
    return out.getvalue()


def upload(web: Any, url: str, body: str, items: list[tuple[str, bytes]], **fields: str) -> Any:
    data = {"body": body, **fields, "files": [(io.BytesIO(content), name) for name, content in items]}
    return web.post(url, data=data, content_type="multipart/form-data",
                    headers={"Accept": "application/json"})


@pytest.fixture
def webs(make_web: Any, cast: Any) -> dict[str, Any]:
    return {name: make_web().login(getattr(cast, name)) for name in ("alice", "bob", "lea", "admin")}


def stored(app: Flask, attachment_id: int) -> tuple[Attachment, bytes, bytes]:
    with app.app_context():
        row = db.session.get(Attachment, attachment_id)
        db.session.expunge(row)
        path, thumb = files.stored_path(row.sha256), files.stored_path(row.thumb_sha256)
        return row, path.read_bytes(), thumb.read_bytes()


@pytest.mark.parametrize(("name", "fmt"), [("beach.jpg", "JPEG"), ("plan.png", "PNG"),
                                           ("team.webp", "WEBP"), ("logo.gif", "GIF")])
def test_a_photo_on_a_post_is_stored_without_metadata_with_a_thumbnail(
        app: Flask, cast: Any, webs: Any, name: str, fmt: str) -> None:
    original = photo(fmt)
    res = upload(webs["alice"], "/api/v1/posts", "Our day out", [(name, original)],
                 group_id=str(cast.apollo.id))
    assert res.status_code == 201, res.get_json()
    post = res.get_json()
    assert conforms(post, "Post")
    [file] = post["files"]
    assert (file["width"], file["height"]) == (1200, 800)
    assert file["content_type"] == files.ALLOWED[files.extension(name)]
    row, clean, thumb = stored(app, file["id"])
    assert b"PhoneMaker" in original and b"PhoneMaker" not in clean  # the camera's EXIF is gone
    kept = Image.open(io.BytesIO(clean))
    assert kept.format == fmt and not kept.getexif() and "exif" not in kept.info
    small = Image.open(io.BytesIO(thumb))
    assert small.format == "WEBP" and max(small.size) == 640
    assert file["thumb_url"].endswith(row.thumb_sha256)


def test_the_orientation_is_applied_and_a_huge_photo_is_scaled_down(app: Flask, cast: Any,
                                                                      webs: Any) -> None:
    app.config["IMAGE_DISPLAY_SIDE"] = 1000
    res = upload(webs["alice"], "/api/v1/posts", "Portrait",
                 [("portrait.jpg", photo(size=(1600, 1200), orientation=6))])
    [file] = res.get_json()["files"]
    assert (file["width"], file["height"]) == (750, 1000)  # turned upright, then capped


def test_photos_on_comments_and_messages(app: Flask, cast: Any, webs: Any) -> None:
    post_id = upload(webs["bob"], "/api/v1/posts", "Photos welcome", [],
                     group_id=str(cast.coffee.id)).get_json()["id"]
    res = upload(webs["alice"], f"/api/v1/posts/{post_id}/comments", "Here is mine",
                 [("cup.png", photo("PNG"))])
    assert res.status_code == 201, res.get_json()
    comment = res.get_json()
    assert conforms(comment, "Comment") and comment["files"][0]["view_url"]
    listed = webs["bob"].get(f"/api/v1/posts/{post_id}/comments").get_json()["items"]
    assert listed[0]["files"][0]["id"] == comment["files"][0]["id"]
    assert webs["bob"].get(f"/api/v1/posts/{post_id}").get_json()["files"] == []  # not the post's
    page = webs["bob"].get(f"/posts/{post_id}").get_data(as_text=True)
    assert 'data-photo-grid' in page and comment["files"][0]["thumb_url"] in page
    # the page form, without JavaScript
    form = {"body": "And another", "files": [(io.BytesIO(photo("WEBP")), "more.webp")]}
    done = webs["lea"].post(f"/posts/{post_id}/comments", data=form, content_type="multipart/form-data")
    assert done.status_code in (302, 303)
    cid = start(webs["alice"], cast.bob)
    sent = upload(webs["alice"], f"/api/v1/conversations/{cid}/messages", "Look", [("me.jpg", photo())])
    assert sent.status_code == 201 and conforms(sent.get_json(), "Message")
    [file] = sent.get_json()["files"]
    assert webs["bob"].get(file["view_url"]).status_code == 200
    for name in ("lea", "admin"):
        assert webs[name].get(file["view_url"]).status_code == 404
        assert webs[name].get(file["thumb_url"]).status_code == 404


def test_served_through_access_with_caching_headers(app: Flask, cast: Any, webs: Any) -> None:
    res = upload(webs["alice"], "/api/v1/posts", "Secret plan", [("plan.png", photo("PNG"))],
                 group_id=str(cast.apollo.id))
    [file] = res.get_json()["files"]
    row, clean, thumb = stored(app, file["id"])
    view = webs["lea"].get(file["view_url"])
    assert view.status_code == 200 and view.data == clean and view.mimetype == "image/png"
    assert view.headers["Cache-Control"] == "private, no-cache"
    assert view.headers["ETag"] == f'"{row.sha256}"' and view.headers["Content-Disposition"] == "inline"
    again = webs["lea"].get(file["view_url"], headers={"If-None-Match": view.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    small = webs["alice"].get(file["thumb_url"])
    assert small.status_code == 200 and small.data == thumb and small.mimetype == "image/webp"
    assert small.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    # bob is not in the private project: the same 404 as a file that never existed
    for url in (file["view_url"], file["thumb_url"], file["url"]):
        assert webs["bob"].get(url).status_code == 404
    assert webs["alice"].get("/files/999999/view").status_code == 404
    assert webs["alice"].get(f"/files/{file['id']}/thumb/{'0' * 64}").status_code == 404
    # a document is downloaded, never shown inline
    doc = upload(webs["alice"], "/api/v1/posts", "Notes", [("notes.txt", b"plain notes")])
    [text] = doc.get_json()["files"]
    assert text["view_url"] is None and text["thumb_url"] is None
    assert webs["alice"].get(f"/files/{text['id']}/view").status_code == 404


@pytest.mark.parametrize(("name", "content", "words"), [
    ("bomb.png", png_bomb(10_000, 5_000), "too many pixels"),
    ("renamed.jpg", photo("PNG"), "does not look like a jpg"),
    ("liar.gif", b"GIF89a" + b"\x00" * 50, "damaged picture"),
    ("wide.png", png_bomb(13_000, 10), "too wide or too tall"),
])
def test_hostile_or_broken_pictures_are_refused_and_nothing_is_written(
        app: Flask, cast: Any, webs: Any, name: str, content: bytes, words: str) -> None:
    res = upload(webs["alice"], "/api/v1/posts", "Refused", [(name, content)])
    assert res.status_code == 400, res.get_json()
    assert words in res.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Post.id))) == 0
        assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_a_pdf_gets_a_first_page_preview(app: Flask, cast: Any, webs: Any) -> None:
    res = upload(webs["alice"], "/api/v1/posts", "The guide", [("guide.pdf", make_pdf("Welcome aboard"))])
    [file] = res.get_json()["files"]
    assert file["view_url"] is None and file["thumb_url"]
    small = webs["bob"].get(file["thumb_url"])
    assert small.status_code == 200 and Image.open(io.BytesIO(small.data)).format == "WEBP"
    # a damaged PDF is still shared (its preview is a nicety), just without one
    res = upload(webs["alice"], "/api/v1/posts", "Broken", [("broken.pdf", b"%PDF-1.4 tiny")])
    assert res.status_code == 201 and res.get_json()["files"][0]["thumb_url"] is None


def test_thumbnails_are_kept_by_the_sweep_and_go_with_their_post(app: Flask, cast: Any,
                                                                  webs: Any) -> None:
    res = upload(webs["alice"], "/api/v1/posts", "Sweep", [("a.png", photo("PNG"))])
    post, [file] = res.get_json(), res.get_json()["files"]
    row, _clean, _thumb = stored(app, file["id"])
    with app.app_context(), db.transaction() as s:
        assert sweep_files(s, grace_seconds=-1) == 0
    assert files_exist(app, row) == (True, True)
    assert webs["alice"].delete(f"/api/v1/posts/{post['id']}").status_code == 204
    with app.app_context(), db.transaction() as s:
        assert sweep_files(s, grace_seconds=-1) == 2
    assert files_exist(app, row) == (False, False)


def files_exist(app: Flask, row: Attachment) -> tuple[bool, bool]:
    with app.app_context():
        return files.stored_path(row.sha256).exists(), files.stored_path(row.thumb_sha256).exists()


@pytest.mark.parametrize(("where", "author", "reader", "outsider"), [
    (None, "lea", "bob", None),  # the company feed: everyone reads it
    ("coffee", "bob", "alice", None),  # a public community: everyone reads it
    ("apollo", "lea", "alice", "bob"),  # a private project: its members
    ("board", "admin", "admin", "lea"),  # a secret group: its members only, a lead elsewhere too
])
def test_photo_access_follows_each_kind_of_group(app: Flask, cast: Any, webs: Any, where: str | None,
                                                 author: str, reader: str, outsider: str | None) -> None:
    fields = {"group_id": str(getattr(cast, where).id)} if where else {}
    post = upload(webs[author], "/api/v1/posts", "Where we were", [("here.webp", photo("WEBP"))], **fields)
    assert post.status_code == 201, post.get_json()
    [file] = post.get_json()["files"]
    comment = upload(webs[author], f"/api/v1/posts/{post.get_json()['id']}/comments", "And here",
                     [("there.gif", photo("GIF"))]).get_json()
    urls = [file["view_url"], file["thumb_url"], *(comment["files"][0][k] for k in ("view_url", "thumb_url"))]
    for url in urls:
        assert webs[reader].get(url).status_code == 200
        if outsider:
            assert webs[outsider].get(url).status_code == 404
