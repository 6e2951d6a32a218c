"""Photos alone: a post, a comment or a message may be one or more photos without text, from the
page forms and from the API (multipart); with neither text nor files it is still a clear 400
naming ``body``. The feed, notifications and search cope with the empty text."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from intranet.models import Attachment, Comment, Message, Notification, NotificationKind, Post
from intranet.platform import db
from tests.api_helpers import conforms
from tests.core.actions.test_photos import photo, upload
from tests.core.realtime.test_messaging_live import start
from tests.search_helpers import found

JSON = {"Accept": "application/json"}


@pytest.fixture
def webs(make_web: Any, cast: Any) -> dict[str, Any]:
    return {name: make_web().login(getattr(cast, name)) for name in ("alice", "bob", "lea")}


def _multipart(web: Any, url: str, items: list[tuple[str, bytes]], **fields: str) -> Any:
    """A multipart request without any ``body`` part at all (as a phone app sends photos)."""
    data = {**fields, "files": [(io.BytesIO(content), name) for name, content in items]}
    return web.post(url, data=data, content_type="multipart/form-data", headers=JSON)


def _count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _refused(res: Any) -> None:
    assert res.status_code == 400, res.get_data(as_text=True)
    error = res.get_json()["error"]
    assert conforms(res.get_json(), "Error") and error["field"] == "body" and "empty" in error["message"]


def test_api_post_of_photos_alone(app: Flask, cast: Any, webs: Any, drain_index: Any) -> None:
    res = _multipart(webs["alice"], "/api/v1/posts",
                     [("beach.jpg", photo()), ("sandcastle.png", photo("PNG"))], group_id=str(cast.apollo.id))
    assert res.status_code == 201, res.get_json()
    post = res.get_json()
    assert conforms(post, "Post") and post["body"] == "" and len(post["files"]) == 2
    again = upload(webs["alice"], "/api/v1/posts", "   ", [("cove.webp", photo("WEBP"))])
    assert again.status_code == 201 and again.get_json()["body"] == ""  # blank text counts as none
    # the feeds show them (page and API), the card without an empty text block
    feed = webs["lea"].get(f"/groups/{cast.apollo.id}").get_data(as_text=True)
    assert "data-photo-grid" in feed and post["files"][0]["thumb_url"] in feed
    assert 'class="post-body prose"></div>' in feed  # hidden by CSS (:empty)
    items = webs["lea"].get("/api/v1/feed").get_json()["items"]
    assert {p["id"] for p in items} >= {post["id"], again.get_json()["id"]}
    assert webs["lea"].get(f"/posts/{post['id']}").status_code == 200
    # search: the empty post is indexed without trouble; its photos are found by name
    drain_index()
    assert found(app, cast.lea, "sandcastle.png") == {("file", post["files"][1]["id"])}
    assert found(app, cast.bob, "sandcastle.png") == set()  # not in the private project
    assert webs["lea"].get("/search?q=beach").status_code == 200


def test_api_refuses_neither_text_nor_files(app: Flask, cast: Any, webs: Any) -> None:
    posts = _count(app, Post)
    _refused(_multipart(webs["alice"], "/api/v1/posts", [], group_id=str(cast.apollo.id)))
    _refused(upload(webs["alice"], "/api/v1/posts", "  ", []))
    _refused(webs["alice"].post("/api/v1/posts", json={}))
    _refused(webs["alice"].post("/api/v1/posts", json={"body": ""}))
    assert _count(app, Post) == posts
    post_id = webs["alice"].post("/api/v1/posts", json={"body": "Hi"}).get_json()["id"]
    _refused(_multipart(webs["bob"], f"/api/v1/posts/{post_id}/comments", []))
    _refused(webs["bob"].post(f"/api/v1/posts/{post_id}/comments", json={}))
    cid = start(webs["alice"], cast.bob)
    _refused(_multipart(webs["alice"], f"/api/v1/conversations/{cid}/messages", []))
    _refused(webs["alice"].post(f"/api/v1/conversations/{cid}/messages", json={"body": " "}))
    assert (_count(app, Comment), _count(app, Message), _count(app, Attachment)) == (0, 0, 0)


def test_comment_and_message_of_photos_alone_notify(app: Flask, cast: Any, webs: Any) -> None:
    post_id = webs["bob"].post("/api/v1/posts", json={"body": "Show me your cups",
                                                      "group_id": cast.coffee.id}).get_json()["id"]
    res = _multipart(webs["alice"], f"/api/v1/posts/{post_id}/comments", [("cup.png", photo("PNG"))])
    assert res.status_code == 201, res.get_json()
    comment = res.get_json()
    assert conforms(comment, "Comment") and comment["body"] == "" and len(comment["files"]) == 1
    with app.app_context():  # the post's author is told, as for any comment
        kinds = db.session.scalars(select(Notification.kind).where(
            Notification.user_id == cast.bob.id, Notification.comment_id == comment["id"])).all()
    assert kinds == [NotificationKind.COMMENT]
    for url in ("/notifications", "/api/v1/notifications"):
        assert webs["bob"].get(url).status_code == 200
    page = webs["bob"].get(f"/posts/{post_id}").get_data(as_text=True)
    assert comment["files"][0]["thumb_url"] in page
    cid = start(webs["alice"], cast.bob)
    sent = _multipart(webs["alice"], f"/api/v1/conversations/{cid}/messages", [("me.jpg", photo())])
    assert sent.status_code == 201, sent.get_json()
    assert conforms(sent.get_json(), "Message") and sent.get_json()["body"] == ""
    listed = webs["bob"].get(f"/api/v1/conversations/{cid}/messages").get_json()["items"]
    assert [len(m["files"]) for m in listed] == [1]
    assert webs["bob"].get(f"/messages/{cid}").status_code == 200


def test_page_forms_take_photos_alone(app: Flask, cast: Any, webs: Any) -> None:
    home = webs["alice"].get("/").get_data(as_text=True)
    composer = home[home.index('id="composer-body"'):]
    assert "required" not in composer[:composer.index(">")]  # the browser lets photos go alone
    sent = webs["alice"].post("/posts", data={"body": "", "group_id": str(cast.apollo.id),
                                              "files": [(io.BytesIO(photo()), "team.jpg")]},
                              content_type="multipart/form-data")
    assert sent.status_code in (302, 303)
    with app.app_context():
        post = db.session.scalars(select(Post).order_by(Post.id.desc())).first()
        assert (post.body, post.attachment_count) == ("", 1)
        post_id = post.id
    empty = webs["alice"].post("/posts", data={"body": " ", "group_id": str(cast.apollo.id)},
                               content_type="multipart/form-data")
    assert empty.status_code == 400 and "cannot be empty" in empty.get_data(as_text=True)
    form = {"body": "", "files": [(io.BytesIO(photo("PNG")), "reply.png")]}
    done = webs["lea"].post(f"/posts/{post_id}/comments", data=form, content_type="multipart/form-data")
    assert done.status_code in (302, 303)
    nothing = webs["lea"].post(f"/posts/{post_id}/comments", data={"body": ""},
                               content_type="multipart/form-data")
    assert nothing.status_code == 400 and "cannot be empty" in nothing.get_data(as_text=True)
    cid = start(webs["alice"], cast.bob)
    note = webs["alice"].post(f"/messages/{cid}/send", data={"body": "", "files": [
        (io.BytesIO(photo()), "me.jpg")]}, content_type="multipart/form-data")
    assert note.status_code in (302, 303)
    assert _count(app, Message) == 1 and _count(app, Attachment) == 3


def test_a_photo_post_may_lose_its_caption_a_text_post_may_not(app: Flask, cast: Any, webs: Any) -> None:
    photo_post = upload(webs["alice"], "/api/v1/posts", "Caption", [("a.jpg", photo())]).get_json()["id"]
    text_post = webs["alice"].post("/api/v1/posts", json={"body": "Words"}).get_json()["id"]
    edit = webs["alice"].get(f"/posts/{photo_post}/edit").get_data(as_text=True)
    assert 'rows="10" maxlength' in edit  # no ``required``: the caption may go
    res = webs["alice"].patch(f"/api/v1/posts/{photo_post}", json={"body": ""})
    assert res.status_code == 200 and res.get_json()["body"] == ""
    _refused(webs["alice"].patch(f"/api/v1/posts/{text_post}", json={"body": ""}))
