"""The durable event log behind live updates and HTTP catch-up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from intranet.models.base import Base, UTCDateTime, utcnow


class Event(Base):
    """One published change. Exactly one audience applies:

    ``user_id`` (personal), else ``group_id`` (readers of the group), else ``service_id`` (the
    inbox agents and leads of that department's service), else ``conversation_id`` (its current
    participants), else the whole company. Catch-up filters by the reader's current memberships,
    services and participations, so leaving a group or conversation stops its events.

    ``post_id`` widens that audience to the pages showing the post (its comments, reactions and
    poll results reach a reader outside its group who opened it): such a page catches up on the
    events of its post too, when ``access`` lets the reader open it. No foreign key: like the
    other events these outlive the post, and a post nobody may read adds nothing to catch-up.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_user_id_id", "user_id", "id"),
        Index("ix_events_group_id_id", "group_id", "id"),
        Index("ix_events_service_id_id", "service_id", "id"),
        Index("ix_events_conversation_id_id", "conversation_id", "id"),
        Index("ix_events_post_id_id", "post_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(default=None)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
