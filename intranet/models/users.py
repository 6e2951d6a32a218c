"""People, departments, skills and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.models.base import Base, UTCDateTime, utcnow

user_skills = Table(
    "user_skills",
    Base.metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", Integer, ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
)


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[Group | None] = relationship(foreign_keys=[group_id])  # noqa: F821


class Skill(Base):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    job_title: Mapped[str] = mapped_column(String(120), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str | None] = mapped_column(String(64))  # None: the company's (migration 0025)
    avatar_file: Mapped[str | None] = mapped_column(String(80))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Where the account proves who it is: "local" (password_hash), "ldap" or "oidc" (the directory
    # or the provider, whose stable id is external_id; migration 0013).
    auth_source: Mapped[str] = mapped_column(String(10), default="local", server_default="local")
    external_id: Mapped[str | None] = mapped_column(String(255))
    # set when the person was deleted by policy: the row stays, emptied, as "former employee"
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # set by an administrator: the next sign-in must choose a new password first
    must_reset_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_users_auth_source_external_id", "auth_source", "external_id", unique=True),)

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    skills: Mapped[list[Skill]] = relationship(secondary=user_skills, order_by=Skill.name)

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, the clear value is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
