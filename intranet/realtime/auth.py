"""Who a socket belongs to: the page's login session or a bearer token, re-checked on every
client message (a deactivated account or an ended session stops at once)."""

from __future__ import annotations

from typing import Any

from flask import session
from flask_login import current_user

from intranet.models import User
from intranet.platform.auth import user_for_token

SOCKET_TOKEN = "intranet.socket_token"  # the token of a token socket, kept in its server-side session


def user_from(auth: Any) -> User | None:
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
