"""The bench's Socket.IO clients spread over several processes, as browsers are over machines.

One process holding 1,000 clients (~3,000 threads) spent both cores on its own threads when the
server was killed: the new server then took 9-15 s to start instead of 1.6 s, and the storm
measured the client process more than the server. ``Swarm`` starts ``procs`` processes, each
running its share of ``socket_clients.Client``; message arrival times (``perf_counter``, one
clock for every process on Linux) come back to ``socket_clients.ARRIVALS`` in this process.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from dataclasses import dataclass, field
from typing import Any

from bench import socket_clients
from bench.socket_clients import ARRIVALS, Client


@dataclass
class ClientState:
    """What the storm report reads of a client (``Client`` without its socket and lock)."""

    user_id: int
    room: int
    last: int
    messages: set[int] = field(default_factory=set)
    absorbed: int = 0
    doubled: int = 0
    connects: list[float] = field(default_factory=list)
    caught_up: list[float] = field(default_factory=list)
    disconnects: list[tuple[float, str]] = field(default_factory=list)


def _state(c: Client) -> ClientState:
    with c.lock:
        return ClientState(c.user_id, c.room, c.last, set(c.messages), c.absorbed, c.doubled,
                           list(c.connects), list(c.caught_up), list(c.disconnects))


def _child(conn: Any, arrivals: Any, specs: list[dict], parallel: int) -> None:
    """One process's clients; answers ``connect``, ``states`` and ``stop`` from the parent."""
    threading.stack_size(512 * 1024)
    socket_clients.record_arrival = lambda mid, when: arrivals.put((mid, when))
    clients = [Client(**spec) for spec in specs]
    try:
        while True:
            command, *args = conn.recv()
            if command == "connect":
                conn.send(socket_clients.connect_all(clients, parallel, *args))
            elif command == "states":
                conn.send([_state(c) for c in clients])
            elif command == "stop":
                socket_clients.stop_all(clients)
                conn.send(True)
                return
    finally:
        os._exit(0)  # reconnecting client threads must not keep the process alive


_PROCESSES: list[Any] = []


def reap_swarms() -> None:
    """Kill whatever client process is left (the bench exits with ``os._exit``)."""
    for proc in _PROCESSES:
        if proc.is_alive():
            proc.kill()


class Swarm:
    def __init__(self, specs: list[dict], procs: int) -> None:
        """``specs``: ``Client`` keyword arguments, one dict per client."""
        ctx = mp.get_context("spawn")
        self.arrivals = ctx.Queue()
        self.pipes, self.procs = [], []
        for i in range(procs):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_child, daemon=True,
                               args=(child, self.arrivals, specs[i::procs], max(2, 16 // procs)))
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)
            _PROCESSES.append(proc)
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        while True:
            mid, when = self.arrivals.get()
            ARRIVALS[mid].append(when)

    def _all(self, command: str, *args: Any) -> list[Any]:
        for pipe in self.pipes:
            pipe.send((command, *args))
        return [pipe.recv() for pipe in self.pipes]

    def connect(self, over: float = 0.0) -> float:
        """Connect every client (all processes at once, each spreading its own over ``over``
        seconds); the seconds the slowest took."""
        return max(self._all("connect", over))

    def states(self) -> list[ClientState]:
        return [s for states in self._all("states") for s in states]

    def stop(self) -> None:
        try:
            self._all("stop")
        finally:
            for proc in self.procs:
                proc.join(timeout=10)
                if proc.is_alive():
                    proc.kill()
