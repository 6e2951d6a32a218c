"""Signed-in browsers and login throttling: server-side state that cookies only point to.

A cookie alone never proves a login: the session cookie names a ``LoginSession`` row and carries
a random key whose SHA-256 the row keeps, so deleting the row (logout, "sign out", a password
change, a deactivation) ends that login wherever the cookie was copied to. The remember-me
cookie works the same way with a second secret, replaced on every use.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from intranet.models.base import Base, UTCDateTime, utcnow


class LoginSession(Base):
    """One signed-in browser (what the profile lists and can sign out)."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    remember_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")


class LoginThrottle(Base):
    """Failed logins of one account name (the SHA-256 of the lower-cased e-mail, so unknown
    addresses are throttled alike and the table holds no address in clear)."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
