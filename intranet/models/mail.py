"""The durable mail outbox: one row per e-mail, written in the transaction of the action that
causes it and sent after commit by the background sender (``platform.mail``)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from intranet.models.base import Base, UTCDateTime, utcnow


class MailStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first try or its next retry (``next_attempt_at``)
    SENDING = "sending"  # claimed by a sender until ``lease_until``; past it, claimable again
    SENT = "sent"
    FAILED = "failed"  # gave up after ``MAIL_MAX_ATTEMPTS`` (the error is kept)


class MailOutbox(Base):
    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(400))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40), default="system")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    headers: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[MailStatus] = mapped_column(
        Enum(MailStatus, native_enum=False, length=10), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claim: Mapped[str | None] = mapped_column(String(32))  # the claiming sender's round token
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailMode(enum.StrEnum):
    """How a kind of notification reaches a person by mail."""

    IMMEDIATELY = "immediately"  # in the next notification mail (after MAIL_DELAY_SECONDS unread)
    DIGEST = "digest"  # in the daily or weekly digest
    NEVER = "never"


class GroupLevel(enum.StrEnum):
    """What a group may send a person (mail; MUTED also hides its in-app notifications except
    direct mentions)."""

    ALL = "all"
    MENTIONS = "mentions"
    MUTED = "muted"


class DigestFrequency(enum.StrEnum):
    OFF = "off"
    DAILY = "daily"
    WEEKLY = "weekly"


class MailKindSetting(Base):
    """A person's choice for one kind of notification mail (no row: the kind's default)."""

    __tablename__ = "mail_kind_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    mode: Mapped[MailMode] = mapped_column(Enum(MailMode, native_enum=False, length=12))


class GroupMailSetting(Base):
    """A person's level for one group (no row: everything)."""

    __tablename__ = "group_mail_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)
    level: Mapped[GroupLevel] = mapped_column(Enum(GroupLevel, native_enum=False, length=10))


class MailPreference(Base):
    """A person's digest frequency and when the last digest was queued."""

    __tablename__ = "mail_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    digest: Mapped[DigestFrequency] = mapped_column(
        Enum(DigestFrequency, native_enum=False, length=8), default=DigestFrequency.WEEKLY)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InvitationKind(enum.StrEnum):
    INVITATION = "invitation"  # an administrator invited this address
    REGISTRATION = "registration"  # someone of an allowed domain registered; confirms the address


class Invitation(Base):
    """A signed, expiring, single-use link sent by mail: an invitation (the invitee chooses name
    and password) or a self-registration waiting for its address to be confirmed (name and
    password already chosen; the account is created when the link is followed)."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InvitationKind] = mapped_column(Enum(InvitationKind, native_enum=False, length=12))
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    nonce: Mapped[str] = mapped_column(String(32))  # in the signed token: a reissued link voids the old
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
