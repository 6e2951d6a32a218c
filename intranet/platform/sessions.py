"""Signed-in browsers, kept on the server: logging out, "sign out" and a password change end them.

Flask's session cookie is signed but lives in the browser: on its own, a copy taken before logout
would keep working. So every login makes a ``LoginSession`` row and puts its id and a random key
in the cookie; the row keeps only the key's SHA-256, and a request is signed in only while the
row exists and the key matches. Deleting the row ends that login wherever the cookie went.

"Remember me" is a second cookie, ``<row id>.<secret>``, with the secret's SHA-256 on the same
row; each use replaces the secret (a copied cookie works at most until the owner's next visit)
and gives the browser a new session key. Both cookies are HttpOnly, SameSite and, with
``SESSION_COOKIE_SECURE`` (production), Secure.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta
from functools import cache

from flask import Flask, Request, Response, current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import Select, Update, bindparam, delete, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from intranet.models import LoginSession, User, utcnow
from intranet.platform import db
from intranet.platform.events import after_commit, end_login_sockets, end_user_sockets

log = logging.getLogger(__name__)
LOGIN_ID = "login_id"  # the LoginSession row: its sockets join ``login:<id>`` (events.login_room)
LOGIN_KEY = "login_key"  # the random key whose hash the row keeps
REMEMBER_COOKIE = "intranet_remember"
LEGACY_REMEMBER_COOKIE = "remember_token"  # Flask-Login's own, never set any more: removed when seen
SET_REMEMBER, CLEAR_REMEMBER = "intranet.set_remember", "intranet.clear_remember"


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _client() -> dict[str, str]:
    return {"user_agent": (request.user_agent.string or "")[:255], "ip": (request.remote_addr or "")[:45]}


def _remember_until() -> object:
    return utcnow() + timedelta(days=current_app.config["REMEMBER_DAYS"])


def open_login(user: User, *, remember: bool = False) -> LoginSession:
    """Sign this browser in: a new row, its key in the session cookie, and a remember-me cookie
    when asked. Owns its short transaction (called by views after the credentials are checked)."""
    key = secrets.token_urlsafe(32)
    row = LoginSession(user_id=user.id, key_hash=_hash(key), **_client())
    secret = secrets.token_urlsafe(32) if remember else None
    if secret:
        row.remember_hash, row.remember_until = _hash(secret), _remember_until()
    with db.transaction() as s:
        s.add(row)
    _enter(user, row.id, key)
    if secret:
        setattr(g, SET_REMEMBER, f"{row.id}.{secret}")
    return row


def _enter(user: User, login_id: int, key: str) -> None:
    login_user(user)
    session[LOGIN_ID] = login_id
    session[LOGIN_KEY] = key


def close_login() -> None:
    """Log this browser out: its row goes (so a copy of the cookie is worthless), then its sockets."""
    login_id = current_login_id()
    forget_here()
    if login_id is not None:
        with db.transaction() as s:
            s.execute(delete(LoginSession).where(LoginSession.id == login_id))
        end_login_sockets(str(login_id))


def forget_here() -> None:
    """This browser is no longer signed in (its row is gone or going): session and cookie."""
    session.pop(LOGIN_KEY, None)
    session.pop(LOGIN_ID, None)
    logout_user()
    setattr(g, CLEAR_REMEMBER, True)


def current_login_id() -> int | None:
    value = session.get(LOGIN_ID)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@cache
def _row_and_user() -> Select:
    return (select(LoginSession, User).join(User, User.id == LoginSession.user_id)
            .where(LoginSession.id == bindparam("id")))


@cache
def _touch() -> Update:
    return (update(LoginSession).where(LoginSession.id == bindparam("row"))
            .values(last_seen_at=bindparam("now")))


def load_login(user_id: str) -> User | None:
    """Flask-Login's user loader: the user only while this browser's row exists, its key
    matches, the account is active and the login has not been idle too long."""
    login_id, key = current_login_id(), session.get(LOGIN_KEY)
    if login_id is None or not isinstance(key, str) or not user_id.isdigit():
        return None
    found = db.session.execute(_row_and_user(), {"id": login_id}).first()
    if found is None:
        return None
    row, user = found
    now = utcnow()
    if (user.id != int(user_id) or not hmac.compare_digest(row.key_hash, _hash(key))
            or not user.is_active_account or _expired(row, now)):
        return None
    if (now - row.last_seen_at).total_seconds() > current_app.config["SESSION_TOUCH_SECONDS"]:
        _write_apart(_touch(), {"row": row.id, "now": now})
    return user


def _expired(row: LoginSession, now: object) -> bool:
    idle = timedelta(hours=current_app.config["SESSION_IDLE_HOURS"])
    remembered = row.remember_until is not None and row.remember_until > now
    return not remembered and row.last_seen_at + idle < now


def _write_apart(statement: Update, params: dict) -> int:
    """Bookkeeping on a connection of its own, so that a loader running lazily inside a view's
    transaction never commits that transaction's work early; skipped when the database is busy."""
    try:
        with db.engine().begin() as conn:
            return conn.execute(statement, params).rowcount
    except OperationalError:
        log.warning("login bookkeeping skipped (database busy)")
        return 0


