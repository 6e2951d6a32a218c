"""Per-account login throttling, in the database so that every worker sees the same counts.

On top of the per-address limit (``LOGIN_RATE_LIMIT``, which a whole office behind one proxy
shares), each account name counts its failed sign-ins in a row. After ``LOGIN_FREE_FAILURES`` of
them, the account waits before the next try: ``LOGIN_DELAY_BASE`` seconds, doubled at each further
failure, never more than ``LOGIN_DELAY_MAX``. The wait is answered at once (429 with Retry-After),
never slept in the request. A successful sign-in clears the count; so nobody can lock an account
for good, and guessing costs at most one try per ``LOGIN_DELAY_MAX``. Names are kept as the
SHA-256 of the lower-cased address, and unknown addresses count alike (the answer never says
whether an account exists).
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from intranet.models import LoginThrottle, utcnow
from intranet.platform import db
from intranet.platform.db import insert_or_ignore

TABLE = LoginThrottle.__table__


def _key(login: str) -> str:
    return hashlib.sha256(login.strip().lower().encode()).hexdigest()


def wait_seconds(login: str) -> int:
    """Seconds this account name must still wait before its next try (0: try now)."""
    until = db.session.scalar(select(LoginThrottle.blocked_until).where(LoginThrottle.key == _key(login)))
    return _remaining(until, utcnow())


def _remaining(until: datetime | None, now: datetime) -> int:
    return 0 if until is None or until <= now else math.ceil((until - now).total_seconds())


def delay_after(failures: int) -> int:
    """The wait after ``failures`` failures in a row: 0, then 1 s, 2 s, 4 s... capped."""
    config = current_app.config
    extra = failures - config["LOGIN_FREE_FAILURES"]
    if extra <= 0:
        return 0
    return int(min(config["LOGIN_DELAY_BASE"] * 2 ** min(extra - 1, 30), config["LOGIN_DELAY_MAX"]))


def record_failure(login: str) -> int:
    """Count one more failure (atomically: two workers failing at once count two); the wait
    it starts, in seconds."""
    key, now = _key(login), utcnow()
    with db.transaction() as s:
        s.execute(insert_or_ignore(s, TABLE, ["key"]).values(key=key, failures=0, updated_at=now))
        s.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                  .values(failures=LoginThrottle.failures + 1, updated_at=now))
        failures = s.scalar(select(LoginThrottle.failures).where(LoginThrottle.key == key)) or 1
        delay = delay_after(failures)
        if delay:
            s.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                      .values(blocked_until=now + timedelta(seconds=delay)))
    return delay


def record_success(login: str) -> None:
    """The right password: the count starts again from nothing."""
    key = _key(login)
    if db.session.scalar(select(LoginThrottle.key).where(LoginThrottle.key == key)) is None:
        return  # the usual case: nothing to clear, no write
    with db.transaction() as s:
        s.execute(delete(LoginThrottle).where(LoginThrottle.key == key))

