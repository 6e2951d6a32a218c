"""The embedded default's presence registry: this process's sockets, in its memory.

Right for one process (gunicorn ``-w 1 --threads N``): every socket is here. With several
processes each would know only its own sockets; ``shared.RedisRegistry`` takes over then.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from intranet.platform.presence.base import AWAY, OFFLINE, ONLINE, Batches


@dataclass
class Socket:
    user_id: int
    state: str = ONLINE
    focus: int | None = None


@dataclass
class Registry(Batches):
    """Per-socket state; a person is online if any socket is, away if all are, else offline."""

    sockets: dict[str, Socket] = field(default_factory=dict)
    by_user: dict[int, set[str]] = field(default_factory=dict)  # a person's socket ids: no full scan
    by_focus: dict[int, set[str]] = field(default_factory=dict)  # sockets showing a conversation
    lock: threading.Lock = field(default_factory=threading.Lock)

    def states(self, user_ids: Iterable[int]) -> dict[int, str]:
        with self.lock:
            return {uid: self._state(uid) for uid in user_ids}

    def _state(self, user_id: int) -> str:
        states = {self.sockets[sid].state for sid in self.by_user.get(user_id, ())}
        return ONLINE if ONLINE in states else AWAY if states else OFFLINE

    def _change(self, user_id: int, apply: Callable[[], None]) -> str | None:
        """Run ``apply`` under the lock; the person's new state if it changed, else None."""
        with self.lock:
            before = self._state(user_id)
            apply()
            after = self._state(user_id)
        return after if after != before else None

    def connected(self, sid: str, user_id: int) -> str | None:
        def add() -> None:
            self.sockets[sid] = Socket(user_id)
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

    def touch(self, sid: str) -> None:
        """Nothing to refresh in memory (the shared registry renews its keys here)."""


def _discard(index: dict, key: object, sid: str) -> None:
    """Remove ``sid`` from ``index[key]``, and the key once it has no socket left."""
    sids = index.get(key)
    if sids is not None:
        sids.discard(sid)
        if not sids:
            del index[key]
