"""API posts, comments, reactions, pins, acknowledgements, post lists and notifications."""

from __future__ import annotations

import pytest

from tests.api_helpers import api_clients, conforms


@pytest.fixture
def api(app, cast):
    return api_clients(app, cast)


def _post(api, who: str, body: str, group=None, **extra) -> dict:
    payload = {"body": body, "group_id": group.id if group else None, **extra}
    status, data = api[who]("POST", "/posts", payload)
    assert status == 201, data
    return data


def test_create_post_returns_sanitized_html_and_the_full_object(app, cast, api):
    resp = api["alice"].client.post("/api/v1/posts", headers=api["alice"].headers,
                                    json={"body": "**Hi** <script>alert(1)</script> #Launch @bob"})
    assert resp.status_code == 201
    post = resp.get_json()
    conforms(post, "Post")
    assert resp.headers["Location"].endswith(f"/api/v1/posts/{post['id']}")
    assert "<strong>Hi</strong>" in post["html"] and "<script" not in post["html"]
    assert post["body"].startswith("**Hi**") and post["topics"] == ["launch"]
    assert post["group"] is None and post["author"]["username"] == "alice"
    assert post["created_at"].endswith("Z") and post["edited_at"] is None
    assert post["url"] == f"/posts/{post['id']}"
    assert api["bob"]("GET", f"/posts/{post['id']}") == (200, {**post, "can_edit": False})


def test_create_post_input_errors_name_the_field(cast, api):
    for payload, field in (({}, "body"), ({"body": 5}, "body"), ({"body": "x", "group_id": "1"}, "group_id"),
                           ({"body": "x", "announcement": "yes"}, "announcement")):
        status, data = api["alice"]("POST", "/posts", payload)
        assert status == 400 and data["error"]["field"] == field, payload
    status, data = api["alice"]("POST", "/posts", {"body": "   "})
    assert status == 400 and "empty" in data["error"]["message"]


def test_posting_where_i_may_not(cast, api):
    assert api["bob"]("POST", "/posts", {"body": "hi", "group_id": cast.apollo.id})[0] == 403  # private
    assert api["bob"]("POST", "/posts", {"body": "hi", "group_id": cast.board.id})[0] == 404  # secret
    assert api["bob"]("POST", "/posts", {"body": "hi", "group_id": 9999})[0] == 404  # unknown
    status, data = api["alice"]("POST", "/posts", {"body": "hear ye", "announcement": True})
    assert status == 403 and "leads" in data["error"]["message"]
    assert _post(api, "lea", "Kick-off friday", cast.apollo, announcement=True)["is_announcement"]


def test_hidden_posts_are_404(cast, api):
    private = _post(api, "alice", "apollo only", cast.apollo)
    secret = _post(api, "admin", "board only", cast.board)
    assert api["bob"]("GET", f"/posts/{private['id']}")[0] == 404
    assert api["alice"]("GET", f"/posts/{secret['id']}")[0] == 404
    assert api["alice"]("GET", "/posts/99999")[0] == 404
    for method, url, body in (("PATCH", "", {"body": "x"}), ("DELETE", "", None),
                              ("POST", "/comments", {"body": "x"}), ("GET", "/comments", None),
                              ("POST", "/reactions", {"kind": "like"}), ("POST", "/pin", {}),
                              ("POST", "/ack", None)):
        assert api["bob"](method, f"/posts/{private['id']}{url}", body)[0] == 404, (method, url)


def test_edit_and_delete_post(cast, api):
    post = _post(api, "bob", "v1", cast.coffee)
    status, data = api["bob"]("PATCH", f"/posts/{post['id']}", {"body": "v2 *now*"})
    assert status == 200 and data["body"] == "v2 *now*" and "<em>now</em>" in data["html"]
    assert data["edited_at"] is not None
    assert api["alice"]("PATCH", f"/posts/{post['id']}", {"body": "mine now"})[0] == 403
    assert api["bob"]("PATCH", f"/posts/{post['id']}", {"body": None})[0] == 400
    assert api["alice"]("DELETE", f"/posts/{post['id']}")[0] == 403
    assert api["bob"]("DELETE", f"/posts/{post['id']}") == (204, None)
    assert api["bob"]("GET", f"/posts/{post['id']}")[0] == 404


def test_moderators_may_delete_others_posts(cast, api):
    post = _post(api, "alice", "off topic", cast.apollo)
    assert api["lea"]("DELETE", f"/posts/{post['id']}")[0] == 204


