"""Socket.IO handlers: authenticate at connect, join server-chosen rooms. No DB writes here.

Clients never choose rooms; they receive events for ``user:<id>`` (everything addressed to them,
including their groups' and conversations' events) and ``company`` (company-wide posts). Durable
writes go over HTTP; ``realtime_messaging`` adds the ephemeral presence/typing/focus signals.
A reconnecting client asks ``catch_up`` here for what it missed (the HTTP route does the same).
"""

from __future__ import annotations

from typing import Any

from flask import request, session
from flask_socketio import SocketIO, disconnect, join_room, leave_room

from intranet import access
from intranet.platform import db
from intranet.platform.errors import NotFound
from intranet.platform.events import COMPANY_ROOM, login_room, post_room, tokens_room, user_room, wire_payload
from intranet.platform.presence import registry
from intranet.platform.sessions import current_login_id
from intranet.queries import lists as queries
from intranet.realtime.auth import SOCKET_TOKEN, socket_user, user_from
from intranet.realtime.closing import quiet_client_closes
from intranet.realtime.signals import announce_presence, register

WATCHED = "intranet.watched_post"  # the post this socket's page shows (its per-socket session)
CATCH_UP_LIMIT = 500  # events per catch-up answer, as the HTTP route's maximum


def _after(data: Any) -> int | None:
    value = data.get("after") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _post_id(data: Any) -> int | None:
    value = data.get("post_id") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _unwatch() -> None:
    old = session.pop(WATCHED, None)
    if isinstance(old, int):
        leave_room(post_room(old))


def _watch(user: Any, post_id: int) -> bool:
    """Join the post's room (leaving another one watched before) if ``access`` lets ``user``
    read it (404 rules: missing and hidden alike refused, and the old room left)."""
    try:
        access.access_post(user, post_id)
    except NotFound:
        _unwatch()
        return False
    if session.get(WATCHED) != post_id:
        _unwatch()
    join_room(post_room(post_id))  # idempotent: a second catch-up on this socket changes nothing
    session[WATCHED] = post_id
    return True


def register_handlers(socketio: SocketIO) -> None:
    quiet_client_closes(socketio)  # a client leaving mid-upgrade is not an ERROR (closing.py)
    @socketio.on("connect")
    def on_connect(auth: Any = None) -> bool:
        user = user_from(auth)
        if user is None or not user.is_active_account:
            raise ConnectionRefusedError("unauthorized")
        join_room(user_room(user.id))
        join_room(COMPANY_ROOM)
        login_id = current_login_id()
        if SOCKET_TOKEN in session:
            join_room(tokens_room(user.id))  # a password change may revoke the tokens: ends these
        elif login_id is not None:
            join_room(login_room(str(login_id)))  # logging out in this browser ends it
        announce_presence(user.id, registry().connected(request.sid, user.id))
        return True

    @socketio.on("catch_up")
    def on_catch_up(data: Any = None) -> dict[str, Any]:
        """``GET /api/v1/events?after=`` over the socket that just (re)connected: same rows, same
        access rule, same answer, without an HTTP request (and its auth) per reconnecting client:
        after a restart a thousand of those at once kept people waiting.

        ``post_id``: the post the page shows. Its room is joined first (as ``watch_post``), then
        the log is read: an event committed meanwhile comes both ways and the client keeps one."""
        user, after = socket_user(), _after(data)
        if user is None or after is None:
            return {"ok": False}
        post_id = _post_id(data)
        watched = post_id if post_id is not None and _watch(user, post_id) else None
        rows, more = queries.events_after(db.session, user, after, CATCH_UP_LIMIT, watched)
        return {"ok": True, "events": [wire_payload(ev) for ev in rows],
                "last_event_id": rows[-1].id if rows else after, "more": more}

    @socketio.on("ping_alive")
    def on_ping(_data: Any = None) -> dict[str, bool]:
        """Clients may check their socket is still authorised (e.g. after a laptop sleeps)."""
        if socket_user() is None:
            disconnect()
            return {"ok": False}
        registry().touch(request.sid)  # shared presence: this socket's keys live on
        return {"ok": True}

    @socketio.on("watch_post")
    def on_watch_post(data: Any = None) -> dict[str, bool]:
        """The page shows this post: join its room if ``access`` lets the socket's user read it
        (404 rules: missing and hidden alike refused), leaving the one watched before."""
        user, post_id = socket_user(), _post_id(data)
        if user is None or post_id is None:
            _unwatch()
            return {"ok": False}
        return {"ok": _watch(user, post_id)}

    register(socketio)
