"""Messaging over real Socket.IO test clients: delivery only to participants, order, read state,
typing and presence, notifications vs focus, and catch-up with no gaps or duplicates, including
after a server restart (a new app on the same database)."""

from __future__ import annotations

from sqlalchemy import select

from intranet.models import Message, Notification
from intranet.platform import db, presence
from intranet.platform.extensions import socketio
from intranet.realtime.signals import flush_presence
from tests.api_helpers import conforms
from tests.conftest import WebClient
from tests.scale_out_helpers import worker


def received(sc, name: str | None = None) -> list[dict]:
    """Payloads since last asked. The test client hands a "message" event's payload over bare
    (Socket.IO's send() convention) and other events' as a one-item list."""
    return [m["args"] if m["name"] == "message" else m["args"][0]
            for m in sc.get_received() if name is None or m["name"] == name]


def people(cast, make_web, socket_for, *names: str):
    """A logged-in browser and its socket for each person."""
    out = {}
    for name in names:
        web = make_web().login(getattr(cast, name))
        out[name] = (web, socket_for(web))
        assert out[name][1].is_connected()
    for _web, sc in out.values():
        received(sc)
    return out


def start(web, *users, title=None) -> int:
    resp = web.post("/api/v1/conversations", json={"user_ids": [u.id for u in users], "title": title})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def send(web, cid, body="Hello") -> int:
    resp = web.post(f"/api/v1/conversations/{cid}/messages", json={"body": body})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def test_messages_reach_only_participants_in_order(app, cast, make_web, socket_for):
    p = people(cast, make_web, socket_for, "alice", "bob", "lea")
    cid = start(p["alice"][0], cast.bob)
    ids = [send(p["alice" if i % 2 else "bob"][0], cid, f"message {i}") for i in range(5)]
    for name in ("alice", "bob"):
        got = received(p[name][1], "message")
        for event in got:
            conforms(event, "MessageEvent")
        assert [e["id"] for e in got] == ids and all(e["conversation_id"] == cid for e in got)
        assert [e["event_id"] for e in got] == sorted(e["event_id"] for e in got)
    assert received(p["lea"][1], "message") == [] and received(p["lea"][1], "conversation") == []


def test_three_people_read_state_and_unread_counts(app, cast, make_web, socket_for):
    p = people(cast, make_web, socket_for, "alice", "bob", "lea")
    cid = start(p["alice"][0], cast.bob, cast.lea)
    m1, m2 = send(p["alice"][0], cid, "one"), send(p["alice"][0], cid, "two")
    unread = p["bob"][0].get("/api/v1/conversations/unread").get_json()
    assert conforms(unread, "UnreadCounts") and unread == {"total": 2, "conversations": {str(cid): 2}}
    for _web, sc in p.values():
        received(sc)
    p["bob"][0].post(f"/api/v1/conversations/{cid}/read", json={"message_id": m1})
    for name in ("alice", "bob", "lea"):
        [event] = received(p[name][1], "read")
        conforms(event, "ReadEvent")
        assert (event["user_id"], event["message_id"]) == (cast.bob.id, m1)
    assert p["bob"][0].get("/api/v1/conversations/unread").get_json()["total"] == 1
    p["bob"][0].post(f"/api/v1/conversations/{cid}/read", json={"message_id": m1})  # again: no event
    assert received(p["alice"][1], "read") == []
    assert p["lea"][0].get("/api/v1/conversations/unread").get_json()["total"] == 2
    assert p["alice"][0].get("/api/v1/conversations/unread").get_json()["total"] == 0  # own messages
    page = p["alice"][0].get(f"/messages/{cid}").get_data(as_text=True)
    assert "two" in page and f'"{cast.bob.id}": {m1}' in page.replace("&#34;", '"')
    assert m2 > m1


def test_typing_goes_to_the_other_participants_only(app, cast, make_web, socket_for):
    p = people(cast, make_web, socket_for, "alice", "bob", "lea")
    cid = start(p["alice"][0], cast.bob)
    for _web, sc in p.values():
        received(sc)
    assert p["bob"][1].emit("typing", {"conversation_id": cid, "typing": True}, callback=True) == {"ok": True}
    relayed = {"conversation_id": cid, "user_id": cast.bob.id, "typing": True}
    assert received(p["alice"][1], "typing") == [relayed]
    assert received(p["bob"][1], "typing") == [] and received(p["lea"][1], "typing") == []
    # not in it, or nonsense: refused and nothing relayed
    assert p["lea"][1].emit("typing", {"conversation_id": cid}, callback=True) == {"ok": False}
    assert p["lea"][1].emit("typing", "junk", callback=True) == {"ok": False}
    assert p["lea"][1].emit("focus", {"conversation_id": cid}, callback=True) == {"ok": False}
    assert received(p["alice"][1], "typing") == []


