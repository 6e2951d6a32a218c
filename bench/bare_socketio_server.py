"""The floor for bench/messaging_bench.py: a bare python-socketio server, same stack as the app
(threading mode, simple-websocket, gunicorn gthread), no Flask, no database.

Clients connect with ``auth={"room": <n>}`` and join ``room:<n>``. ``POST /send`` with
``{"room": n, "author_id": a}`` emits the same ``message`` payload the app sends for a new
message (with an increasing id, from 10**9) to that room, and answers ``{"id": ...}``.
Run: ``gunicorn -w 1 --threads 1200 bench.bare_socketio_server:app``.
"""

from __future__ import annotations

import gc
import itertools
import json
import threading
from typing import Any

import socketio

sio = socketio.Server(async_mode="threading")
_ids = itertools.count(10**9)  # far from the app's message ids: the bench's clients record both
_lock = threading.Lock()


@sio.event
def connect(sid: str, _environ: dict, auth: Any = None) -> None:
    room = auth.get("room") if isinstance(auth, dict) else None
    if not isinstance(room, int):
        raise ConnectionRefusedError("room required")
    sio.enter_room(sid, f"room:{room}")


def http(environ: dict, start_response: Any) -> list[bytes]:
    if environ["PATH_INFO"] == "/healthz":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    if environ["PATH_INFO"] != "/send" or environ["REQUEST_METHOD"] != "POST":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    size = int(environ.get("CONTENT_LENGTH") or 0)
    data = json.loads(environ["wsgi.input"].read(size) or b"{}")
    with _lock:
        n = next(_ids)
    payload = {"op": "add", "id": n, "conversation_id": data["room"], "author_id": data["author_id"],
               "type": "message", "event_id": n}
    sio.emit("message", payload, to=f"room:{data['room']}")
    body = json.dumps({"id": n}).encode()
    start_response("201 Created", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


app = socketio.WSGIApp(sio, http)
gc.freeze()  # as wsgi.py does for the app, so that neither side pays for re-scanning its imports
