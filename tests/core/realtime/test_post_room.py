"""Live comments reach everyone who may read the post and has it open, not only group members:
the post page's socket joins the post's room, authorised through ``access`` at join."""

from __future__ import annotations

JSON = {"Accept": "application/json"}


def received(sc, name: str) -> list[dict]:
    return [m["args"][0] for m in sc.get_received() if m["name"] == name]


def test_reader_outside_a_public_group_sees_comments_arrive(cast, make_web, socket_for):
    bob, alice = make_web().login(cast.bob), make_web().login(cast.alice)
    post_id = bob.post("/posts", data={"body": "Coffee at 10?", "group_id": cast.coffee.id},
                       headers=JSON).json["id"]
    sc = socket_for(alice)  # alice is not in "Coffee lovers" (public): she may read, not a member
    assert sc.emit("watch_post", {"post_id": post_id}, callback=True) == {"ok": True}
    sc.get_received()
    comment_id = bob.post(f"/posts/{post_id}/comments", data={"body": "Yes"}, headers=JSON).json["id"]
    comments = received(sc, "comment")
    assert [(c["op"], c["id"], c["post_id"]) for c in comments] == [("add", comment_id, post_id)]
    assert "Yes" in alice.get(f"/comments/{comment_id}/card").text


def test_a_member_gets_each_comment_once(cast, make_web, socket_for):
    bob = make_web().login(cast.bob)
    post_id = bob.post("/posts", data={"body": "Once", "group_id": cast.coffee.id}, headers=JSON).json["id"]
    sc = socket_for(bob)
    assert sc.emit("watch_post", {"post_id": post_id}, callback=True)["ok"] is True
    sc.get_received()
    bob.post(f"/posts/{post_id}/comments", data={"body": "me"}, headers=JSON)
    assert len(received(sc, "comment")) == 1


def test_private_post_room_is_refused_to_outsiders(cast, make_web, socket_for):
    alice, bob = make_web().login(cast.alice), make_web().login(cast.bob)
    post_id = alice.post("/posts", data={"body": "Secret plan", "group_id": cast.apollo.id},
                         headers=JSON).json["id"]
    sc = socket_for(bob)
    for bad in ({"post_id": post_id}, {"post_id": 999999}, {"post_id": "1"}, {"post_id": True}, None, []):
        assert sc.emit("watch_post", bad, callback=True) == {"ok": False}
    sc.get_received()
    alice.post(f"/posts/{post_id}/comments", data={"body": "hidden reply"}, headers=JSON)
    assert received(sc, "comment") == []


def test_watching_another_post_leaves_the_first(cast, make_web, socket_for):
    bob, alice = make_web().login(cast.bob), make_web().login(cast.alice)
    first = bob.post("/posts", data={"body": "one", "group_id": cast.coffee.id}, headers=JSON).json["id"]
    second = bob.post("/posts", data={"body": "two", "group_id": cast.coffee.id}, headers=JSON).json["id"]
    sc = socket_for(alice)
    sc.emit("watch_post", {"post_id": first}, callback=True)
    sc.emit("watch_post", {"post_id": second}, callback=True)
    sc.get_received()
    bob.post(f"/posts/{first}/comments", data={"body": "on first"}, headers=JSON)
    bob.post(f"/posts/{second}/comments", data={"body": "on second"}, headers=JSON)
    assert [c["post_id"] for c in received(sc, "comment")] == [second]


def test_saving_an_edited_post_returns_to_the_post(cast, make_web):
    alice = make_web().login(cast.alice)
    post_id = alice.post("/posts", data={"body": "draft"}, headers=JSON).json["id"]
    edit_url = f"/posts/{post_id}/edit"
    response = alice.post(edit_url, data={"body": "final"}, headers={"Referer": f"http://localhost{edit_url}"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/posts/{post_id}")
    assert "final" in alice.get(f"/posts/{post_id}").text
