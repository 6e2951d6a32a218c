"""Two web workers (two app instances) sharing one Redis, with real Socket.IO test clients: a
person connected to one worker is online on the other, each presence change is announced once,
and nobody is notified about the conversation they are reading on the other worker.

In one process both apps' test clients share Flask-SocketIO's one server (which delivers what the
message queue would between processes: ``test_scale_out_processes.py`` runs the real queue); each
app has its own presence registry, as each worker process would, and only Redis joins them.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from intranet.models import Notification
from intranet.platform import presence
from intranet.platform.extensions import socketio
from tests.conftest import WebClient
from tests.scale_out_helpers import close, redis_config, worker


@pytest.fixture
def workers(app, redis_url) -> Iterator[SimpleNamespace]:
    a, b = worker(app, **redis_config(redis_url)), worker(app, **redis_config(redis_url))
    sockets: list = []

    def socket(on, web):
        sc = socketio.test_client(on, flask_test_client=web.raw)
        assert sc.is_connected()
        sockets.append(sc)
        return sc

    def web(on, user):
        return WebClient(on, on.test_client()).login(user)

    yield SimpleNamespace(a=a, b=b, socket=socket, web=web)
    for sc in sockets:
        if sc.is_connected():
            sc.disconnect()
    close(a, b)


def _received(sc, name: str) -> list[dict]:
    return [m["args"][0] for m in sc.get_received() if m["name"] == name]


def _start(web, *users) -> int:
    resp = web.post("/api/v1/conversations", json={"user_ids": [u.id for u in users]})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def _send(web, cid, body) -> None:
    assert web.post(f"/api/v1/conversations/{cid}/messages", json={"body": body}).status_code == 201


def test_both_workers_use_the_shared_registry(workers):
    for on in (workers.a, workers.b):
        with on.app_context():
            assert isinstance(presence.registry(), presence.RedisRegistry)


def test_no_notification_for_the_conversation_read_on_another_worker(workers, cast, session):
    alice, bob = workers.web(workers.a, cast.alice), workers.web(workers.b, cast.bob)
    cid = _start(alice, cast.bob)
    bob_sc = workers.socket(workers.b, bob)
    assert bob_sc.emit("focus", {"conversation_id": cid}, callback=True) == {"ok": True}
    _send(alice, cid, "you are reading this on worker b")  # the send runs on worker a

    def notes() -> list:
        session.expire_all()
        return session.scalars(select(Notification).where(Notification.user_id == cast.bob.id)).all()

    assert notes() == []
    assert "presence-online" in alice.get(f"/messages/{cid}").get_data(as_text=True)  # a sees b's socket
    assert bob_sc.emit("focus", {"conversation_id": None}, callback=True) == {"ok": True}
    _send(alice, cid, "now you are not")
    assert [(n.kind.value, n.conversation_id) for n in notes()] == [("message", cid)]


def test_presence_changes_are_announced_once_across_workers(workers, cast):
    alice = workers.web(workers.a, cast.alice)
    _start(alice, cast.bob)
    alice_sc = workers.socket(workers.a, alice)
    alice_sc.get_received()
    bob_b = workers.socket(workers.b, workers.web(workers.b, cast.bob))
    assert _received(alice_sc, "presence") == [{"states": [{"user_id": cast.bob.id, "state": "online"}]}]
    bob_a = workers.socket(workers.a, workers.web(workers.a, cast.bob))  # a second tab, on worker a
    assert _received(alice_sc, "presence") == []  # online already (worker a's memory alone said offline)
    assert bob_b.emit("presence", {"state": "away"}, callback=True) == {"ok": True}
    assert _received(alice_sc, "presence") == []  # still online in the tab on worker a
    bob_a.disconnect()
    assert _received(alice_sc, "presence") == [{"states": [{"user_id": cast.bob.id, "state": "away"}]}]
    bob_b.disconnect()
    assert _received(alice_sc, "presence") == [{"states": [{"user_id": cast.bob.id, "state": "offline"}]}]


def test_typing_reaches_the_other_worker(workers, cast):
    alice, bob = workers.web(workers.a, cast.alice), workers.web(workers.b, cast.bob)
    cid = _start(alice, cast.bob)
    alice_sc, bob_sc = workers.socket(workers.a, alice), workers.socket(workers.b, bob)
    alice_sc.get_received()
    assert bob_sc.emit("typing", {"conversation_id": cid, "typing": True}, callback=True) == {"ok": True}
    assert _received(alice_sc, "typing") == [{"conversation_id": cid, "user_id": cast.bob.id, "typing": True}]