def load_remembered(req: Request) -> User | None:
    """Flask-Login's request loader: a browser without a live session but with a remember-me
    cookie. The cookie's secret is replaced on use; of two requests racing with the same cookie
    only one wins (the other is anonymous once, and never clears the winner's cookie)."""
    row_id, _, secret = req.cookies.get(REMEMBER_COOKIE, "").partition(".")
    if not row_id.isdigit() or len(row_id) > 18 or not secret or req.path.startswith("/socket.io"):
        return None  # a socket's handshake cannot set the rotated cookie: its page signs in first
    found = db.session.execute(_row_and_user(), {"id": int(row_id)}).first()
    now = utcnow()
    if found is None or found[0].remember_hash is None or found[0].remember_until <= now \
            or not found[1].is_active_account:
        setattr(g, CLEAR_REMEMBER, True)
        return None
    row, user = found
    if not hmac.compare_digest(row.remember_hash, _hash(secret)):
        return None
    new_secret, key = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    changed = _write_apart(
        update(LoginSession).where(LoginSession.id == row.id, LoginSession.remember_hash == row.remember_hash)
        .values(remember_hash=_hash(new_secret), remember_until=_remember_until(), key_hash=_hash(key),
                last_seen_at=now, **_client()), {})
    if changed != 1:
        return None
    _enter(user, row.id, key)
    setattr(g, SET_REMEMBER, f"{row.id}.{new_secret}")
    return user


def _cookies(response: Response) -> Response:
    """Write or remove the remember-me cookie as this request decided."""
    config = current_app.config
    value = g.get(SET_REMEMBER)
    if value:
        response.set_cookie(REMEMBER_COOKIE, value, max_age=int(timedelta(days=config["REMEMBER_DAYS"])
                                                                 .total_seconds()),
                            httponly=True, secure=config["SESSION_COOKIE_SECURE"],
                            samesite=config["SESSION_COOKIE_SAMESITE"])
    elif g.get(CLEAR_REMEMBER) and REMEMBER_COOKIE in request.cookies:
        response.delete_cookie(REMEMBER_COOKIE, httponly=True, secure=config["SESSION_COOKIE_SECURE"],
                               samesite=config["SESSION_COOKIE_SAMESITE"])
    if LEGACY_REMEMBER_COOKIE in request.cookies:
        response.delete_cookie(LEGACY_REMEMBER_COOKIE)
    return response


# --- for actions: ending logins inside the caller's transaction ------------------------------

def end_logins(s: Session, user_id: int, *, keep: int | None = None) -> int:
    """End every login of ``user_id`` (but ``keep``, this browser's, when given): rows and
    remember-me tokens now, sockets after commit. Without ``keep`` every socket of the person
    goes (their user room, token sockets included); with it, each other login's own room."""
    ids = list(s.scalars(select(LoginSession.id).where(LoginSession.user_id == user_id,
                                                       LoginSession.id != (keep or 0))))
    if ids:
        s.execute(delete(LoginSession).where(LoginSession.id.in_(ids)))
    if keep is None:
        after_commit(s, lambda: end_user_sockets(user_id))
    else:
        after_commit(s, lambda: [end_login_sockets(str(i)) for i in ids])
    return len(ids)


def end_one_login(s: Session, user_id: int, login_id: int) -> bool:
    """Sign one of my browsers out (the profile's "sign out"); False if it is not mine or gone."""
    gone = s.execute(delete(LoginSession).where(LoginSession.id == login_id,
                                                LoginSession.user_id == user_id)).rowcount
    if gone:
        after_commit(s, lambda: end_login_sockets(str(login_id)))
    return bool(gone)


def logins_of(s: Session, user_id: int) -> list[LoginSession]:
    """My signed-in browsers, most recently seen first (the profile's list)."""
    return list(s.scalars(select(LoginSession).where(LoginSession.user_id == user_id)
                          .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())))


def login_keys(user: User) -> dict[str, object]:
    """A new login's session entries without a login form (tests, benchmarks): what
    ``open_login`` would put in the cookie. Needs an app context; owns its transaction."""
    key = secrets.token_urlsafe(32)
    row = LoginSession(user_id=user.id, key_hash=_hash(key), user_agent="", ip="")
    with db.transaction() as s:
        s.add(row)
    return {"_user_id": str(user.id), "_fresh": True, LOGIN_ID: row.id, LOGIN_KEY: key}


def init_app(app: Flask) -> None:
    app.after_request(_cookies)
