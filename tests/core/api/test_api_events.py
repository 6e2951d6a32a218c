"""Event catch-up over HTTP (/api/v1/events) and its agreement with live Socket.IO events."""

from __future__ import annotations

import pytest

from tests.api_helpers import api_clients, conforms, issue_token


@pytest.fixture
def api(app, cast):
    return api_clients(app, cast)


def _now(api, who: str = "alice") -> int:
    status, data = api[who]("GET", "/events")
    assert status == 200 and data["events"] == [] and data["more"] is False
    return data["last_event_id"]


def _all_after(api, who: str, after: int, limit: int = 500) -> list[dict]:
    """Follow ``more`` like a reconnecting client would."""
    seen: list[dict] = []
    while True:
        status, page = api[who]("GET", f"/events?after={after}&limit={limit}")
        assert status == 200
        conforms(page, "EventPage")
        seen += page["events"]
        assert page["last_event_id"] == (page["events"][-1]["event_id"] if page["events"] else after)
        after = page["last_event_id"]
        if not page["more"]:
            return seen


def _make_activity(cast, api) -> dict[str, int]:
    company = api["alice"]("POST", "/posts", {"body": "Hello company @lea"})[1]["id"]
    apollo = api["lea"]("POST", "/posts", {"body": "Apollo plan @alice", "group_id": cast.apollo.id})[1]["id"]
    coffee = api["bob"]("POST", "/posts", {"body": "Coffee at 10", "group_id": cast.coffee.id})[1]["id"]
    api["alice"]("POST", f"/posts/{apollo}/reactions", {"kind": "like"})
    api["bob"]("POST", f"/posts/{company}/comments", {"body": "Hi!"})
    return {"company": company, "apollo": apollo, "coffee": coffee}


def test_catch_up_is_ordered_complete_and_only_mine(cast, api):
    start = _now(api)
    posts = _make_activity(cast, api)

    bob = _all_after(api, "bob", start)
    ids = [e["event_id"] for e in bob]
    assert ids == sorted(set(ids)) and all(i > start for i in ids)  # id order, no duplicates
    assert {e["id"] for e in bob if e["type"] == "post"} == {posts["company"], posts["coffee"]}
    assert not [e for e in bob if e.get("post_id") == posts["apollo"]]  # nor reactions to it
    assert not [e for e in bob if e["type"] == "notification"]  # alice's and lea's are theirs

    alice = _all_after(api, "alice", start)
    assert {e["id"] for e in alice if e["type"] == "post"} == {posts["company"], posts["apollo"]}
    assert [e["kind"] for e in alice if e["type"] == "notification"] == ["mention", "comment"]
    reaction = next(e for e in alice if e["type"] == "reaction")
    assert reaction == {"type": "reaction", "event_id": reaction["event_id"], "op": "add",
                        "id": posts["apollo"], "post_id": posts["apollo"], "kind": "like",
                        "user_id": cast.alice.id, "counts": {"like": 1}}
    lea = _all_after(api, "lea", start)
    assert [e["kind"] for e in lea if e["type"] == "notification"] == ["mention"]
    assert reaction in lea and not [e for e in lea if e["type"] == "post" and e["id"] == posts["coffee"]]


def test_paging_with_more_gives_the_same_events(cast, api):
    start = _now(api, "lea")
    _make_activity(cast, api)
    whole = api["lea"]("GET", f"/events?after={start}")[1]
    assert whole["more"] is False and len(whole["events"]) >= 5
    first = api["lea"]("GET", f"/events?after={start}&limit=2")[1]
    assert first["more"] is True and len(first["events"]) == 2
    assert first["last_event_id"] == first["events"][-1]["event_id"]
    assert _all_after(api, "lea", start, limit=2) == whole["events"]
    assert _all_after(api, "lea", whole["last_event_id"]) == []


def test_without_after_tells_where_now_is(cast, api):
    before = _now(api)
    api["alice"]("POST", "/posts", {"body": "one more"})
    assert _now(api, "bob") > before


@pytest.mark.parametrize("query, field", [
    ("after=-1", "after"), ("after=abc", "after"), ("after=1&limit=0", "limit"),
    ("after=1&limit=501", "limit"), ("after=1&limit=ten", "limit"),
])
def test_bad_parameters_are_400_naming_them(cast, api, query, field):
    status, data = api["bob"]("GET", f"/events?{query}")
    assert status == 400 and data["error"]["field"] == field


def test_leaving_a_group_stops_its_events(cast, api):
    start = _now(api)
    api["lea"]("POST", "/posts", {"body": "before she left", "group_id": cast.apollo.id})
    api["alice"]("POST", f"/groups/{cast.apollo.id}/leave")
    events = _all_after(api, "alice", start)
    assert not [e for e in events if e["type"] == "post"]
    assert [(e["type"], e["op"]) for e in events] == [("group", "member_remove")]  # her own news


def test_cookie_session_reads_events_without_csrf(web, cast):
    web.login(cast.bob)
    resp = web.raw.get("/api/v1/events?after=0")
    assert resp.status_code == 200 and resp.get_json()["more"] is False


def test_socket_with_token_gets_events_that_catch_up_returns(app, web, cast, socket_for):
    token = issue_token(web.raw, cast.bob)
    sc = socket_for(auth={"token": token})
    assert sc.is_connected()
    alice = api_clients(app, cast)["alice"]
    post = alice("POST", "/posts", {"body": "live @bob"})[1]
    hidden = alice("POST", "/posts", {"body": "apollo only", "group_id": cast.apollo.id})[1]

    received = {(m["name"], m["args"][0]["event_id"]): m["args"][0] for m in sc.get_received()}
    live_post = next(data for (name, _), data in received.items() if name == "post")
    assert live_post["id"] == post["id"] and live_post["op"] == "add"
    assert hidden["id"] not in {data["id"] for (name, _), data in received.items() if name == "post"}
    assert {name for name, _ in received} == {"post", "notification"}

    first = min(event_id for _, event_id in received)  # the mention is published before the post
    resp = web.raw.get(f"/api/v1/events?after={first - 1}", headers={"Authorization": f"Bearer {token}"})
    caught = {(e["type"], e["event_id"]): e for e in resp.get_json()["events"]}
    assert caught == received  # the same payloads, the same ids, nothing more, nothing less


def test_socket_refuses_a_wrong_token(socket_for, cast):
    sc = socket_for(auth={"token": "itk_wrong"})
    assert not sc.is_connected()
