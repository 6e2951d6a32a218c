"""Socket.IO handlers: authenticate at connect, join server-chosen rooms. No DB writes here.

Clients never choose rooms; they receive events for ``user:<id>`` (everything addressed to them,
including their groups' events) and ``company`` (company-wide posts). Durable writes go over HTTP.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_socketio import SocketIO, disconnect, join_room

from .auth import user_for_token
from .events import COMPANY_ROOM, user_room
from .models import User


def _user_from(auth: Any) -> User | None:
    """The session cookie's user, else the ``auth={"token": ...}`` owner; active accounts only."""
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        return user_for_token(auth["token"])
    return None


def register_handlers(socketio: SocketIO) -> None:
    @socketio.on("connect")
    def on_connect(auth: Any = None) -> bool:
        user = _user_from(auth)
        if user is None or not user.is_active_account:
            raise ConnectionRefusedError("unauthorized")
        join_room(user_room(user.id))
        join_room(COMPANY_ROOM)
        return True

    @socketio.on("ping_alive")
    def on_ping(_data: Any = None) -> dict[str, bool]:
        """Clients may check their socket is still authorised (e.g. after a laptop sleeps)."""
        if not (current_user and current_user.is_authenticated):
            disconnect()
            return {"ok": False}
        return {"ok": True}
