"""Inbox cases and the services that work them: routing, SLA, agents, replies, timeline.

A service is a department. Its leads (leads of the department's group) own its routing rules,
SLA targets and canned replies; its agents (``InboxAgent``) work its cases.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.models.base import Base, UTCDateTime, utcnow


class CaseStatus(enum.StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    WAITING = "waiting"
    RESOLVED = "resolved"
    IGNORED = "ignored"


class Sentiment(enum.StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class Urgency(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"


class Recommendation(enum.StrEnum):
    IGNORE = "ignore"
    OBSERVE = "observe"
    ANSWER = "answer"
    ESCALATE = "escalate"


class ReplyState(enum.StrEnum):
    PENDING_APPROVAL = "pending_approval"
    QUEUED = "queued"
    SENDING = "sending"  # claimed by the sender: never picked up twice
    SENT = "sent"
    FAILED = "failed"
    REJECTED = "rejected"


def _enum(kind: type[enum.StrEnum], length: int = 20) -> Enum:
    return Enum(kind, native_enum=False, length=length)


class InboxAgent(Base):
    """The inbox role, given per department (service)."""

    __tablename__ = "inbox_agents"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ServiceSettings(Base):
    """SLA targets and reply policy of one service."""

    __tablename__ = "inbox_services"

    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True
    )
    first_response_minutes: Mapped[int] = mapped_column(default=60)
    resolution_minutes: Mapped[int] = mapped_column(default=24 * 60)
    require_approval: Mapped[bool] = mapped_column(default=False)
    # written by the lead: what the service handles, and example comments (one per line), the
    # pseudo-history routing learns from before the service has resolved cases of its own
    description: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[list] = mapped_column(JSON, default=list)


class RoutingRule(Base):
    """Send matching items to a service; the lowest ``position`` that matches wins."""

    __tablename__ = "inbox_routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    query: Mapped[str] = mapped_column(String(1000), default="")  # query language, may be empty
    conditions: Mapped[dict] = mapped_column(JSON, default=dict)  # e.g. {"sentiment": "negative"}
    position: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CannedReply(Base):
    __tablename__ = "inbox_canned_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8), default="")


class Case(Base):
    """One inbox item: a brand-matching comment, its triage, route, owner and clocks.

    ``triage`` keeps the machine's result with its reasons; the effective columns start equal to
    it and an agent's override changes only them (the override is audited).
    """

    __tablename__ = "inbox_cases"
    __table_args__ = (
        Index("ix_inbox_cases_service_status", "department_id", "status", "id"),
        Index("ix_inbox_cases_assignee", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("inbox_comments.id", ondelete="CASCADE"), unique=True
    )
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), default=CaseStatus.NEW)
    sentiment: Mapped[Sentiment] = mapped_column(_enum(Sentiment), default=Sentiment.NEUTRAL)
    needs_response: Mapped[bool] = mapped_column(default=False)
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency), default=Urgency.NORMAL)
    recommendation: Mapped[Recommendation] = mapped_column(
        _enum(Recommendation), default=Recommendation.OBSERVE
    )
    triage: Mapped[dict] = mapped_column(JSON, default=dict)  # machine result + reasons
    overridden: Mapped[bool] = mapped_column(default=False)
    routing_rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_routing_rules.id", ondelete="SET NULL")
    )
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_response_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breaches: Mapped[list] = mapped_column(JSON, default=list)  # ["first_response", "resolution"]

    comment: Mapped[ExternalComment] = relationship()  # noqa: F821


class CaseActivity(Base):
    """The case timeline: every change, note and reply, with who and when (also the audit)."""

    __tablename__ = "inbox_case_activity"
    __table_args__ = (Index("ix_inbox_case_activity_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("inbox_cases.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # status, assign, note, reply, escalate, triage...
    body_html: Mapped[str] = mapped_column(Text, default="")  # sanitized notes
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseReply(Base):
    """An answer to the customer, sent through the source's connector (with optional approval)."""

    __tablename__ = "inbox_case_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("inbox_cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[ReplyState] = mapped_column(_enum(ReplyState), default=ReplyState.QUEUED)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