def test_comments(cast, api):
    post = _post(api, "alice", "comment me")
    status, comment = api["bob"]("POST", f"/posts/{post['id']}/comments", {"body": "**yes**"})
    assert status == 201 and "<strong>yes</strong>" in comment["html"]
    conforms(comment, "Comment")
    status, listed = api["alice"]("GET", f"/posts/{post['id']}/comments")
    assert status == 200 and [c["id"] for c in listed["items"]] == [comment["id"]]
    conforms(listed, "CommentList")
    assert listed["items"][0]["can_edit"] is False and listed["items"][0]["can_delete"] is False
    assert api["alice"]("GET", f"/posts/{post['id']}")[1]["comment_count"] == 1

    assert api["alice"]("PATCH", f"/comments/{comment['id']}", {"body": "no"})[0] == 403
    status, edited = api["bob"]("PATCH", f"/comments/{comment['id']}", {"body": "yes, edited"})
    assert status == 200 and edited["body"] == "yes, edited" and edited["edited_at"]
    assert api["bob"]("POST", f"/posts/{post['id']}/comments", {"body": ""})[0] == 400
    assert api["alice"]("DELETE", f"/comments/{comment['id']}")[0] == 403
    assert api["bob"]("DELETE", f"/comments/{comment['id']}") == (204, None)
    assert api["bob"]("DELETE", f"/comments/{comment['id']}")[0] == 404


def test_comments_of_private_posts_are_hidden(cast, api):
    post = _post(api, "alice", "secret plans", cast.apollo)
    status, comment = api["lea"]("POST", f"/posts/{post['id']}/comments", {"body": "noted"})
    assert status == 201
    assert api["bob"]("PATCH", f"/comments/{comment['id']}", {"body": "x"})[0] == 404
    assert api["bob"]("DELETE", f"/comments/{comment['id']}")[0] == 404


def test_reactions(cast, api):
    post = _post(api, "alice", "react", None)
    status, data = api["bob"]("POST", f"/posts/{post['id']}/reactions", {"kind": "like"})
    assert status == 201 and data == {"kind": "like", "reactions": {"like": 1}}
    conforms(data, "ReactionResult")
    status, data = api["bob"]("POST", f"/posts/{post['id']}/reactions", {"kind": "like"})
    assert status == 409 and data["error"]["code"] == "conflict"
    status, data = api["bob"]("POST", f"/posts/{post['id']}/reactions", {"kind": "banana"})
    assert status == 400 and data["error"]["field"] == "kind"
    assert api["bob"]("POST", f"/posts/{post['id']}/reactions", {})[0] == 400
    api["alice"]("POST", f"/posts/{post['id']}/reactions", {"kind": "love"})
    seen = api["bob"]("GET", f"/posts/{post['id']}")[1]
    assert seen["reactions"] == {"like": 1, "love": 1} and seen["my_reactions"] == ["like"]
    assert api["bob"]("DELETE", f"/posts/{post['id']}/reactions/like") == (204, None)
    assert api["bob"]("DELETE", f"/posts/{post['id']}/reactions/like")[0] == 404
    assert api["bob"]("DELETE", f"/posts/{post['id']}/reactions/banana")[0] == 400
    assert api["bob"]("GET", f"/posts/{post['id']}")[1]["reactions"] == {"love": 1}


def test_pin(cast, api):
    post = _post(api, "alice", "pin me", cast.apollo)
    assert api["alice"]("POST", f"/posts/{post['id']}/pin", {"pinned": True})[0] == 403
    status, data = api["lea"]("POST", f"/posts/{post['id']}/pin", {"pinned": True})
    assert status == 200 and data["pinned"] is True
    assert api["lea"]("POST", f"/posts/{post['id']}/pin", {"pinned": "no"})[0] == 400
    assert api["lea"]("POST", f"/posts/{post['id']}/pin", {"pinned": False})[1]["pinned"] is False


def test_acknowledge_announcements(cast, api):
    announcement = _post(api, "lea", "Read the brief", cast.apollo, announcement=True)
    assert announcement["ack_count"] == 0  # the author sees the count
    status, data = api["alice"]("POST", f"/posts/{announcement['id']}/ack")
    assert status == 200 and data["acknowledged"] is True and data["ack_count"] is None
    assert api["alice"]("POST", f"/posts/{announcement['id']}/ack")[0] == 409
    assert api["lea"]("GET", f"/posts/{announcement['id']}")[1]["ack_count"] == 1
    plain = _post(api, "alice", "not an announcement", cast.apollo)
    assert api["lea"]("POST", f"/posts/{plain['id']}/ack")[0] == 400


