"""Many python-socketio clients in one process, each behaving like live.js in a browser:
remember the last ``event_id``, catch up after every reconnect (``catch_up`` over the socket,
HTTP when it does not answer), de-duplicate by ``event_id``; and reconnect as socket.io-client
does (see ``backoff``), not as python-socketio's client does: its reconnection gives up on a
server that takes over 1 s to accept, and its jitter is +-0.5 s whatever the delay, which after
a restart turned a busy server into 1,000 clients retrying in step.

Used by bench/messaging_bench.py; threads, not asyncio (python-socketio's sync client on
websocket-client), so no package beyond requirements-dev.txt is needed.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import requests
import socketio

ARRIVALS: dict[int, list[float]] = defaultdict(list)  # message id -> arrival times (perf_counter)


def _keep_arrival(message_id: int, when: float) -> None:
    ARRIVALS[message_id].append(when)


record_arrival = _keep_arrival  # bench/socket_swarm.py sends them to the parent process instead
CONNECT_TIMEOUT_S = 20  # socket.io-client's ``timeout`` default: one connection attempt's limit
CATCH_UP_TIMEOUT_S = 10  # live.js CATCH_UP_TIMEOUT_MS


def backoff(attempt: int, low: float = 1.0, high: float = 5.0, jitter: float = 0.5) -> float:
    """socket.io-client's reconnection delay (its Backoff class with live.js's RECONNECT
    options): ``low * 2**attempt`` moved by up to +-``jitter`` of itself, at most ``high``."""
    ms = low * 2 ** min(attempt, 10)
    deviation = random.random() * jitter * ms
    return min(ms + deviation if random.random() < 0.5 else ms - deviation, high)


@dataclass
class Client:
    url: str
    user_id: int
    room: int  # the conversation id (the bare server's room)
    auth: dict[str, Any]
    token: str | None = None  # the app's API token, for catch-up; None against the bare server
    last: int = 0
    seen: set[int] = field(default_factory=set)  # event ids applied
    messages: set[int] = field(default_factory=set)  # message ids received (live or catch-up)
    absorbed: int = 0  # events received twice (live and catch-up overlap), ignored by de-dup
    doubled: int = 0  # the same message under two event ids: a real duplicate
    connects: list[float] = field(default_factory=list)  # time.time() of each connect
    caught_up: list[float] = field(default_factory=list)
    disconnects: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    catching_up: bool = False
    queued: list[dict] = field(default_factory=list)  # live events held while catching up
    sio: Any = None

    stopping: bool = False

    def start(self) -> None:
        # request_timeout: the engine.io handshake's limit, 5 s by default, where socket.io-client
        # gives each attempt ``timeout`` (20 s): after a restart, attempts made as the new server
        # came up failed after 5 s, then waited for their next retry (bench/JOURNAL.md, Stop 12)
        self.sio = socketio.Client(reconnection=False, handle_sigint=False, request_timeout=CONNECT_TIMEOUT_S)
        self.sio.on("message", self._on_message)
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self._connect()

    def _connect(self) -> None:
        self.sio.connect(self.url, transports=["websocket"], auth=self.auth, wait_timeout=CONNECT_TIMEOUT_S)

    def stop(self) -> None:
        self.stopping = True
        if self.sio is not None:
            self.sio.disconnect()

    def _reconnect(self) -> None:
        """Retry after ``backoff`` until connected (or stopped), as socket.io-client's Manager."""
        attempt = 0
        while not self.stopping:
            time.sleep(backoff(attempt))
            attempt += 1
            try:
                self._connect()
                return
            except (socketio.exceptions.ConnectionError, ValueError):
                continue

    def _on_message(self, data: dict) -> None:
        record_arrival(data["id"], time.perf_counter())
        with self.lock:
            if self.catching_up:  # as live.js: newer live events must not move the cursor yet
                self.queued.append({**data, "type": "message"})
                return
        self.apply(data)

    def apply(self, ev: dict) -> None:
        with self.lock:
            if ev["event_id"] in self.seen:
                self.absorbed += 1
                return
            self.seen.add(ev["event_id"])
            self.last = max(self.last, ev["event_id"])
            if ev.get("type") == "message" and ev.get("op") == "add":
                if ev["id"] in self.messages:
                    self.doubled += 1
                self.messages.add(ev["id"])

    def _on_disconnect(self, reason: Any = None) -> None:
        self.disconnects.append((time.time(), str(reason)))
        if not self.stopping:
            threading.Thread(target=self._reconnect, daemon=True).start()

    def _on_connect(self) -> None:
        self.connects.append(time.time())
        if self.token is not None and len(self.connects) > 1:
            with self.lock:
                self.catching_up = True
            threading.Thread(target=self.catch_up, daemon=True).start()

    def _fetch_after(self, after: int) -> dict:
        """live.js ``fetchAfter``: the socket's ``catch_up`` answer, else the HTTP route's."""
        try:
            page = self.sio.call("catch_up", {"after": after}, timeout=CATCH_UP_TIMEOUT_S)
            if isinstance(page, dict) and page.get("ok"):
                return page
        except socketio.exceptions.SocketIOError:
            pass
        return requests.get(f"{self.url}/api/v1/events", headers={"Authorization": f"Bearer {self.token}"},
                            timeout=10, params={"after": after, "limit": 500}).json()

    def catch_up(self) -> None:
        """Events after ``last`` until nothing more (retrying while the server settles), as
        live.js does on every reconnect."""
        try:
            for _attempt in range(20):
                try:
                    while True:
                        page = self._fetch_after(self.last)
                        for ev in page["events"]:
                            self.apply(ev)
                        if not page["more"]:
                            self.caught_up.append(time.time())
                            return
                except (requests.RequestException, ValueError, KeyError):
                    time.sleep(0.5)
        finally:
            with self.lock:
                self.catching_up, queued, self.queued = False, self.queued, []
            for ev in sorted(queued, key=lambda e: e["event_id"]):
                self.apply(ev)


def connect_all(clients: list[Client], parallel: int = 16, over: float = 0.0) -> float:
    """Connect every client, ``parallel`` at a time; returns the seconds it took. ``over`` > 0:
    the i-th client starts no earlier than ``i * over / len(clients)`` s after the first, as
    people arrive over a morning rather than all in the same second."""
    start, errors = time.time(), []
    queue = list(enumerate(clients))[::-1]  # popped from the end: the first client first
    step = over / max(1, len(clients))

    def work() -> None:
        while queue:
            try:
                i, client = queue.pop()
            except IndexError:
                return
            time.sleep(max(0.0, start + i * step - time.time()))
            try:
                client.start()
            except Exception as exc:  # reported below, all together
                errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} clients failed to connect: {errors[0]!r}")
    return time.time() - start


def stop_all(clients: list[Client]) -> None:
    threads = [threading.Thread(target=c.stop) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