def test_presence_is_told_to_people_sharing_a_conversation(app, cast, make_web, socket_for):
    alice_web = make_web().login(cast.alice)
    cid = start(alice_web, cast.bob)
    alice_sc, lea_sc = socket_for(alice_web), socket_for(make_web().login(cast.lea))
    received(alice_sc), received(lea_sc)
    bob_sc = socket_for(make_web().login(cast.bob))
    assert {"states": [{"user_id": cast.bob.id, "state": "online"}]} in received(alice_sc, "presence")
    assert bob_sc.emit("presence", {"state": "away"}, callback=True) == {"ok": True}
    assert received(alice_sc, "presence") == [{"states": [{"user_id": cast.bob.id, "state": "away"}]}]
    assert bob_sc.emit("presence", {"state": "asleep"}, callback=True) == {"ok": False}
    bob_sc.disconnect()
    assert received(alice_sc, "presence") == [{"states": [{"user_id": cast.bob.id, "state": "offline"}]}]
    assert received(lea_sc, "presence") == []
    page = alice_web.get(f"/messages/{cid}").get_data(as_text=True)
    assert "presence-offline" in page


def test_no_notification_while_looking_at_the_conversation(app, cast, make_web, socket_for, session):
    p = people(cast, make_web, socket_for, "alice", "bob")
    cid = start(p["alice"][0], cast.bob)
    assert p["bob"][1].emit("focus", {"conversation_id": cid}, callback=True) == {"ok": True}
    send(p["alice"][0], cid, "you are looking")
    assert session.scalars(select(Notification).where(Notification.user_id == cast.bob.id)).all() == []
    p["bob"][1].emit("focus", {"conversation_id": None}, callback=True)
    send(p["alice"][0], cid, "now you are not")
    send(p["alice"][0], cid, "and again")
    notes = session.scalars(select(Notification).where(Notification.user_id == cast.bob.id)).all()
    assert [(n.kind.value, n.conversation_id) for n in notes] == [("message", cid)]
    assert [e["op"] for e in received(p["bob"][1], "notification")] == ["add"]


def test_leaving_stops_delivery_and_catch_up(app, cast, make_web, socket_for):
    p = people(cast, make_web, socket_for, "alice", "bob", "lea")
    cid = start(p["alice"][0], cast.bob, cast.lea)
    assert p["lea"][0].post(f"/api/v1/conversations/{cid}/leave").status_code == 204
    assert [e["op"] for e in received(p["lea"][1], "conversation")][-1] == "leave"
    last = p["lea"][0].get("/api/v1/events").get_json()["last_event_id"]
    send(p["alice"][0], cid, "after lea left")
    assert received(p["lea"][1], "message") == []
    assert [e["id"] for e in received(p["bob"][1], "message")]
    events = p["lea"][0].get(f"/api/v1/events?after={last}").get_json()["events"]
    assert [e for e in events if e["type"] == "message"] == []


def _catch_up(web, after: int) -> list[dict]:
    events = []
    while True:
        page = web.get(f"/api/v1/events?after={after}&limit=3").get_json()
        events += page["events"]
        after = page["last_event_id"]
        if not page["more"]:
            return events


def test_catch_up_after_disconnect_has_no_gap_and_no_duplicate(app, cast, make_web, socket_for):
    p = people(cast, make_web, socket_for, "alice", "bob")
    cid = start(p["alice"][0], cast.bob)
    seen = {send(p["alice"][0], cid, "before"): None}
    [live] = received(p["bob"][1], "message")
    last_event = live["event_id"]
    p["bob"][1].disconnect()
    missed = [send(p["alice"][0], cid, f"while away {i}") for i in range(7)]
    bob_sc = socket_for(p["bob"][0])
    assert bob_sc.is_connected()
    newer = send(p["alice"][0], cid, "right after the reconnect")
    live_ids = {e["event_id"]: e["id"] for e in received(bob_sc, "message")}
    caught = {e["event_id"]: e["id"] for e in _catch_up(p["bob"][0], last_event) if e["type"] == "message"}
    merged = {**caught, **live_ids}  # what live.js does: one entry per event_id
    assert sorted(merged.values()) == [*missed, newer] and len(merged) == len(missed) + 1
    assert list(caught.values()) == [*missed, newer]  # in order, each once
    page = p["bob"][0].get(f"/api/v1/conversations/{cid}/messages?after={next(iter(seen))}").get_json()
    assert [m["id"] for m in page["items"]] == [*missed, newer]


