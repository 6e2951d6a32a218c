"""Personal data zip: one's own from the profile and the API, anyone's for an admin (404 for
others); JSON and files inside, others' words left out, every download audited."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from intranet.actions.comments import do_add_comment, do_add_reaction
from intranet.actions.files import Upload, do_create_post_with_files, do_send_message_with_files
from intranet.actions.messaging import do_send_message, do_start_conversation
from intranet.models import AuditLog, User
from intranet.platform import db
from tests.api_helpers import bearer, issue_token


def _fill(app, cast):
    with app.app_context(), db.transaction() as s:
        alice, bob = s.get(User, cast.alice.id), s.get(User, cast.bob.id)
        post = do_create_post_with_files(s, alice, s.merge(cast.apollo), "Le plan d'Apollo, étape 1",
                                         [Upload("plan.txt", b"Etape 1: decoller")])
        do_add_comment(s, alice, post, "Mon commentaire")
        do_add_reaction(s, alice, post, "love")
        conversation, _new = do_start_conversation(s, alice, [bob.id])
        do_send_message_with_files(s, alice, conversation, "Mon message", [Upload("note.md", b"# Note")])
        do_send_message(s, bob, conversation, "Bob's own words")
        return post.id


def _zip(resp):
    assert resp.status_code == 200, resp.data[:300]
    assert resp.mimetype == "application/zip" and "attachment" in resp.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(resp.data))
    return archive, {name: archive.read(name) for name in archive.namelist()}


def test_i_download_my_data_from_my_profile(app, session, web, cast):
    post_id = _fill(app, cast)
    web.login(cast.alice)
    assert "/profile/data" in web.get("/profile").get_data(as_text=True)
    _archive, files = _zip(web.get("/profile/data"))
    profile = json.loads(files["profile.json"])
    assert profile["email"] == "alice@example.com" and profile["department"] == "Marketing"
    assert {g["name"] for g in profile["groups"]} == {"Marketing", "Project Apollo"}
    posts = json.loads(files["posts.json"])
    assert [(p["id"], p["body"], p["group"]) for p in posts] == [(post_id, "Le plan d'Apollo, étape 1",
                                                                 "Project Apollo")]
    assert [c["body"] for c in json.loads(files["comments.json"])] == ["Mon commentaire"]
    assert [m["body"] for m in json.loads(files["messages.json"])] == ["Mon message"]  # not Bob's
    assert json.loads(files["reactions.json"])[0]["kind"] == "love"
    shared = {f["name"]: f["path"] for f in json.loads(files["files.json"])}
    assert set(shared) == {"plan.txt", "note.md"}
    assert files[shared["plan.txt"]] == b"Etape 1: decoller" and files[shared["note.md"]] == b"# Note"
    assert b"Bob's own words" not in b"".join(files.values())
    audits = session.scalars(select(AuditLog).where(AuditLog.action == "user.data_export")).all()
    assert [(a.actor_id, a.target_id) for a in audits] == [(cast.alice.id, cast.alice.id)]


def test_admin_downloads_anyone_others_get_404(app, web, cast):
    _fill(app, cast)
    web.login(cast.admin)
    _archive, files = _zip(web.get(f"/admin/users/{cast.alice.id}/data"))
    assert json.loads(files["profile.json"])["id"] == cast.alice.id
    web.login(cast.bob)
    assert web.get(f"/admin/users/{cast.alice.id}/data").status_code == 404


def test_api_my_data_and_admin_data(app, cast):
    _fill(app, cast)
    client = app.test_client()
    mine = client.get("/api/v1/me/data", headers=bearer(issue_token(client, cast.bob)))
    _archive, files = _zip(mine)
    assert [m["body"] for m in json.loads(files["messages.json"])] == ["Bob's own words"]
    assert json.loads(files["posts.json"]) == []
    admin = bearer(issue_token(client, cast.admin))
    _archive, files = _zip(client.get(f"/api/v1/admin/people/{cast.alice.id}/data", headers=admin))
    assert len(json.loads(files["posts.json"])) == 1
    assert client.get("/api/v1/admin/people/999/data", headers=admin).status_code == 404
    lea = bearer(issue_token(client, cast.lea))
    assert client.get(f"/api/v1/admin/people/{cast.alice.id}/data", headers=lea).status_code == 404
