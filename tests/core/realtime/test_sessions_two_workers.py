"""Ending a login closes its sockets on every worker: two gunicorn processes joined by one real
Redis, a browser signed in through worker a with its page's socket on worker b."""

from __future__ import annotations

import re

import requests
import socketio as socketio_client

from tests.conftest import PASSWORD
from tests.core.realtime.test_scale_out_processes import _wait, two_workers  # noqa: F401 (fixture)

META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def _browser(worker: str, email: str) -> tuple[requests.Session, str]:
    """A signed-in browser (the real login form) and a CSRF token of its session."""
    browser = requests.Session()
    token = META.search(browser.get(f"{worker}/login", timeout=10).text).group(1)
    answer = browser.post(f"{worker}/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return browser, META.search(browser.get(f"{worker}/profile/sessions", timeout=10).text).group(1)


def _socket(worker: str, browser: requests.Session) -> tuple[socketio_client.Client, list[str]]:
    events: list[str] = []
    sio = socketio_client.Client(reconnection=False)
    sio.on("*", lambda event, data=None: events.append(event))
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    sio.connect(worker, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
    return sio, events


def test_sign_out_everywhere_on_one_worker_drops_sockets_on_the_other(two_workers):  # noqa: F811
    w = two_workers
    laptop, csrf = _browser(w.a, "alice@example.com")
    phone, _ = _browser(w.b, "alice@example.com")
    bob, _ = _browser(w.a, "bob@example.com")
    sockets = [_socket(w.b, laptop), _socket(w.b, phone), _socket(w.a, phone)]
    bobs, _ = _socket(w.b, bob)
    try:
        answer = laptop.post(f"{w.a}/profile/sessions/end-all", data={"csrf_token": csrf},
                             allow_redirects=False, timeout=10)
        assert answer.status_code == 302 and answer.headers["Location"] == "/login"
        for sio, _events in sockets:
            _wait(lambda sio=sio: not sio.connected, what="alice's sockets on both workers to close")
        assert all("session_ended" in events for _sio, events in sockets[:2])
        assert bobs.connected  # bob's own socket on worker b stays
        assert phone.get(f"{w.b}/profile", allow_redirects=False, timeout=10).status_code == 302
    finally:
        for sio in [s for s, _e in sockets] + [bobs]:
            if sio.connected:
                sio.disconnect()
    for log in w.logs:
        assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")
