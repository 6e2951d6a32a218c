"""Who is connected, away, or looking at which conversation: ephemeral, in this process's memory.

Sockets report ``presence`` (online/away) and ``focus`` (the conversation on screen); the
server uses focus to skip notifying someone who is reading the conversation already. Nothing
here is durable or written to the database: a restart forgets it, and clients re-send their
state when they reconnect.

Limitation: each process knows only its own sockets. The default deployment runs one process
(gunicorn ``-w 1 --threads N``); with several workers behind a Redis message queue a person
connected to another worker looks offline here, and may get a notification while looking at
the conversation. Sharing this registry (e.g. in Redis) is the step that scale-out needs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask, current_app

EXTENSION = "intranet.presence"
ONLINE, AWAY, OFFLINE = "online", "away", "offline"
BURST_PEOPLE = 50  # a presence batch this big means a wave of (re)connections: gather longer


@dataclass
class _Socket:
    user_id: int
    state: str = ONLINE
    focus: int | None = None


@dataclass
class Registry:
    """Per-socket state; a person is online if any socket is, away if all are, else offline."""

    sockets: dict[str, _Socket] = field(default_factory=dict)
    by_user: dict[int, set[str]] = field(default_factory=dict)  # a person's socket ids: no full scan
    by_focus: dict[int, set[str]] = field(default_factory=dict)  # sockets showing a conversation
    lock: threading.Lock = field(default_factory=threading.Lock)
    changed: set[int] = field(default_factory=set)  # people whose state changed since the last flush
    last_batch: int = 0  # how many people the last flush announced (see ``batch_delay``)

    def mark_changed(self, user_id: int) -> bool:
        """Remember a change to announce; True when it is the first since the last flush."""
        with self.lock:
            first = not self.changed
            self.changed.add(user_id)
            return first

    def take_changed(self) -> dict[int, str]:
        """The people changed since the last flush, with their state now; starts a new batch."""
        with self.lock:
            changed, self.changed = self.changed, set()
            self.last_batch = len(changed)
            return {uid: self._state(uid) for uid in changed}

    def batch_delay(self, usual: float, burst: float) -> float:
        """How long the next batch gathers: ``usual``, or ``burst`` right after a batch of
        ``BURST_PEOPLE`` or more. After a restart every open page reconnects within seconds: a
        flush every ``usual`` seconds sent each of them an event twenty times over (and their
        browsers had to handle it) while the server was busiest; a few longer batches say the
        same. One person coming or going is announced as fast as before."""
        with self.lock:
            return burst if self.last_batch >= BURST_PEOPLE else usual

    def state_of(self, user_id: int) -> str:
        with self.lock:
            return self._state(user_id)

    def _state(self, user_id: int) -> str:
        states = {self.sockets[sid].state for sid in self.by_user.get(user_id, ())}
        return ONLINE if ONLINE in states else AWAY if states else OFFLINE

    def _change(self, user_id: int, apply) -> str | None:
        """Run ``apply`` under the lock; the person's new state if it changed, else None."""
        with self.lock:
            before = self._state(user_id)
            apply()
            after = self._state(user_id)
        return after if after != before else None

    def connected(self, sid: str, user_id: int) -> str | None:
        def add() -> None:
            self.sockets[sid] = _Socket(user_id)
            self.by_user.setdefault(user_id, set()).add(sid)

        return self._change(user_id, add)

    def disconnected(self, sid: str) -> tuple[int | None, str | None]:
        sock = self.sockets.get(sid)
        if sock is None:
            return None, None

        def remove() -> None:
            if self.sockets.pop(sid, None) is not None:
                _discard(self.by_user, sock.user_id, sid)
                _discard(self.by_focus, sock.focus, sid)

        return sock.user_id, self._change(sock.user_id, remove)

    def set_state(self, sid: str, state: str) -> tuple[int | None, str | None]:
        sock = self.sockets.get(sid)
        if sock is None:
            return None, None
        return sock.user_id, self._change(sock.user_id, lambda: setattr(sock, "state", state))

    def set_focus(self, sid: str, conversation_id: int | None) -> None:
        with self.lock:
            sock = self.sockets.get(sid)
            if sock is not None:
                _discard(self.by_focus, sock.focus, sid)
                sock.focus = conversation_id
                if conversation_id is not None:
                    self.by_focus.setdefault(conversation_id, set()).add(sid)

    def focused_on(self, conversation_id: int) -> set[int]:
        """People with a visible page on this conversation (the page blurs focus when hidden).
        Read on every message sent: through the focus index, not a scan of every socket."""
        with self.lock:
            socks = [self.sockets[sid] for sid in self.by_focus.get(conversation_id, ())]
            return {s.user_id for s in socks if s.state == ONLINE}


def _discard(index: dict, key: object, sid: str) -> None:
    """Remove ``sid`` from ``index[key]``, and the key once it has no socket left."""
    sids = index.get(key)
    if sids is not None:
        sids.discard(sid)
        if not sids:
            del index[key]


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Registry()


def registry() -> Registry:
    return current_app.extensions[EXTENSION]
