"""Passwords: the policy, changing one, a forgotten one (reset link), an administrator's forced reset.

Policy in the spirit of NIST SP 800-63B §5.1.1.2: at least 10 characters (up to 200), refused when
it is a known common or breached password, made of a repeated or sequential run, or the person's
own e-mail or name; no composition rules. The list is the 30,000 most common passwords of leaked
password corpora that zxcvbn ships (``zxcvbn.frequency_lists``, pinned in requirements.txt), read
once per process.

A reset link is signed (itsdangerous, salted, with the app's secret), expires after
``PASSWORD_RESET_SECONDS`` and names a fingerprint of the password hash it was issued for: setting
any new password changes the hash, so a link works once at most.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from itertools import pairwise

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from intranet.actions.common import audit
from intranet.actions.mail import queue_mail
from intranet.models import ApiToken, User, utcnow
from intranet.platform.auth import check_password, forget_token, hash_password
from intranet.platform.errors import Conflict, Invalid
from intranet.platform.events import after_commit, end_token_sockets
from intranet.platform.sessions import end_logins

MIN_LENGTH, MAX_LENGTH = 10, 200
RESET_SALT = "intranet.password-reset"


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def _is_run(password: str) -> bool:
    """"aaaaaaaaaa", "abababab12", "1234567890", "zyxwvutsrq": few characters, or one step."""
    if len(set(password)) < 4:
        return True
    steps = {ord(b) - ord(a) for a, b in pairwise(password)}
    return len(steps) == 1 and steps <= {-1, 1}


def check_new_password(password: object, *, email: str = "", name: str = "", field: str = "password") -> str:
    """The password if the policy accepts it, else an Invalid naming ``field``."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise Invalid(_("The password needs at least %(n)s characters.", n=MIN_LENGTH), field=field)
    if len(password) > MAX_LENGTH:
        raise Invalid(_("The password is too long (at most %(n)s characters).", n=MAX_LENGTH), field=field)
    lowered = password.lower()
    if lowered in common_passwords() or lowered.rstrip("0123456789!.") in common_passwords():
        raise Invalid(_("This password is one of the most common or leaked ones: choose another."),
                      field=field)
    if _is_run(password):
        raise Invalid(_("This password repeats or follows a sequence: choose another."), field=field)
    local = email.split("@")[0].lower()
    if (len(local) >= 4 and local in lowered) or (name and lowered == name.lower().replace(" ", "")):
        raise Invalid(_("The password must not contain your e-mail address or name."), field=field)
    return password


def _set_password(session: Session, user: User, new: str, *, keep_login: int | None,
                  revoke_tokens: bool) -> int:
    """New hash, forced reset cleared, every other login ended; tokens revoked if asked."""
    user.password_hash = hash_password(check_new_password(new, email=user.email, name=user.name, field="new"))
    user.must_reset_password = False
    ended = end_logins(session, user.id, keep=keep_login)
    if revoke_tokens:
        revoke_all_tokens(session, user)
    return ended


def revoke_all_tokens(session: Session, user: User) -> None:
    """Every API token of the person stops, with the sockets opened by them (after commit)."""
    hashes = list(session.scalars(select(ApiToken.token_hash).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))))
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))
    after_commit(session, lambda: [forget_token(h) for h in hashes])
    after_commit(session, lambda uid=user.id: end_token_sockets(uid))


def do_change_password(session: Session, user: User, current: object, new: object, *,
                       keep_login: int | None, revoke_tokens: bool = False) -> int:
    """The person proves the current password; every other login, remember-me token and
    socket ends (``keep_login``: this browser's). Returns the number of logins ended."""
    _local_only(user)
    if not isinstance(current, str) or not check_password(user, current):
        raise Invalid(_("The current password is wrong."), field="current")
    if isinstance(new, str) and new == current:
        raise Invalid(_("The new password must differ from the current one."), field="new")
    ended = _set_password(session, user, new, keep_login=keep_login, revoke_tokens=revoke_tokens)
    audit(session, user, "user.password_change", "user", user.id, tokens_revoked=revoke_tokens)
    return ended


def _local_only(user: User) -> None:
    """Directory accounts (LDAP, OpenID Connect) prove who they are there, not with our hash."""
    if user.auth_source != "local":
        raise Conflict(_("Your password is managed by the company directory: change it there."))


# --- forgotten passwords ------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:24]


def reset_token(user: User) -> str:
    """A link's token: this person, this password hash, signed; checked by ``user_for_reset``."""
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_reset(session: Session, token: str) -> User:
    """The active account a link was made for, if it is genuine, unexpired and unused."""
    message = _("This link is invalid, expired or already used. Ask for a new one.")
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_SECONDS"])
    except (SignatureExpired, BadSignature) as exc:
        raise Invalid(message, field="token") from exc
    user_id = data.get("u") if isinstance(data, dict) else None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active_account or data.get("f") != _fingerprint(user):
        raise Invalid(message, field="token")
    return user


def active_user_by_email(session: Session, email: object) -> User | None:
    if not isinstance(email, str) or not email.strip() or len(email) > 254:
        return None
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    return user if user is not None and user.is_active_account else None


def do_reset_password(session: Session, token: str, new: object) -> User:
    """A link's new password: every login, remember-me token and socket of the person ends."""
    user = user_for_reset(session, token)
    _local_only(user)
    _set_password(session, user, new, keep_login=None, revoke_tokens=False)
    audit(session, user, "user.password_reset", "user", user.id)
    return user


def do_force_password_reset(session: Session, user: User, *, acting_user: User) -> None:
    """An administrator's decision: the person chooses a new password at the next sign-in, and
    is signed out everywhere until then."""
    _local_only(user)
    user.must_reset_password = True
    end_logins(session, user.id)
    audit(session, acting_user, "user.force_password_reset", "user", user.id)


def do_request_password_reset(session: Session, email: object, link: Callable[[str], str]) -> bool:
    """Send a reset link to an active account with this address; False (and nothing sent, nothing
    told) otherwise."""
    user = active_user_by_email(session, email)
    if user is None or user.auth_source != "local":
        return False
    send_reset_link(session, user, link(reset_token(user)))
    audit(session, None, "user.password_reset_request", "user", user.id)
    return True


def send_reset_link(session: Session, user: User, url: str) -> None:
    """The reset mail, in the person's language, queued in the durable outbox with the caller's
    transaction (the background sender sends it after commit, never the request)."""
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else \
        current_app.config["BABEL_DEFAULT_LOCALE"]
    minutes = current_app.config["PASSWORD_RESET_SECONDS"] // 60
    with force_locale(locale):
        subject = _("Choose a new password")
        text = render_template("account/reset_mail.txt", user=user, url=url, minutes=minutes)
        html = render_template("account/reset_mail.html", user=user, url=url, minutes=minutes, lang=locale)
    queue_mail(session, to=user.email, subject=subject, text=text, html=html, kind="password_reset",
               user_id=user.id)
