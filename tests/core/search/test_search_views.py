"""Search pages, the API, suggestions, who-knows and shared files, through real HTTP clients."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from intranet.actions.posts import do_create_post
from intranet.actions.users import do_update_profile
from intranet.models import Attachment, Post
from intranet.platform import db
from intranet.platform.config import Config
from tests.api_helpers import conforms
from tests.domain_helpers import fresh
from tests.search_files import make_docx, make_pdf, make_xlsx
from tests.search_helpers import found


def post(app: Flask, author: Any, body: str, group: Any = None) -> int:
    with app.app_context(), db.transaction() as s:
        return do_create_post(s, fresh(s, author), fresh(s, group) if group else None, body).id


def upload(web: Any, body: str, files: list[tuple[str, bytes]], group: Any = None,
           url: str = "/posts", **headers: str) -> Any:
    data = {"body": body, "group_id": str(group.id) if group else "",
            "files": [(io.BytesIO(content), name) for name, content in files]}
    return web.post(url, data=data, content_type="multipart/form-data",
                    headers={"Accept": "application/json", **headers})


@pytest.fixture
def alice_web(make_web: Any, cast: Any) -> Any:
    return make_web().login(cast.alice)


def test_results_page_shows_snippets_facets_and_explains_errors(
        app: Flask, cast: Any, alice_web: Any, drain_index: Any) -> None:
    pid = post(app, cast.bob, "Planning des réunions de sécurité", cast.coffee)
    post(app, cast.lea, "Sécurité du projet Apollo", cast.apollo)
    drain_index()
    page = alice_web.get("/search?q=securite").get_data(as_text=True)
    assert f'data-result="post:{pid}"' in page and "<mark>sécurité</mark>" in page
    assert 'data-facet="group"' in page and "Coffee lovers" in page and "Project Apollo" in page
    filtered = alice_web.get(f"/search?q=securite&group={cast.coffee.id}").get_data(as_text=True)
    assert f'data-result="post:{pid}"' in filtered and "du projet Apollo" not in filtered
    bad = alice_web.get('/search?q="unclosed')
    assert bad.status_code == 400 and "quotation mark" in bad.get_data(as_text=True)
    assert alice_web.get("/search?q=x&type=spaceship").status_code == 400
    assert 'role="search"' in alice_web.get("/").get_data(as_text=True)  # the box in the nav


def test_api_search_items_facets_and_cursor(app: Flask, cast: Any, alice_web: Any,
                                            drain_index: Any) -> None:
    ids = [post(app, cast.bob, f"Budget note number {n}") for n in range(3)]
    drain_index()
    res = alice_web.get("/api/v1/search?q=budget&type=post&limit=2")
    assert res.status_code == 200
    body = res.get_json()
    assert conforms(body, "SearchPage")
    assert {i["id"] for i in body["items"]} <= set(ids) and len(body["items"]) == 2
    assert body["facets"]["type"][0] == {"value": "post", "label": "Posts", "count": 3}
    assert body["items"][0]["snippet_html"].count("<mark>") == 1
    rest = alice_web.get(f"/api/v1/search?q=budget&type=post&limit=2&cursor={body['next_cursor']}")
    assert len(rest.get_json()["items"]) == 1 and rest.get_json()["next_cursor"] is None
    err = alice_web.get("/api/v1/search?q=-budget")
    assert err.status_code == 400 and err.get_json()["error"]["field"] == "q"


def test_who_knows_lists_people_by_skill_and_readable_posts(
        app: Flask, cast: Any, make_web: Any, drain_index: Any) -> None:
    with app.app_context(), db.transaction() as s:
        do_update_profile(s, fresh(s, cast.bob), name="Bob Durand", job_title="Support agent",
                          bio="", skills="kubernetes", locale=None)
    post(app, cast.lea, "Kubernetes upgrade notes for the Apollo cluster", cast.apollo)
    drain_index()
    outsider = make_web().login(cast.bob).get("/search?q=kubernetes").get_data(as_text=True)
    assert f"/messages/new?to={cast.bob.id}" in outsider
    assert f"/messages/new?to={cast.lea.id}" not in outsider  # her post is private to Apollo
    insider = make_web().login(cast.alice).get("/search?q=kubernetes").get_data(as_text=True)
    assert f"/messages/new?to={cast.lea.id}" in insider


def test_suggestions_for_mentions_and_group_picker(app: Flask, cast: Any, make_web: Any,
                                                   drain_index: Any) -> None:
    drain_index()
    bob = make_web().login(cast.bob)
    people = bob.get("/search/suggest?q=ali&kind=person").get_json()["items"]
    assert [(p["kind"], p["handle"]) for p in people] == [("person", "alice")]
    assert bob.get("/search/suggest?q=alice").get_json()["items"][0]["id"] == cast.alice.id
    groups = bob.get("/search/suggest?q=bo&kind=group").get_json()["items"]
    assert all(g["id"] != cast.board.id for g in groups)  # secret
    admin = make_web().login(cast.admin).get("/search/suggest?q=bo&kind=group").get_json()["items"]
    assert cast.board.id in {g["id"] for g in admin}


def test_files_upload_extract_search_and_download_through_access(
        app: Flask, cast: Any, alice_web: Any, make_web: Any, drain_index: Any) -> None:
    res = upload(alice_web, "Le rapport", [("rapport.pdf", make_pdf("Rapport trimestriel zorglub")),
                                            ("notes.docx", make_docx("Procédure de sécurité quokka")),
                                            ("chiffres.xlsx", make_xlsx("Objectif wombat"))],
                 group=cast.apollo)
    assert res.status_code == 201, res.get_data(as_text=True)
    drain_index()
    hits = {kind for kind, _id in found(app, cast.alice, "zorglub OR quokka OR wombat")}
    assert hits == {"file"} and len(found(app, cast.alice, "zorglub OR quokka OR wombat")) == 3
    assert found(app, cast.bob, "zorglub") == set()  # private group's file
    file_id = next(i for k, i in found(app, cast.alice, "quokka"))
    download = alice_web.get(f"/files/{file_id}")
    assert download.status_code == 200 and download.data.startswith(b"PK")
    assert "attachment" in download.headers["Content-Disposition"]
    assert make_web().login(cast.bob).get(f"/files/{file_id}").status_code == 404
    card = alice_web.get(f"/posts/{res.get_json()['id']}").get_data(as_text=True)
    assert "rapport.pdf" in card and f"/files/{file_id}" in card


@pytest.mark.parametrize(("name", "content", "words"), [
    ("virus.exe", b"MZ\x90\x00", "not a type we accept"),
    ("fake.pdf", b"<html>not a pdf</html>", "does not look like a pdf"),
    ("empty.txt", b"", "is empty"),
    ("big.txt", b"a" * (Config.MAX_ATTACHMENT_BYTES + 1), "too large"),
])
def test_bad_files_are_refused_and_nothing_is_written(app: Flask, cast: Any, alice_web: Any,
                                                      name: str, content: bytes, words: str) -> None:
    res = upload(alice_web, "Refused post", [(name, content)])
    assert res.status_code == 400 and words in res.get_json()["error"]["message"]
    with app.app_context():

        assert db.session.scalar(select(func.count(Post.id))) == 0
        assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_api_post_with_files_and_deleting_the_post_removes_them(
        app: Flask, cast: Any, alice_web: Any, drain_index: Any) -> None:
    res = upload(alice_web, "Via the API", [("guide.md", b"# Guide du numbat")],
                 url="/api/v1/posts")
    assert res.status_code == 201 and conforms(res.get_json(), "Post")
    drain_index()
    assert {k for k, _i in found(app, cast.bob, "numbat")} == {"file"}
    assert alice_web.delete(f"/api/v1/posts/{res.get_json()['id']}").status_code == 204
    drain_index()
    assert found(app, cast.bob, "numbat") == set()


def test_cached_card_shows_files(app: Flask, cast: Any, alice_web: Any) -> None:
    res = upload(alice_web, "Files on the feed", [("plan.txt", b"plan")])
    assert res.status_code == 201
    for _ in range(2):  # rendered, then served from the card cache
        home = alice_web.get("/").get_data(as_text=True)
        assert "plan.txt" in home
