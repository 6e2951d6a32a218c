"""Socket.IO signals of messaging: presence (online/away), typing, and which conversation a page
shows (focus). They are ephemeral: nothing is written to the database, nothing is replayed.

The server checks that the sender takes part in the conversation and emits only to the other
participants' ``user:<id>`` rooms, which it chose at connect. These are the only things a client
may send besides ``ping_alive`` and ``catch_up``; messages, reads and every other write go over HTTP.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from flask import Flask, current_app, request
from flask_socketio import SocketIO

from intranet.access import messaging as access_messaging
from intranet.platform import db, presence
from intranet.platform.events import user_room
from intranet.platform.extensions import socketio
from intranet.queries.conversations import active_participant_ids, co_participants_of
from intranet.realtime.auth import socket_user

log = logging.getLogger(__name__)
STATES = (presence.ONLINE, presence.AWAY)


def announce_presence(user_id: int | None, state: str | None) -> None:
    """Queue a presence change for the people who share a conversation with ``user_id``.

    Changes are sent in batches (``PRESENCE_BATCH_SECONDS``, 0: at once): after a restart, 1,000
    reconnecting people each announced to 49 others made 49,000 sends and starved the server;
    a batch is one send per person concerned, whatever the number of changes. Right after a big
    batch the next one gathers longer (``PRESENCE_BURST_SECONDS``, ``Batches.batch_delay``).
    """
    if user_id is None or state is None:
        return
    delay, registry = current_app.config["PRESENCE_BATCH_SECONDS"], presence.registry()
    first = registry.mark_changed(user_id)
    if delay <= 0:
        flush_presence()
    elif first:
        delay = registry.batch_delay(delay, current_app.config["PRESENCE_BURST_SECONDS"])
        socketio.start_background_task(_flush_later, current_app._get_current_object(), delay)


def _flush_later(app: Flask, delay: float) -> None:
    socketio.sleep(delay)
    with app.app_context():
        flush_presence()


def flush_presence() -> None:
    """Send each person concerned one ``presence`` event listing the changes they may see."""
    changed = presence.registry().take_changed()
    if not changed:
        return
    try:
        audiences = co_participants_of(db.session(), set(changed))
    except Exception:  # presence is best effort: a failed read must not break a connect
        log.exception("presence audience lookup failed")
        return
    batches: dict[tuple[int, ...], list[str]] = defaultdict(list)
    for recipient, about in audiences.items():
        batches[tuple(sorted(about))].append(user_room(recipient))
    for about, rooms in batches.items():
        socketio.emit("presence", {"states": [{"user_id": uid, "state": changed[uid]} for uid in about]},
                      to=rooms)


def _conversation_id(data: Any) -> int | None:
    value = data.get("conversation_id") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def register(sio: SocketIO) -> None:
    @sio.on("disconnect")
    def on_disconnect(*_args: Any) -> None:
        announce_presence(*presence.registry().disconnected(request.sid))

    @sio.on("presence")
    def on_presence(data: Any = None) -> dict[str, bool]:
        state = data.get("state") if isinstance(data, dict) else None
        if socket_user() is None or state not in STATES:
            return {"ok": False}
        announce_presence(*presence.registry().set_state(request.sid, state))
        return {"ok": True}

    @sio.on("focus")
    def on_focus(data: Any = None) -> dict[str, bool]:
        """The page shows this conversation (or none: ``conversation_id`` null)."""
        user, cid = socket_user(), _conversation_id(data)
        if user is None or (cid is not None and access_messaging.participation(user, cid) is None):
            presence.registry().set_focus(request.sid, None)
            return {"ok": False}
        presence.registry().set_focus(request.sid, cid)
        return {"ok": True}

    @sio.on("typing")
    def on_typing(data: Any = None) -> dict[str, bool]:
        user, cid = socket_user(), _conversation_id(data)
        if user is None or cid is None or access_messaging.participation(user, cid) is None:
            return {"ok": False}
        typing = bool(data.get("typing", True))
        rooms = [user_room(i) for i in active_participant_ids(db.session(), cid) if i != user.id]
        if rooms:
            socketio.emit("typing", {"conversation_id": cid, "user_id": user.id, "typing": typing}, to=rooms)
        return {"ok": True}
