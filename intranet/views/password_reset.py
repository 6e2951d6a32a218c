"""Asking for a reset link, from the login page's "forgot password" or the API: rate limits and
the link's address, shared by both."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import current_app, request, url_for

from intranet.actions.passwords import do_request_password_reset
from intranet.platform import db
from intranet.platform.extensions import limiter


def _address_key() -> str:
    """The address asked for (hashed), so one person's mailbox cannot be flooded from many
    networks; unknown addresses are limited alike (the answer never tells them apart)."""
    data: Any = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email") if hasattr(data, "get") else None
    return "password-reset:" + hashlib.sha256(str(email or "").strip().lower().encode()).hexdigest()


def reset_limits(view: Callable[..., Any]) -> Callable[..., Any]:
    """Per client address (``PASSWORD_RESET_RATE_LIMIT``) and per e-mail address asked for
    (``PASSWORD_RESET_ADDRESS_LIMIT``), in the limiter's storage (Redis with several workers)."""
    per_client = limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
    per_address = limiter.limit(lambda: current_app.config["PASSWORD_RESET_ADDRESS_LIMIT"],
                                key_func=_address_key, methods=["POST"])
    return per_client(per_address(view))


def reset_link(token: str) -> str:
    """The link in the mail. With ``MAIL_BASE_URL`` set (the mail settings), links never take the
    request's Host header, which a client chooses: a forged Host would otherwise send the victim
    a link to the attacker's site carrying a valid token."""
    base = current_app.config.get("MAIL_BASE_URL")
    path = url_for("account.reset", token=token)
    return base.rstrip("/") + path if base else url_for("account.reset", token=token, _external=True)


def request_reset(email: str) -> None:
    """Mail a link if the address has an active account; nothing to tell the caller either way."""
    with db.transaction() as s:
        do_request_password_reset(s, email, reset_link)
