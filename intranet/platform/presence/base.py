"""What both presence registries share: the states, and the batching of presence announcements.

The batch is per process on purpose: each process announces the changes of its own sockets (the
Socket.IO message queue delivers them everywhere); only the states themselves must be shared.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

ONLINE, AWAY, OFFLINE = "online", "away", "offline"
BURST_PEOPLE = 50  # a presence batch this big means a wave of (re)connections: gather longer


@dataclass
class Batches:
    """People whose presence changed since the last flush, and how long the next batch gathers."""

    changed: set[int] = field(default_factory=set)  # people whose state changed since the last flush
    last_batch: int = 0  # how many people the last flush announced (see ``batch_delay``)
    batch_lock: threading.Lock = field(default_factory=threading.Lock)

    def mark_changed(self, user_id: int) -> bool:
        """Remember a change to announce; True when it is the first since the last flush."""
        with self.batch_lock:
            first = not self.changed
            self.changed.add(user_id)
            return first

    def take_changed(self) -> dict[int, str]:
        """The people changed since the last flush, with their state now; starts a new batch."""
        with self.batch_lock:
            changed, self.changed = self.changed, set()
            self.last_batch = len(changed)
        return self.states(changed) if changed else {}

    def batch_delay(self, usual: float, burst: float) -> float:
        """How long the next batch gathers: ``usual``, or ``burst`` right after a batch of
        ``BURST_PEOPLE`` or more. After a restart every open page reconnects within seconds: a
        flush every ``usual`` seconds sent each of them an event twenty times over (and their
        browsers had to handle it) while the server was busiest; a few longer batches say the
        same. One person coming or going is announced as fast as before."""
        with self.batch_lock:
            return burst if self.last_batch >= BURST_PEOPLE else usual

    def states(self, user_ids: Iterable[int]) -> dict[int, str]:
        raise NotImplementedError

    def state_of(self, user_id: int) -> str:
        return self.states([user_id])[user_id]
