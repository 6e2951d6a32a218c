"""A group's Files tab over HTTP: folders, uploads and versions, the files shared on its posts,
downloads through access, and secret/private libraries invisible to outsiders (page and URL)."""

from __future__ import annotations

import io

import pytest
from domain_helpers import fresh
from PIL import Image
from sqlalchemy import select

from intranet.actions.files import Upload, do_create_post_with_files, sweep_files
from intranet.actions.library import do_create_folder, do_upload
from intranet.models import AuditLog, LibraryFile
from intranet.platform import db, files


def _upload(web, group, name, data, folder=None):
    form = {"file": (io.BytesIO(data), name)}
    if folder:
        form["folder"] = str(folder)
    return web.post(f"/groups/{group.id}/files", data=form, content_type="multipart/form-data")


def test_folders_uploads_versions_and_shared_files(app, web, cast):
    with app.app_context(), db.transaction() as s:
        do_create_post_with_files(s, fresh(s, cast.alice), fresh(s, cast.apollo), "The brief",
                                  [Upload("brief.txt", b"brief\n")])
    web.login(cast.alice)
    res = web.post(f"/groups/{cast.apollo.id}/folders", data={"name": "Reference"})
    assert res.status_code == 302
    with app.app_context():
        folder = res.headers["Location"].split("folder=")[-1]
    assert _upload(web, cast.apollo, "Guide.txt", b"one\n", folder).status_code == 302
    assert _upload(web, cast.apollo, "guide.txt", b"two\n", folder).status_code == 302
    page = web.get(f"/groups/{cast.apollo.id}/files?folder={folder}").get_data(as_text=True)
    assert "guide.txt" in page and "2 versions" in page and "Alice Martin" in page
    top = web.get(f"/groups/{cast.apollo.id}/files").get_data(as_text=True)
    assert "Reference" in top and "brief.txt" in top and "Shared in posts" in top
    with app.app_context():
        rows = list(db.session.scalars(select(LibraryFile).order_by(LibraryFile.id)))
        assert [(r.version, r.current) for r in rows] == [(1, False), (2, True)]
        assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "library.upload"))
    show = web.get(f"/library/{rows[1].id}").get_data(as_text=True)
    assert "Version 1" in show and "Version 2" in show
    assert web.get(f"/library/{rows[0].id}/download").data == b"one\n"
    assert web.post(f"/groups/{cast.apollo.id}/folders", data={"name": "reference"}).status_code == 302
    assert _upload(web, cast.apollo, "bad.exe", b"MZ").status_code == 302  # refused, flashed


@pytest.mark.parametrize(("group", "owner", "outsider", "tab"), [
    ("apollo", "lea", "bob", 403), ("board", "admin", "alice", 404)])
def test_private_and_secret_libraries_are_hidden(app, make_web, cast, group, owner, outsider, tab):
    with app.app_context(), db.transaction() as s:
        grp = fresh(s, getattr(cast, group))
        folder = do_create_folder(s, fresh(s, getattr(cast, owner)), grp, "Plans")
        item = do_upload(s, fresh(s, getattr(cast, owner)), grp, folder, Upload("plan.txt", b"secret plan\n"))
        ids = (folder.id, item.id)
    web = make_web().login(getattr(cast, outsider))
    gid = getattr(cast, group).id
    assert web.get(f"/groups/{gid}/files").status_code == tab
    assert web.get(f"/groups/{gid}/files?folder={ids[0]}").status_code == tab
    assert web.get(f"/library/{ids[1]}").status_code == 404
    assert web.get(f"/library/{ids[1]}/download").status_code == 404
    assert _upload(web, getattr(cast, group), "x.txt", b"x").status_code == tab
    member = make_web().login(getattr(cast, owner))
    assert member.get(f"/library/{ids[1]}/download").data == b"secret plan\n"


def test_public_library_readers_cannot_upload_and_folders_of_other_groups_are_404(app, make_web, cast):
    with app.app_context(), db.transaction() as s:
        other = do_create_folder(s, fresh(s, cast.lea), fresh(s, cast.marketing_group), "Brand")
        other_id = other.id
    web = make_web().login(cast.alice)
    assert web.get(f"/groups/{cast.coffee.id}/files").status_code == 200
    assert "Add to this folder" not in web.get(f"/groups/{cast.coffee.id}/files").get_data(as_text=True)
    assert web.get(f"/groups/{cast.coffee.id}/files?folder={other_id}").status_code == 404
    assert web.get(f"/groups/{cast.coffee.id}/files?folder=abc").status_code == 400


def test_removing_a_file_removes_its_versions_and_the_sweep_its_bytes(app, make_web, cast):
    with app.app_context(), db.transaction() as s:
        grp = fresh(s, cast.apollo)
        first = do_upload(s, fresh(s, cast.alice), grp, None, Upload("a.txt", b"only here 1\n"))
        do_upload(s, fresh(s, cast.alice), grp, None, Upload("a.txt", b"only here 2\n"))
        fid, digest = first.id, first.sha256
    assert make_web().login(cast.lea).post(f"/library/{fid}/delete").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(LibraryFile.id)) is None
        with db.transaction() as s:
            sweep_files(s, grace_seconds=0)
        assert not files.stored_path(digest).exists()


def test_search_inside_the_library_goes_to_the_search_page(web, cast):
    res = web.login(cast.alice).get(f"/groups/{cast.apollo.id}/files/search?q=budget")
    assert res.status_code == 302 and "type:file" in res.headers["Location"]
    assert f"group={cast.apollo.id}" in res.headers["Location"]


def test_photos_in_the_library_have_a_thumbnail_served_through_access(app, make_web, cast):
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 40, 40)).save(out, "PNG")
    web = make_web().login(cast.alice)
    assert _upload(web, cast.apollo, "poster.png", out.getvalue()).status_code == 302
    with app.app_context():
        item = db.session.scalar(select(LibraryFile))
        fid, thumb = item.id, item.thumb_sha256
    assert thumb is not None
    page = web.get(f"/groups/{cast.apollo.id}/files").get_data(as_text=True)
    assert f"/library/{fid}/thumb/{thumb}" in page
    res = web.get(f"/library/{fid}/thumb/{thumb}")
    assert res.status_code == 200 and res.mimetype == "image/webp"
    assert "immutable" in res.headers["Cache-Control"]
    assert web.get(f"/library/{fid}/thumb/{'0' * 64}").status_code == 404
    assert make_web().login(cast.bob).get(f"/library/{fid}/thumb/{thumb}").status_code == 404
