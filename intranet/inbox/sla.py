"""SLA clocks: due dates when a case opens, and breach detection against a clock you pass.

Passing ``now`` (instead of reading the time inside) is what lets tests move the clock and the
scheduler run the same code every minute. A case breaches "first_response" when it had no
answer by its due time, "resolution" when it was not resolved (nor ignored) by its due time;
each breach is recorded once in ``Case.breaches`` (see ``actions.inbox_ingest``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from ..models import Case, CaseStatus, ServiceSettings

DEFAULT_FIRST_RESPONSE = 60
DEFAULT_RESOLUTION = 24 * 60
OPEN = (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.WAITING)


def targets(settings: ServiceSettings | None) -> tuple[int, int]:
    """(first response, resolution) minutes of a service; defaults for unrouted cases."""
    if settings is None:
        return DEFAULT_FIRST_RESPONSE, DEFAULT_RESOLUTION
    return settings.first_response_minutes, settings.resolution_minutes


def due_dates(settings: ServiceSettings | None, opened_at: datetime) -> tuple[datetime, datetime]:
    first, resolution = targets(settings)
    return opened_at + timedelta(minutes=first), opened_at + timedelta(minutes=resolution)


def due_breaches(session: Session, now: datetime, limit: int = 500) -> list[tuple[Case, str]]:
    """Open cases past a due time whose breach is not yet recorded (oldest first)."""
    recorded = cast(Case.breaches, String)
    first = (select(Case).where(Case.status.in_(OPEN), Case.first_response_at.is_(None),
                                Case.first_response_due < now,
                                recorded.not_like('%"first_response"%'))
             .order_by(Case.id).limit(limit))
    late = (select(Case).where(Case.status.in_(OPEN), Case.resolution_due < now,
                               recorded.not_like('%"resolution"%'))
            .order_by(Case.id).limit(limit))
    return ([(case, "first_response") for case in session.scalars(first)]
            + [(case, "resolution") for case in session.scalars(late)])
