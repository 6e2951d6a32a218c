"""Audit trail, the search outbox, and the access version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from intranet.models.base import Base, UTCDateTime, utcnow


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_actor_id", "actor_id", "id"),
                      Index("ix_audit_log_action", "action", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int | None]
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SearchOutbox(Base):
    """Index work written in the same transaction as the change; drained by one indexer."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # post, comment, group, person, file, ...
    object_id: Mapped[int]
    op: Mapped[str] = mapped_column(String(10))  # upsert | delete
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccessChange(Base):
    """One row per transaction that changed who may see what (``access_version``): the newest
    id is the version under which search caches each reader's principals."""

    __tablename__ = "access_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
