"""Who is connected, away, or looking at which conversation: ephemeral, never in the database.

Sockets report ``presence`` (online/away) and ``focus`` (the conversation on screen); the
server uses focus to skip notifying someone who is reading the conversation already. A restart
forgets it, and clients re-send their state when they reconnect.

Two registries with one interface, chosen at ``init_app``: ``local.Registry`` keeps this
process's sockets in its memory, right for the embedded default (one process); with ``REDIS_URL``
set (several workers behind a Socket.IO message queue) ``shared.RedisRegistry`` keeps every
socket's state in Redis, so a person connected to another worker is online here too and nobody
is notified about the conversation they are reading on another worker.
"""

from __future__ import annotations

from flask import Flask, current_app

from intranet.platform import redis_store
from intranet.platform.extensions import socketio
from intranet.platform.presence.base import AWAY, BURST_PEOPLE, OFFLINE, ONLINE
from intranet.platform.presence.local import Registry
from intranet.platform.presence.shared import RedisRegistry

__all__ = ["AWAY", "BURST_PEOPLE", "OFFLINE", "ONLINE", "RedisRegistry", "Registry", "init_app", "registry"]

EXTENSION = "intranet.presence"


def init_app(app: Flask) -> None:
    client = redis_store.client(app)
    if client is None:
        app.extensions[EXTENSION] = Registry()
        return
    app.extensions[EXTENSION] = RedisRegistry(client, app.config["REDIS_KEY_PREFIX"],
                                              app.config["PRESENCE_TTL_SECONDS"],
                                              socketio.start_background_task, socketio.sleep)


def registry() -> Registry | RedisRegistry:
    return current_app.extensions[EXTENSION]
