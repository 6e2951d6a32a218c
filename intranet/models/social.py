"""Polls, bookmarks, drafts, scheduled posts and follows: what keeps people coming back.

A poll is a post of kind "poll" with one ``Poll`` row (its options and rules) and its votes; a
question is a post of kind "question" whose ``answer_comment_id`` names the best answer. A
scheduled post is not a post until the scheduler publishes it: nothing about it (feeds, search,
events, notifications) exists before, so no read path needs a "not yet" filter.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.models.base import Base, UTCDateTime, utcnow


class PostKind(enum.StrEnum):
    POST = "post"
    POLL = "poll"
    QUESTION = "question"


class Poll(Base):
    """A poll's rules: single or multiple choice, an optional closing time, whether readers see
    who voted for what (``votes_shown``) or only the counts."""

    __tablename__ = "polls"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    multiple: Mapped[bool] = mapped_column(default=False)
    votes_shown: Mapped[bool] = mapped_column(default=False)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    options: Mapped[list[PollOption]] = relationship(order_by="PollOption.position", viewonly=True)

    def is_closed(self, now: datetime | None = None) -> bool:
        return self.closes_at is not None and (now or utcnow()) >= self.closes_at


class PollOption(Base):
    __tablename__ = "poll_options"
    __table_args__ = (Index("ix_poll_options_post_id_position", "post_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("polls.post_id", ondelete="CASCADE"))
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))


class PollVote(Base):
    """One person's choice of one option (several rows for a multiple-choice poll)."""

    __tablename__ = "poll_votes"
    __table_args__ = (Index("ix_poll_votes_post_id_user_id", "post_id", "user_id"),)

    option_id: Mapped[int] = mapped_column(ForeignKey("poll_options.id", ondelete="CASCADE"),
                                           primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("polls.post_id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Bookmark(Base):
    """A post I saved for later (my "Saved" page, newest saved first)."""

    __tablename__ = "bookmarks"
    __table_args__ = (Index("ix_bookmarks_user_id_created_at", "user_id", "created_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Draft(Base):
    """What I was writing in one place (``place``: "company" or "group:<id>"), kept on the
    server so it follows me to another browser; one per person and place."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("user_id", "place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    place: Mapped[str] = mapped_column(String(24))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScheduledPost(Base):
    """A post to publish at ``publish_at`` (the scheduler's job). ``error`` says why it could
    not be published (the author left the group...); it then stays for the author to see."""

    __tablename__ = "scheduled_posts"
    __table_args__ = (Index("ix_scheduled_posts_publish_at", "publish_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10), default=PostKind.POST.value)
    announcement: Mapped[bool] = mapped_column(default=False)
    poll: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    publish_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    error: Mapped[str | None] = mapped_column(String(400))

    group: Mapped[Group | None] = relationship()  # noqa: F821


class Follow(Base):
    """I follow a person or a #topic (exactly one): their posts join my home feed."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("follower_id", "user_id"),
        UniqueConstraint("follower_id", "topic_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
