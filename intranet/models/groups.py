"""Groups, memberships and join requests."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.models.base import Base, UTCDateTime, utcnow


class Visibility(enum.StrEnum):
    PUBLIC = "public"  # anyone reads and joins
    PRIVATE = "private"  # listed; content for members; join by request
    SECRET = "secret"  # invisible to non-members


class GroupKind(enum.StrEnum):
    DEPARTMENT = "department"
    PROJECT = "project"
    COMMUNITY = "community"


class Role(enum.StrEnum):
    MEMBER = "member"
    LEAD = "lead"


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[Visibility] = mapped_column(Enum(Visibility, native_enum=False, length=10))
    kind: Mapped[GroupKind] = mapped_column(Enum(GroupKind, native_enum=False, length=12))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cover_file: Mapped[str | None] = mapped_column(String(80))  # under UPLOAD_DIR/covers


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_user_group", "user_id", "group_id"),)

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=10), default=Role.MEMBER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The group's newest post when I last opened it: the side rail counts what came after.
    last_seen_post_id: Mapped[int | None] = mapped_column()

    user: Mapped[User] = relationship()  # noqa: F821
    group: Mapped[Group] = relationship()


class JoinRequest(Base):
    __tablename__ = "join_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[RequestStatus] = mapped_column(
        Enum(RequestStatus, native_enum=False, length=10), default=RequestStatus.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])  # noqa: F821
    group: Mapped[Group] = relationship()
