"""Incidents: near-identical customer comments (one outage, one defect, one campaign backlash)
worked as one: one count, one escalation thread, one SLA clock, one reply sent to each customer.

A case belongs to at most one incident (``IncidentMember.case_id`` is the key). While it does,
its own SLA due dates are parked on the member row and cleared on the case, so only the
incident's clock can breach; detaching the case gives them back. A detached row stays (with
``detached_at``) so the grouping never puts that case back on its own.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from intranet.models.base import Base, UTCDateTime, utcnow


class IncidentStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    MERGED = "merged"  # its members moved to ``merged_into_id``


class Incident(Base):
    __tablename__ = "inbox_incidents"
    __table_args__ = (Index("ix_inbox_incidents_service_status", "department_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    status: Mapped[IncidentStatus] = mapped_column(Enum(IncidentStatus, native_enum=False, length=10),
                                                   default=IncidentStatus.OPEN)
    brand_rules: Mapped[list] = mapped_column(JSON, default=list)  # watch rule ids: the "same brand"
    centroid: Mapped[dict] = mapped_column(JSON, default=dict)  # stem -> members using it
    words: Mapped[dict] = mapped_column(JSON, default=dict)  # stem -> a word as written
    size: Mapped[int] = mapped_column(default=0)  # attached members
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_case_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_response_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breaches: Mapped[list] = mapped_column(JSON, default=list)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("inbox_incidents.id", ondelete="SET NULL"))


class IncidentMember(Base):
    __tablename__ = "inbox_incident_members"
    __table_args__ = (Index("ix_inbox_incident_members_incident", "incident_id", "detached_at"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("inbox_cases.id", ondelete="CASCADE"), primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("inbox_incidents.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(default=1.0)  # similarity when grouped (1: by a person)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    detached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_due: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the case's own, parked
    resolution_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    terms: Mapped[dict] = mapped_column(JSON, default=dict)  # its signature: leaves the centroid on detach
    kind: Mapped[str] = mapped_column(String(10), default="auto")  # auto | manual
