"""Collected public customer comments: sources, watch rules, the comments, and import jobs.

A comment is stored once per (source, external id), whatever the retries of a connector; the
watch rules decide which comments become inbox cases (brand) or feed the competitor watch.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.models.base import Base, UTCDateTime, utcnow


class Network(enum.StrEnum):
    X = "x"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    LINKEDIN = "linkedin"
    GOOGLE_REVIEWS = "google_reviews"
    TRUSTPILOT = "trustpilot"
    FORUM = "forum"
    EMAIL = "email"
    OTHER = "other"


class Connector(enum.StrEnum):
    WEBHOOK = "webhook"  # signed pushes to /api/v1/inbox/sources/<slug>/webhook
    FEED = "feed"  # RSS/Atom polled on a schedule
    IMPORT = "import"  # JSONL/CSV files
    FORWARD = "forward"  # employees forwarding what they came across


class RuleKind(enum.StrEnum):
    BRAND = "brand"  # matches become inbox cases
    COMPETITOR = "competitor"  # matches feed the competitor watch


class Source(Base):
    __tablename__ = "inbox_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    network: Mapped[Network] = mapped_column(Enum(Network, native_enum=False, length=20))
    connector: Mapped[Connector] = mapped_column(Enum(Connector, native_enum=False, length=10))
    secret: Mapped[str] = mapped_column(String(128), default="")  # HMAC key, in and out
    feed_url: Mapped[str] = mapped_column(String(500), default="")
    poll_minutes: Mapped[int] = mapped_column(default=15)
    reply_url: Mapped[str] = mapped_column(String(500), default="")  # outbound reply webhook
    active: Mapped[bool] = mapped_column(default=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """Signatures seen inside the freshness window: a replayed delivery is refused."""

    __tablename__ = "inbox_webhook_deliveries"
    __table_args__ = (UniqueConstraint("source_id", "signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("inbox_sources.id", ondelete="CASCADE"))
    signature: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ExternalComment(Base):
    __tablename__ = "inbox_comments"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id"),
        Index("ix_inbox_comments_author", "source_id", "author"),
        Index("ix_inbox_comments_posted_at", "posted_at"),
        # the processing queue: comments stored (acknowledged) but not yet matched and triaged
        Index("ix_inbox_comments_pending", "id", sqlite_where=text("processed_at IS NULL"),
              postgresql_where=text("processed_at IS NULL")),
        # the retention job: comments still holding personal data, oldest first
        Index("ix_inbox_comments_unredacted", "received_at", sqlite_where=text("redacted_at IS NULL"),
              postgresql_where=text("redacted_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("inbox_sources.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(200), default="")
    author_url: Mapped[str] = mapped_column(String(500), default="")
    followers: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)  # untrusted: escaped or sanitized wherever shown
    url: Mapped[str] = mapped_column(String(500), default="")
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lang: Mapped[str] = mapped_column(String(8), default="")
    in_reply_to: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    forwarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # NULL while waiting for the worker (rules, triage, case): see ``inbox.processing``
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the customer's name, handle and text were erased after the retention period
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    source: Mapped[Source] = relationship()


class WatchRule(Base):
    __tablename__ = "inbox_watch_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    query: Mapped[str] = mapped_column(String(1000))  # the search query language
    kind: Mapped[RuleKind] = mapped_column(Enum(RuleKind, native_enum=False, length=12))
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RuleChange(Base):
    """One row per transaction that changed the inbox pipeline (watch and routing rules, service
    targets and descriptions): every process compares ``(count, max id)`` with the one its cached
    pipeline was built under, so a rule saved through one worker applies in the next batch of
    every other (a time-to-live alone let a webhook right after a new rule miss it). The count
    moves even when a lower id commits late, which the max alone would not show."""

    __tablename__ = "inbox_rule_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CommentMatch(Base):
    """Which watch rules a comment matched, with the words that made it match."""

    __tablename__ = "inbox_comment_matches"
    __table_args__ = (Index("ix_inbox_comment_matches_rule", "rule_id", "comment_id"),)

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("inbox_comments.id", ondelete="CASCADE"), primary_key=True
    )
    rule_id: Mapped[int] = mapped_column(
        ForeignKey("inbox_watch_rules.id", ondelete="CASCADE"), primary_key=True
    )
    terms: Mapped[list] = mapped_column(JSON, default=list)


class ImportJob(Base):
    """A JSONL/CSV import, resumable: re-running the same file continues after ``position``."""

    __tablename__ = "inbox_import_jobs"
    __table_args__ = (UniqueConstraint("source_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("inbox_sources.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)  # lines (rows) already processed
    accepted: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)  # [{"line", "message"}]
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Spike(Base):
    """A surge of one watch rule's volume over its own baseline, found by ``inbox.spikes``.

    Keeps what the leads were told (counts, distinctive words, sources, sample comments) and the
    crisis thread once one is opened from it; ``department_ids``: the services alerted.
    """

    __tablename__ = "inbox_spikes"
    __table_args__ = (Index("ix_inbox_spikes_rule", "rule_id", "detected_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("inbox_watch_rules.id", ondelete="CASCADE"))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    count: Mapped[int] = mapped_column(default=0)
    baseline: Mapped[float] = mapped_column(default=0.0)  # the usual count in such a window
    threshold: Mapped[float] = mapped_column(default=0.0)
    words: Mapped[list] = mapped_column(JSON, default=list)
    sources: Mapped[list] = mapped_column(JSON, default=list)  # [[source name, count], ...]
    comment_ids: Mapped[list] = mapped_column(JSON, default=list)  # sample comments
    department_ids: Mapped[list] = mapped_column(JSON, default=list)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))

    rule: Mapped[WatchRule] = relationship()
