"""Diagnosis for ``messaging_bench.py``: ``--trace`` (where each measured message's time went, on
either server) and ``BENCH_DEBUG=1`` (who missed which message in the storm, ``debug_lost``).

The server runs behind this WSGI wrapper (``TRACE_TARGET``: the app it wraps, ``module:attr``).
For every message sent it writes to ``TRACE_FILE`` the message id and four ``perf_counter`` times
(one clock for every process on Linux): request start, emit start, emit end, request end. With
the bench's send time and the last recipient's arrival, a message's latency splits into:

- ``in``: the bench's POST until the server's WSGI call (HTTP client, gunicorn, thread wake-up);
- ``before``: the request's work before the emit (the app's auth, access check, action, commit);
- ``emit``: the emit call (one ``queue.put`` per socket, waking its writer thread);
- ``fan``: the emit's end until the last recipient has it (writer threads, then the clients);
- ``after``: the request's work after the emit (answer, teardown), overlapping ``fan``.

The trace found the ping wave of Stop 10. The wrapper parses the answer and writes its line after
``end``; inside the stages it adds only clock reads, on both servers alike. It imports nothing of
the clients: the servers it wraps load only what they serve.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.socket_swarm import ClientState

_local = threading.local()


def _load() -> tuple[Callable[..., Iterable[bytes]], Any]:
    """The wrapped WSGI app, and the Socket.IO object whose ``emit`` it calls."""
    module, attr = os.environ["TRACE_TARGET"].split(":")
    inner = getattr(importlib.import_module(module), attr)
    if module == "bench.bare_socketio_server":
        from bench.bare_socketio_server import sio as server
    else:
        from intranet.platform.extensions import socketio as server
    return inner, server


def _timed(emit: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(emit)
    def timed(event: str, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return emit(event, *args, **kwargs)
        finally:
            if event == "message":
                _local.emit = (start, time.perf_counter())

    return timed


def _make_app() -> Callable[..., Iterable[bytes]]:
    inner, server = _load()
    server.emit = _timed(server.emit)
    out = Path(os.environ["TRACE_FILE"]).open("a", buffering=1)  # noqa: SIM115 (the server's life)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if method != "POST" or not (path == "/send" or path.endswith("/messages")):
            return inner(environ, start_response)
        start, _local.emit = time.perf_counter(), (0.0, 0.0)
        answer = inner(environ, start_response)
        body = b"".join(answer)
        if hasattr(answer, "close"):
            answer.close()
        end = time.perf_counter()
        try:
            message_id = json.loads(body)["id"]
        except (ValueError, KeyError, TypeError):
            return [body]  # an error answer: nothing was sent
        out.write(f"{message_id} {start:.6f} {_local.emit[0]:.6f} {_local.emit[1]:.6f} {end:.6f}\n")
        return [body]

    return app


def breakdown(sent: dict[int, tuple[float, float]], trace_file: Path) -> dict[str, list[float]]:
    """``sent``: message id -> (bench's send time, last arrival); ms per component."""
    parts: dict[str, list[float]] = {k: [] for k in ("total", "in", "before", "emit", "fan", "after")}
    for line in trace_file.read_text().splitlines():
        message_id, *times = line.split()
        if int(message_id) not in sent:
            continue  # the warm-up round
        t0, last = sent[int(message_id)]
        start, emit_start, emit_end, end = map(float, times)
        for name, value in (("total", last - t0), ("in", start - t0), ("before", emit_start - start),
                            ("emit", emit_end - emit_start), ("fan", last - emit_end),
                            ("after", end - emit_end)):
            parts[name].append(value * 1000)
    return parts


def debug_lost(settled: list[ClientState], expected: dict[int, set[int]], db: str, t_kill: float) -> None:
    """``BENCH_DEBUG=1``: who missed what, their connects and catch-ups, the newest events."""
    from bench.socket_clients import ARRIVALS  # the bench's process only

    for c in settled:
        for mid in sorted(expected.get(c.room, set()) - c.messages):
            def rel(times: list[float]) -> list[float]:
                return [round(t - t_kill, 2) for t in times]

            print(f"LOST user {c.user_id} msg {mid} connects {rel(c.connects)} caught {rel(c.caught_up)} "
                  f"last {c.last} arrivals {len(ARRIVALS[mid])} "
                  f"disc {[(round(t - t_kill, 2), r) for t, r in c.disconnects]}", flush=True)
    from bench import backend

    print("EVENTS", backend.rows(db, "SELECT id, payload, created_at FROM events WHERE type='message' "
                                     "ORDER BY id DESC LIMIT 40")[::-1], flush=True)
    print("MSGS", backend.rows(db, "SELECT id, created_at FROM messages ORDER BY id DESC LIMIT 40")[::-1],
          "KILL", time.strftime("%H:%M:%S", time.gmtime(t_kill)), t_kill % 60, flush=True)


app = _make_app() if "TRACE_TARGET" in os.environ else None
