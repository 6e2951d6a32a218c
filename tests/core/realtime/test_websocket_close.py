"""A client going away is not a server error: the real server (gunicorn, threading mode) logs no
ERROR and no traceback when a Socket.IO client disconnects, nor when a page is left in the middle
of its upgrade from polling to websocket (engine.io then answered the probe on a closed socket
and gunicorn logged "Socket error processing request." with two tracebacks)."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
import socketio as socketio_client
import websocket

from intranet import create_app
from intranet.actions.users import do_create_user
from intranet.platform import db
from intranet.platform.config import ROOT
from tests.conftest import PASSWORD


def _wait(condition, timeout: float = 30.0, what: str = "the server"):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
    return value


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[SimpleNamespace]:
    config = {"SECRET_KEY": secrets.token_hex(8), "DATABASE_URL": database_url,
              "SEARCH_INDEX_DIR": str(tmp_path / "index"), "UPLOAD_DIR": str(tmp_path / "uploads"),
              "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SEARCH_INDEXER_THREAD": "0",
              "INBOX_SCHEDULER": "0", "SQLITE_CHECKPOINT_SECONDS": "0"}
    seed = create_app(dict(config))
    with seed.app_context():
        with db.transaction() as s:
            do_create_user(s, "alice@example.com", "Alice", PASSWORD)
        db.engine().dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTRANET_")}
    env.update({f"INTRANET_{k}": v for k, v in config.items()})
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "-w", "1", "--threads", "8",
             "-b", "127.0.0.1:0", "--graceful-timeout", "2", "--no-control-socket",
             "--log-level", "info", "wsgi:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        found = _wait(lambda: re.search(r"Listening at: (http://127\.0\.0\.1:\d+)",
                                        log.read_text(errors="replace")), what="gunicorn to listen")
        url = found.group(1)
        _wait(lambda: _answers(url), what="gunicorn to serve")
        yield SimpleNamespace(url=url, log=log)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _written_since(log: Path, start: int) -> str:
    with log.open("rb") as fh:
        fh.seek(start)
        return fh.read().decode(errors="replace")


def test_a_socketio_client_that_disconnects_logs_no_error(server: SimpleNamespace) -> None:
    token = requests.post(f"{server.url}/api/v1/auth/token",
                          json={"email": "alice@example.com", "password": PASSWORD},
                          timeout=10).json()["token"]
    start = server.log.stat().st_size
    for _ in range(3):  # polling first, then the upgrade to websocket, as a browser does
        client = socketio_client.Client(reconnection=False)
        client.connect(server.url, auth={"token": token}, wait_timeout=10)
        _wait(lambda c=client: c.transport() == "websocket", what="the upgrade")
        client.disconnect()
    time.sleep(1)  # the server's side of each close runs after the client's returns
    written = _written_since(server.log, start)
    assert "[ERROR]" not in written and "Traceback" not in written, written


def test_a_page_left_during_the_upgrade_logs_no_error(server: SimpleNamespace) -> None:
    """The upgrade probe and the browser's close (1001, going away) in one write: the server
    reads the probe, then answers it on a websocket that is already closed."""
    start = server.log.stat().st_size
    ws_url = server.url.replace("http://", "ws://")
    for _ in range(3):
        handshake = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=10)
        sid = json.loads(handshake.text[1:])["sid"]
        ws = websocket.create_connection(f"{ws_url}/socket.io/?EIO=4&transport=websocket&sid={sid}",
                                         timeout=10)
        probe = websocket.ABNF.create_frame("2probe", websocket.ABNF.OPCODE_TEXT).format()
        going_away = websocket.ABNF.create_frame(struct.pack("!H", 1001),
                                                 websocket.ABNF.OPCODE_CLOSE).format()
        ws.sock.sendall(probe + going_away)
        time.sleep(0.5)
        ws.sock.close()
    time.sleep(1)
    written = _written_since(server.log, start)
    assert "[ERROR]" not in written and "Traceback" not in written, written
    assert _answers(server.url)
