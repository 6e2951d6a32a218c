"""The Socket.IO message queue between web workers, taught to end sessions on every worker.

Ending a login (logout, "sign out everywhere", a password change, a deactivation) must close
that person's sockets at once, wherever they are connected. A worker only knows its own sockets,
so ``events._end_room`` emits ``session_ended`` to a server-chosen room (``user:<id>``,
``login:<id>``, ``tokens:<id>``): the queue carries that emit to every worker, and each worker,
on handling it, also disconnects its own sockets in that room. Clients cannot emit to rooms, so
only the server can trigger this.
"""

from __future__ import annotations

from typing import Any

import socketio

SESSION_ENDED = "session_ended"
CHANNEL = "flask-socketio"  # Flask-SocketIO's default: workers of mixed versions still talk


def drop_room(server: socketio.Server, room: str, namespace: str = "/") -> None:
    """Disconnect this worker's sockets in ``room`` (they were told ``session_ended`` first)."""
    for sid, _eio_sid in list(server.manager.get_participants(namespace, room)):
        server.disconnect(sid, namespace=namespace, ignore_queue=True)


class EndingRedisManager(socketio.RedisManager):
    """``RedisManager`` whose ``session_ended`` emits also disconnect the room on each worker
    (the sending one included: ``PubSubManager.emit`` handles its own message locally)."""

    def _handle_emit(self, message: dict[str, Any]) -> None:
        super()._handle_emit(message)
        if message.get("event") != SESSION_ENDED:
            return
        rooms = message.get("room")
        for room in rooms if isinstance(rooms, list) else [rooms]:
            if isinstance(room, str):
                drop_room(self.server, room, message.get("namespace") or "/")


def client_manager(url: str | None) -> dict[str, Any]:
    """``init_app`` options: our manager for a Redis queue, else Flask-SocketIO's choice."""
    if url and url.startswith(("redis://", "rediss://")):
        return {"client_manager": EndingRedisManager(url, channel=CHANNEL)}
    return {}