def test_catch_up_over_the_socket_answers_as_the_http_route(app, cast, make_web, socket_for):
    """live.js asks ``catch_up`` on the socket that reconnected: same events, same access rule."""
    p = people(cast, make_web, socket_for, "alice", "bob", "lea")
    cid = start(p["alice"][0], cast.bob)
    first = send(p["alice"][0], cid, "first")
    last_event = received(p["bob"][1], "message")[-1]["event_id"]
    missed = [send(p["alice"][0], cid, f"missed {i}") for i in range(3)]
    for name in ("bob", "lea"):
        web, sc = p[name]
        answer = sc.emit("catch_up", {"after": last_event}, callback=True)
        page = web.get(f"/api/v1/events?after={last_event}&limit=500").get_json()
        assert answer == {"ok": True, **page}
    bob_ids = [e["id"] for e in p["bob"][1].emit("catch_up", {"after": 0}, callback=True)["events"]
               if e["type"] == "message"]
    assert bob_ids == [first, *missed]
    lea_answer = p["lea"][1].emit("catch_up", {"after": 0}, callback=True)
    assert [e for e in lea_answer["events"] if e["type"] == "message"] == []  # not her conversation
    for bad in (None, {}, {"after": -1}, {"after": "3"}, {"after": True}):
        assert p["bob"][1].emit("catch_up", bad, callback=True) == {"ok": False}


def test_catch_up_after_a_server_restart(app, cast, make_web, socket_for):
    p = people(cast, make_web, socket_for, "alice", "bob")
    cid = start(p["alice"][0], cast.bob)
    send(p["alice"][0], cid, "before the restart")
    last_event = received(p["bob"][1], "message")[-1]["event_id"]
    for _web, sc in p.values():
        sc.disconnect()
    sent_during = [send(p["alice"][0], cid, f"during {i}") for i in range(3)]

    new_app = worker(app)  # a new server process on the same database: no memory, no threads
    bob = WebClient(new_app, new_app.test_client()).login(cast.bob)
    alice = WebClient(new_app, new_app.test_client()).login(cast.alice)
    bob_sc = socketio.test_client(new_app, flask_test_client=bob.raw)
    assert bob_sc.is_connected()
    try:
        after = send(alice, cid, "after the restart")
        live = {e["event_id"]: e["id"] for e in received(bob_sc, "message")}
        caught = {e["event_id"]: e["id"] for e in _catch_up(bob, last_event) if e["type"] == "message"}
        assert sorted({**caught, **live}.values()) == [*sent_during, after]
        assert list(caught.values()) == [*sent_during, after]
        with new_app.app_context():
            assert db.session.scalar(select(Message.id).order_by(Message.id.desc()).limit(1)) == after
    finally:
        bob_sc.disconnect()
        with new_app.app_context():
            db.engine().dispose()


def test_presence_changes_are_sent_in_batches_one_event_per_person(app, cast, make_web, socket_for):

    alice_web = make_web().login(cast.alice)
    start(alice_web, cast.bob, cast.lea, title="Trio")
    alice_sc = socket_for(alice_web)
    received(alice_sc)
    with app.app_context():
        registry = presence.registry()
        assert registry.mark_changed(cast.bob.id) and not registry.mark_changed(cast.lea.id)
        flush_presence()
        assert registry.take_changed() == {}  # the batch is spent
    [event] = received(alice_sc, "presence")
    assert sorted((s["user_id"], s["state"]) for s in event["states"]) == [
        (cast.bob.id, "offline"), (cast.lea.id, "offline")]


def test_after_a_wave_of_presence_changes_the_next_batch_gathers_longer(app):
    """One person coming or going: the usual short batch. Right after a batch of many people (a
    reconnection wave after a restart) the next one waits longer; then back to short."""

    with app.app_context():
        registry = presence.registry()
        assert registry.batch_delay(0.5, 3.0) == 0.5
        for uid in range(presence.BURST_PEOPLE):
            registry.mark_changed(10_000 + uid)
        registry.take_changed()
        assert registry.batch_delay(0.5, 3.0) == 3.0
        registry.mark_changed(10_000)
        registry.take_changed()
        assert registry.batch_delay(0.5, 3.0) == 0.5
