"""In-app notifications."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.models.base import Base, UTCDateTime, utcnow


class NotificationKind(enum.StrEnum):
    MENTION = "mention"
    COMMENT = "comment"
    ANNOUNCEMENT = "announcement"
    JOIN_REQUEST = "join_request"
    JOIN_APPROVED = "join_approved"
    JOIN_REFUSED = "join_refused"  # a lead refused my request (group_id)
    MESSAGE = "message"  # new messages in a conversation: one unread notification per conversation
    MESSAGE_MENTION = "message_mention"  # @me in a conversation (even muted)
    CASE_MENTION = "case_mention"  # an inbox note names me (``case_id``)
    CASE_ASSIGNED = "case_assigned"  # a case was given to me
    SLA_BREACH = "sla_breach"  # a case of a service I lead missed a target (case_id)
    ACK_REMINDER = "ack_reminder"  # a lead reminds me to acknowledge an announcement (post_id)
    REPLY_APPROVAL = "reply_approval"  # a reply on a case of a service I lead waits for approval
    INBOX_SPIKE = "inbox_spike"  # a surge of comments on a watch rule, for the leads it concerns (group_id)
    TASK_ASSIGNED = "task_assigned"  # a task was given to me (or to a service I am in)
    TASK_DUE_SOON = "task_due_soon"  # a task of mine is due tomorrow
    TASK_OVERDUE = "task_overdue"  # a task of mine is past its due date


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_id", "user_id", "id"),
        Index("ix_notifications_unmailed", "created_at", sqlite_where=text("mailed_at IS NULL"),
              postgresql_where=text("mailed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(
        Enum(NotificationKind, native_enum=False, length=20)
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("inbox_cases.id", ondelete="CASCADE"))
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # set when a notification mail or digest took it (or it was decided not to mail it): the
    # mailer looks only at rows still NULL (a partial index keeps that cheap)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])  # noqa: F821
    post: Mapped[Post | None] = relationship()  # noqa: F821
    group: Mapped[Group | None] = relationship()  # noqa: F821
