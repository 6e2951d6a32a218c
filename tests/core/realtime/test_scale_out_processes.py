"""Two real web workers (two gunicorn processes on one database) joined by one real Redis: the
Socket.IO message queue carries events between them, and presence, focus and typing behave as one
server's. Clients are python-socketio clients over websockets, as an API client would connect.

Then worker b is killed (SIGKILL: no disconnect handler runs): its socket's presence keys expire
after PRESENCE_TTL_SECONDS and worker a sees bob offline and notifies him again.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests
import socketio as socketio_client

from intranet import create_app
from intranet.actions.users import do_create_user
from intranet.platform import db
from intranet.platform.config import ROOT
from tests.conftest import PASSWORD

TTL = 2  # PRESENCE_TTL_SECONDS of both workers: a killed worker's sockets go within this


def _wait(condition: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _serve(folder: Path, name: str, env: dict[str, str]) -> tuple[subprocess.Popen, str, Path]:
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "-w", "1", "--threads", "16",
             "-b", "127.0.0.1:0", "--graceful-timeout", "2", "--no-control-socket", "wsgi:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)  # its own process group: the test can kill master and worker
    found = _wait(lambda: proc.poll() is None and re.search(r"Listening at: (http://127\.0\.0\.1:\d+)",
                                                          log.read_text(errors="replace")),
                  timeout=120, what=f"gunicorn {name} to listen")
    url = found.group(1)
    _wait(lambda: _answers(url), timeout=120, what=f"gunicorn {name} to serve")
    return proc, url, log


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/login", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def two_workers(tmp_path: Path, database_url: str, redis_url: str) -> Iterator[SimpleNamespace]:
    config = {
        "SECRET_KEY": "scale-" + secrets.token_hex(8),
        "DATABASE_URL": database_url,
        "SEARCH_INDEX_DIR": str(tmp_path / "index"), "UPLOAD_DIR": str(tmp_path / "uploads"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SEARCH_INDEXER_THREAD": "0", "INBOX_SCHEDULER": "0",
    }
    seed = create_app(dict(config))
    with seed.app_context():
        with db.transaction() as s:
            ids = {name: do_create_user(s, f"{name}@example.com", name.title(), PASSWORD).id
                   for name in ("alice", "bob")}
        db.engine().dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTRANET_")}
    env.update({f"INTRANET_{k}": v for k, v in config.items()})
    env.update({"INTRANET_REDIS_URL": redis_url, "INTRANET_PRESENCE_TTL_SECONDS": str(TTL),
                "INTRANET_PRESENCE_BATCH_SECONDS": "0"})
    procs = []
    try:
        a = _serve(tmp_path, "a", env)
        procs.append(a[0])
        b = _serve(tmp_path, "b", env)
        procs.append(b[0])
        yield SimpleNamespace(a=a[1], b=b[1], b_proc=b[0], logs=[a[2], b[2]], ids=ids)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


class Person:
    """An API client: a token, HTTP on one worker, a socket on another."""

    def __init__(self, email: str, http: str) -> None:
        self.http = http
        answer = requests.post(f"{http}/api/v1/auth/token", json={"email": email, "password": PASSWORD},
                               timeout=10)
        assert answer.status_code == 201, answer.text
        self.token = answer.json()["token"]
        self.headers = {"Authorization": f"Bearer {self.token}"}
        self.events: list[tuple[str, Any]] = []
        self.sio = socketio_client.Client(reconnection=False)
        self.sio.on("*", lambda event, data=None: self.events.append((event, data)))

    def connect(self, worker: str) -> Person:
        self.sio.connect(worker, auth={"token": self.token}, transports=["websocket"], wait_timeout=10)
        return self

    def got(self, event: str) -> list[Any]:
        return [data for name, data in self.events if name == event]

    def get(self, path: str) -> requests.Response:
        return requests.get(f"{self.http}{path}", headers=self.headers, timeout=10)

    def post(self, path: str, body: dict) -> requests.Response:
        return requests.post(f"{self.http}{path}", json=body, headers=self.headers, timeout=10)


def test_two_workers_behave_as_one_and_a_killed_workers_sockets_expire(two_workers):
    w = two_workers
    alice = Person("alice@example.com", w.a).connect(w.a)
    bob = Person("bob@example.com", w.a).connect(w.b)  # bob's page is served by worker b
    try:
        cid = alice.post("/api/v1/conversations", {"user_ids": [w.ids["bob"]]}).json()["id"]
        assert bob.sio.call("focus", {"conversation_id": cid}, timeout=10) == {"ok": True}

        def page_says(state: str) -> bool:
            return f"presence-{state}" in alice.get(f"/messages/{cid}").text

        assert page_says("online")  # worker a sees the socket bob holds on worker b
        sent = alice.post(f"/api/v1/conversations/{cid}/messages", {"body": "are you there?"})
        assert sent.status_code == 201
        _wait(lambda: [m for m in bob.got("message") if m["id"] == sent.json()["id"]],
              what="the message to cross from worker a to bob's socket on worker b")
        assert bob.get("/api/v1/notifications").json()["items"] == []  # he is reading it, on b

        assert bob.sio.call("typing", {"conversation_id": cid, "typing": True}, timeout=10) == {"ok": True}
        _wait(lambda: alice.got("typing"), what="typing from worker b to alice on worker a")
        assert alice.got("typing") == [{"conversation_id": cid, "user_id": w.ids["bob"], "typing": True}]

        os.killpg(w.b_proc.pid, signal.SIGKILL)  # master and worker: no disconnect handler, only the TTL
        w.b_proc.wait()
        _wait(lambda: page_says("offline"), timeout=TTL + 8, what="bob's keys to expire")
        again = alice.post(f"/api/v1/conversations/{cid}/messages", {"body": "gone?"})
        assert again.status_code == 201
        notes = bob.get("/api/v1/notifications").json()["items"]
        assert [(n["kind"], n["conversation_id"]) for n in notes] == [("message", cid)]
    finally:
        for person in (alice, bob):
            if person.sio.connected:
                person.sio.disconnect()
    for log in w.logs[:1]:  # the killed worker's log may end anywhere
        assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")


def test_posts_through_both_workers_reach_a_socket_once_each_and_catch_up_agrees(two_workers):
    """Two people post at the same time, one through each worker; a colleague's socket on worker
    b receives every post event exactly once (worker a's cross over Redis), and catch-up over HTTP
    from where his page started lists the very same events: 0 skipped, 0 duplicated."""
    w = two_workers
    alice, bob = Person("alice@example.com", w.a), Person("bob@example.com", w.b)
    reader = Person("bob@example.com", w.a).connect(w.b)
    start = reader.get("/api/v1/events").json()["last_event_id"]
    per_writer = 25

    def write(person: Person, tag: str) -> None:
        for n in range(per_writer):
            assert person.post("/api/v1/posts", {"body": f"{tag} {n}"}).status_code == 201

    try:
        writers = [threading.Thread(target=write, args=(p, tag)) for p, tag in ((alice, "a"), (bob, "b"))]
        for t in writers:
            t.start()
        for t in writers:
            t.join(60)
        _wait(lambda: len(reader.got("post")) >= 2 * per_writer, what="every post on bob's socket")
        time.sleep(0.5)  # anything delivered twice would have arrived by now
        live = [e["event_id"] for e in reader.got("post")]
        caught, after = [], start
        while True:
            page = reader.get(f"/api/v1/events?after={after}&limit=100").json()
            caught += [e["event_id"] for e in page["events"] if e["type"] == "post"]
            after = page["last_event_id"]
            if not page["more"]:
                break
    finally:
        if reader.sio.connected:
            reader.sio.disconnect()
    assert len(live) == len(set(live)) == 2 * per_writer, "a live event was lost or sent twice"
    assert sorted(live) == sorted(caught), "live and catch-up disagree"
