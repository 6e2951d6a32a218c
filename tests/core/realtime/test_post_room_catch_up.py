"""A post's page catches up on its post's events after a reconnect, as it receives them live:
comments, reactions and poll results reach a reader outside the post's group through the post's
room, so the catch-up (socket ``catch_up`` and ``GET /api/v1/events``) takes ``post_id`` and adds
that post's events when ``access`` lets the reader open it: nothing dropped, nothing twice."""

from __future__ import annotations

from typing import Any

JSON = {"Accept": "application/json"}


def _now(web: Any) -> int:
    return web.get("/api/v1/events").get_json()["last_event_id"]


def _caught(sc: Any, after: int, post_id: Any = None) -> dict:
    ask = {"after": after} if post_id is None else {"after": after, "post_id": post_id}
    answer = sc.emit("catch_up", ask, callback=True)
    assert answer["ok"] is True
    return answer


def _post_events(events: list[dict], post_id: int) -> list[tuple[str, str, int]]:
    return [(e["type"], e["op"], e["id"]) for e in events if e.get("post_id") == post_id]


def _activity(bob: Any, lea: Any, group_id: int) -> tuple[int, list[int]]:
    post_id = bob.post("/posts", data={"body": "Which day?", "group_id": group_id, "kind": "poll",
                                       "poll_options": "Monday\nFriday"}, headers=JSON).json["id"]
    comments = [bob.post(f"/posts/{post_id}/comments", data={"body": text}, headers=JSON).json["id"]
                for text in ("first", "second")]
    lea.post(f"/posts/{post_id}/react", data={"kind": "like"}, headers=JSON)
    option = lea.get(f"/api/v1/posts/{post_id}").json["poll"]["options"][1]["id"]
    assert lea.post(f"/api/v1/posts/{post_id}/votes", json={"option_ids": [option]}).status_code == 200
    return post_id, comments


def test_a_reader_outside_the_group_catches_up_on_the_post_once(cast, make_web, socket_for):
    bob, alice, lea = make_web().login(cast.bob), make_web().login(cast.alice), make_web().login(cast.lea)
    start = _now(alice)
    post_id, (first, second) = _activity(bob, lea, cast.coffee.id)  # alice is not in "Coffee lovers"
    sc = socket_for(alice)
    plain = _caught(sc, start)
    assert _post_events(plain["events"], post_id) == []  # not hers without the post's page
    answer = _caught(sc, start, post_id)
    expected = [("comment", "add", first), ("comment", "add", second), ("reaction", "add", post_id),
                ("poll", "vote", post_id)]
    assert _post_events(answer["events"], post_id) == expected
    ids = [e["event_id"] for e in answer["events"]]
    assert ids == sorted(set(ids)) and answer["last_event_id"] == ids[-1]
    http = alice.get(f"/api/v1/events?after={start}&post_id={post_id}").json
    assert http["events"] == answer["events"]  # the same answer both ways
    # the catch-up joined the post's room: what comes next arrives live, once
    sc.get_received()
    third = bob.post(f"/posts/{post_id}/comments", data={"body": "third"}, headers=JSON).json["id"]
    live = [m["args"][0] for m in sc.get_received() if m["name"] == "comment"]
    assert [(c["op"], c["id"]) for c in live] == [("add", third)]
    again = _caught(sc, answer["last_event_id"], post_id)["events"]
    assert [e["event_id"] for e in again] == [live[0]["event_id"]]  # catch-up gives it, the id dedups
    assert bob.patch(f"/api/v1/posts/{post_id}", json={"body": "Which day, finally?"}).status_code == 200
    edited = _caught(sc, again[-1]["event_id"], post_id)["events"]
    assert [(e["type"], e["op"], e["id"]) for e in edited] == [("post", "update", post_id)]


def test_a_member_gets_each_event_once(cast, make_web, socket_for):
    bob, lea = make_web().login(cast.bob), make_web().login(cast.lea)
    start = _now(bob)
    post_id, _comments = _activity(bob, lea, cast.coffee.id)
    events = _caught(socket_for(bob), start, post_id)["events"]
    ids = [e["event_id"] for e in events]
    assert len(ids) == len(set(ids)) and len(_post_events(events, post_id)) == 4


def test_a_post_i_may_not_read_adds_nothing(cast, make_web, socket_for):
    alice, lea, bob = make_web().login(cast.alice), make_web().login(cast.lea), make_web().login(cast.bob)
    start = _now(bob)
    post_id = alice.post("/posts", data={"body": "Secret plan", "group_id": cast.apollo.id},
                         headers=JSON).json["id"]
    lea.post(f"/posts/{post_id}/comments", data={"body": "hidden reply"}, headers=JSON)
    sc = socket_for(bob)
    for asked in (post_id, 999999, "1", True, None):
        answer = sc.emit("catch_up", {"after": start, "post_id": asked}, callback=True)
        assert answer["ok"] is True and _post_events(answer["events"], post_id) == []
    sc.get_received()
    lea.post(f"/posts/{post_id}/comments", data={"body": "still hidden"}, headers=JSON)
    assert [m for m in sc.get_received() if m["name"] == "comment"] == []  # no room joined
    for asked in (post_id, 999999):
        page = bob.get(f"/api/v1/events?after={start}&post_id={asked}")
        assert page.status_code == 200 and _post_events(page.json["events"], post_id) == []
    for bad in ("0", "x", "-1"):
        res = bob.get(f"/api/v1/events?after={start}&post_id={bad}")
        assert res.status_code == 400 and res.json["error"]["field"] == "post_id"


def test_the_post_page_cursor_counts_its_post(cast, make_web):
    """A page rendered after a comment starts its catch-up past it: the comment is on the page."""
    bob, alice = make_web().login(cast.bob), make_web().login(cast.alice)
    start = _now(bob)
    post_id = bob.post("/posts", data={"body": "Coffee?", "group_id": cast.coffee.id},
                       headers=JSON).json["id"]
    bob.post(f"/posts/{post_id}/comments", data={"body": "yes"}, headers=JSON)
    [comment] = [e for e in bob.get(f"/api/v1/events?after={start}").json["events"] if e["type"] == "comment"]
    page = alice.get(f"/posts/{post_id}").text
    cursor = int(page.split('data-last-event-id="')[1].split('"')[0])
    assert cursor >= comment["event_id"]
    answer = alice.get(f"/api/v1/events?after={cursor}&post_id={post_id}").json
    assert answer["events"] == []  # nothing already on the page comes again
