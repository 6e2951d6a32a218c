"""Direct and group conversations, their participants and messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.models.base import Base, UTCDateTime, utcnow


class Conversation(Base):
    """A direct conversation (two people, ``direct_key`` set so it is reused, never duplicated)
    or a group conversation (up to 51 people, may be named, people added later)."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_last_activity", "last_activity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120), default="")
    direct_key: Mapped[str | None] = mapped_column(String(40), unique=True)  # "<low id>:<high id>"
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_id: Mapped[int | None]
    last_activity: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participants: Mapped[list[Participant]] = relationship(
        back_populates="conversation", order_by="Participant.joined_at", cascade="all, delete-orphan")

    @property
    def is_direct(self) -> bool:
        return self.direct_key is not None


class Participant(Base):
    """Someone's place in a conversation. Leaving keeps the row (``left_at``) so a later
    re-join keeps the read position; only rows with ``left_at`` null may read."""

    __tablename__ = "participants"
    __table_args__ = (Index("ix_participants_user_id_conversation_id", "user_id", "conversation_id"),)

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_read_message_id: Mapped[int] = mapped_column(default=0)
    muted: Mapped[bool] = mapped_column(default=False)

    conversation: Mapped[Conversation] = relationship(back_populates="participants")
    user: Mapped[User] = relationship()  # noqa: F821


class Message(Base):
    """One message; ids increase, so ``?after=<id>`` catch-up is a range scan on
    ``(conversation_id, id)``. Deleting keeps the row (``deleted_at``, text cleared) so the
    conversation shows "message deleted" where it was."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
        # a thread's replies, oldest first; partial: most messages are not replies
        Index("ix_messages_reply_to_id", "reply_to_id", "id", sqlite_where=text("reply_to_id IS NOT NULL"),
              postgresql_where=text("reply_to_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A reply in a thread names its root message (same conversation; threads are one level
    # deep). No foreign key: messages are never deleted one by one (``deleted_at``), and a plain
    # column is added to a large table without copying it on SQLite.
    reply_to_id: Mapped[int | None]
    reply_count: Mapped[int] = mapped_column(default=0, server_default="0")  # on a root
    last_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship()  # noqa: F821
    conversation: Mapped[Conversation] = relationship()
    # files sent with the message (never added later); removed with the message's text
    attachments: Mapped[list[Attachment]] = relationship(  # noqa: F821
        order_by="Attachment.id", back_populates="message", passive_deletes=True)


class MessageReaction(Base):
    """Someone's emoji reaction on a message (the posts' kinds), at most one of each kind."""

    __tablename__ = "message_reactions"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