def test_feed_pages_and_visibility(cast, api):
    ids = [_post(api, "alice", f"company {i}")["id"] for i in range(5)]
    hidden = _post(api, "lea", "apollo news", cast.apollo)["id"]
    seen, before = [], None
    while True:
        status, page = api["bob"]("GET", "/feed?limit=2" + (f"&before={before}" if before else ""))
        assert status == 200
        conforms(page, "PostPage")
        seen += [p["id"] for p in page["items"]]
        before = page["next_before"]
        if before is None:
            break
    assert seen == sorted(ids, reverse=True)  # newest first, no duplicates, nothing hidden
    assert hidden in [p["id"] for p in api["alice"]("GET", "/feed")[1]["items"]]
    for query in ("limit=0", "limit=101", "limit=x", "before=0", "before=abc"):
        status, data = api["bob"]("GET", f"/feed?{query}")
        assert status == 400 and data["error"]["field"] == query.split("=")[0], query


def test_group_posts(cast, api):
    mine = _post(api, "alice", "in apollo", cast.apollo)
    _post(api, "bob", "in coffee", cast.coffee)
    status, page = api["alice"]("GET", f"/groups/{cast.apollo.id}/posts")
    assert status == 200 and [p["id"] for p in page["items"]] == [mine["id"]]
    assert page["items"][0]["group"] == {"id": cast.apollo.id, "name": "Project Apollo"}
    assert api["bob"]("GET", f"/groups/{cast.apollo.id}/posts")[0] == 403  # private: listed, not readable
    assert api["bob"]("GET", f"/groups/{cast.board.id}/posts")[0] == 404  # secret: does not exist
    assert api["alice"]("GET", f"/groups/{cast.coffee.id}/posts")[1]["items"][0]["body"] == "in coffee"


def test_topic_posts_only_readable(cast, api):
    public = _post(api, "alice", "Ready for #launch")
    _post(api, "lea", "Secret #Launch date", cast.apollo)
    assert [p["id"] for p in api["bob"]("GET", "/topics/launch/posts")[1]["items"]] == [public["id"]]
    assert len(api["alice"]("GET", "/topics/LAUNCH/posts")[1]["items"]) == 2
    assert api["bob"]("GET", "/topics/nothing/posts") == (200, {"items": [], "next_before": None})


def test_notifications_list_and_read(cast, api):
    post = _post(api, "alice", "hello @bob")
    api["alice"]("POST", f"/posts/{post['id']}/comments", {"body": "and again @bob"})
    status, page = api["bob"]("GET", "/notifications")
    assert status == 200 and page["unread"] == 2
    conforms(page, "NotificationPage")
    first = page["items"][-1]
    assert first["kind"] == "mention" and first["actor"]["id"] == cast.alice.id
    assert first["post"]["excerpt"] == "hello @bob" and first["read"] is False
    status, data = api["bob"]("POST", "/notifications/read", {"ids": [first["id"]]})
    assert (status, data) == (200, {"changed": 1, "unread": 1})
    assert len(api["bob"]("GET", "/notifications?unread=1")[1]["items"]) == 1
    assert api["bob"]("POST", "/notifications/read", {"ids": ["x"]})[1]["error"]["field"] == "ids"
    assert api["bob"]("POST", "/notifications/read")[1] == {"changed": 1, "unread": 0}
    assert api["bob"]("GET", "/me")[1]["unread_notifications"] == 0


def test_notifications_never_show_what_i_can_no_longer_read(cast, api):
    api["lea"]("POST", "/posts", {"body": "@alice see the budget", "group_id": cast.apollo.id})
    page = api["alice"]("GET", "/notifications")[1]
    assert page["unread"] == 1 and "budget" in page["items"][0]["post"]["excerpt"]
    assert api["lea"]("DELETE", f"/groups/{cast.apollo.id}/members/{cast.alice.id}")[0] == 204
    page = api["alice"]("GET", "/notifications")[1]
    assert page == {"items": [], "unread": 0, "next_before": None}
    assert api["alice"]("GET", "/me")[1]["unread_notifications"] == 0


def test_notifications_page_by_id(cast, api):
    for i in range(3):
        api["alice"]("POST", "/posts", {"body": f"ping {i} @bob"})
    status, first = api["bob"]("GET", "/notifications?limit=2")
    assert status == 200 and len(first["items"]) == 2 and first["next_before"] == first["items"][-1]["id"]
    rest = api["bob"]("GET", f"/notifications?limit=2&before={first['next_before']}")[1]
    assert [n["post"]["excerpt"] for n in first["items"] + rest["items"]] == [
        "ping 2 @bob", "ping 1 @bob", "ping 0 @bob"]
    assert rest["next_before"] is None and rest["unread"] == 3
    assert api["bob"]("GET", "/notifications?limit=500")[1]["error"]["field"] == "limit"
    assert api["bob"]("GET", "/notifications?unread=maybe")[1]["error"]["field"] == "unread"
