"""Socket.IO handlers: authenticate at connect, join server-chosen rooms. No DB writes here.

Clients never choose rooms; they receive events for ``user:<id>`` (everything addressed to them,
including their groups' events) and ``company`` (company-wide posts). Durable writes go over HTTP.
"""

from __future__ import annotations

from typing import Any

from flask import session
from flask_login import current_user
from flask_socketio import SocketIO, disconnect, join_room

from .auth import LOGIN_ID, user_for_token
from .events import COMPANY_ROOM, login_room, user_room
from .models import User

SOCKET_TOKEN = "intranet.socket_token"


def _user_from(auth: Any) -> User | None:
    """The session cookie's user, else the ``auth={"token": ...}`` owner; active accounts only."""
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        user = user_for_token(auth["token"])
        if user is not None:
            # Flask-SocketIO keeps a per-socket copy of the session on the server (never sent
            # back as a cookie): remember the token so later messages can re-check it.
            session[SOCKET_TOKEN] = auth["token"]
        return user
    return None


def socket_user() -> User | None:
    """Who this socket belongs to, re-checked on every message (deactivation, revocation).

    Handlers use this rather than ``current_user``, which is anonymous on token sockets.
    """
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    token = session.get(SOCKET_TOKEN)
    return user_for_token(token) if isinstance(token, str) else None


def register_handlers(socketio: SocketIO) -> None:
    @socketio.on("connect")
    def on_connect(auth: Any = None) -> bool:
        user = _user_from(auth)
        if user is None or not user.is_active_account:
            raise ConnectionRefusedError("unauthorized")
        join_room(user_room(user.id))
        join_room(COMPANY_ROOM)
        if isinstance(session.get(LOGIN_ID), str) and SOCKET_TOKEN not in session:
            join_room(login_room(session[LOGIN_ID]))  # logging out in this browser ends it
        return True

    @socketio.on("ping_alive")
    def on_ping(_data: Any = None) -> dict[str, bool]:
        """Clients may check their socket is still authorised (e.g. after a laptop sleeps)."""
        if socket_user() is None:
            disconnect()
            return {"ok": False}
        return {"ok": True}
