"""Who is asking: session cookie (Flask-Login) or ``Authorization: Bearer`` API token."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from datetime import timedelta
from functools import cache

from flask import Flask, Response, current_app, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from intranet.models import ApiToken, User, utcnow
from intranet.platform import db, sessions
from intranet.platform.extensions import login_manager
from intranet.platform.sessions import load_login, load_remembered
from intranet.platform.web import error_response, wants_json

log = logging.getLogger(__name__)
TOKEN_PREFIX = "itk_"
TOKEN_CACHE = "intranet.token_owners"
TOKEN_CACHE_SIZE = 10_000


def hash_password(password: str) -> str:
    """scrypt by default; tests and the demo may pick a cheaper method through PASSWORD_HASH_METHOD."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


@cache
def _decoy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def authenticate(email: str, password: str) -> User | None:
    """The account these credentials open (deactivated ones too: callers say why they refuse).

    An unknown e-mail costs the same hashing time as a wrong password.
    """
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        check_password_hash(_decoy_hash(), password)
        return None
    if not check_password(user, password):
        return None
    return user


def new_token() -> tuple[str, str]:
    """A fresh token and the hash we store; the clear token is shown to its owner once."""
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return clear, token_hash(clear)


def token_hash(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()


def user_for_token(clear: str) -> User | None:
    """The active owner of a non-revoked token; touches ``last_used_at`` at most hourly.

    A token seen in the last ``TOKEN_CACHE_SECONDS`` costs one query (its owner, still checked
    active) instead of two: after a restart every client re-authenticates at once. Revoking
    forgets the token at once in this process (``forget_token``); another worker process may
    accept it for at most ``TOKEN_CACHE_SECONDS`` more.
    """
    hashed = token_hash(clear)
    owners = _token_owners()
    cached = owners.get(hashed)
    if cached is not None and cached[1] > time.monotonic():
        return _active_user(cached[0])
    token = db.session.scalar(_token_by_hash(), {"hash": hashed})
    if token is None or not token.user.is_active_account:
        return None
    _touch(token)
    if len(owners) >= TOKEN_CACHE_SIZE:
        owners.clear()  # crude, and rare: the next requests simply read their tokens again
    owners[hashed] = (token.user_id, time.monotonic() + current_app.config["TOKEN_CACHE_SECONDS"])
    return token.user


def _touch(token: ApiToken) -> None:
    """Record the token's use, at most hourly. Bookkeeping only: when the database is busy
    (a thousand clients reconnecting after a restart all touch their tokens at once) the touch
    is skipped and retried at the next use, rather than refusing a valid token."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at <= timedelta(hours=1):
        return
    try:
        with db.transaction():
            token.last_used_at = now
    except OperationalError:  # transaction() rolled back
        log.warning("token %s: last use not recorded (database busy)", token.id)


def _token_owners() -> dict[str, tuple[int, float]]:
    """This app's cache: token hash -> (owner id, valid until ``time.monotonic()``)."""
    return current_app.extensions.setdefault(TOKEN_CACHE, {})


def forget_token(hashed: str) -> None:
    """A revoked token stops working at once (in this process: see ``user_for_token``)."""
    _token_owners().pop(hashed, None)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() or None if header.startswith("Bearer ") else None


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """A session cookie opens the account only while its login row lives (``platform.sessions``);
    deactivated accounts get no user: their sessions end on their next request."""
    return load_login(user_id)


@login_manager.request_loader
def _load_remembered(req: object) -> User | None:
    """No live session: the remember-me cookie, if any (its secret is replaced on use)."""
    return load_remembered(req)


def _active_user(user_id: int) -> User | None:
    user = db.session.execute(_user_by_id(), {"id": user_id}).scalar_one_or_none()
    return user if user is not None and user.is_active_account else None


@cache
def _token_by_hash() -> Select:
    """A live token with its owner, in one query (statement built once)."""
    return (select(ApiToken).options(joinedload(ApiToken.user))
            .where(ApiToken.token_hash == bindparam("hash"), ApiToken.revoked_at.is_(None)))


@cache
def _user_by_id() -> Select:
    return select(User).where(User.id == bindparam("id"))


def _authenticate_bearer() -> None:
    """A Bearer request is judged by its token alone, never by a cookie it also carries."""
    g.token_auth = False
    clear = bearer_token()
    if clear is None:
        return
    g.token_auth = True
    user = user_for_token(clear)
    g._login_user = user if user is not None else login_manager.anonymous_user()  # Flask-Login's slot


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    """API clients get a JSON 401; people get the login page, then come back."""

    if wants_json():
        return error_response(401, "unauthorized", _("Log in or send a valid API token."))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    app.before_request(_authenticate_bearer)
    sessions.init_app(app)


def local_password_allowed(email: str | None) -> bool:
    """May this address sign in with a local password? Always, unless LOCAL_PASSWORDS is off;
    then only the configured break-glass administrator may (the way in when the directory or the
    provider is down)."""
    config = current_app.config
    if config["LOCAL_PASSWORDS"]:
        return True
    glass = (config["BREAK_GLASS_ADMIN"] or "").strip().lower()
    return bool(glass) and (email or "").strip().lower() == glass
