"""SLA clocks: due dates when a case opens, and breach detection against a clock you pass.

Passing ``now`` (instead of reading the time inside) is what lets tests move the clock and the
scheduler run the same code every minute. A case breaches "first_response" when it had no
answer by its due time, "resolution" when it was not resolved (nor ignored) by its due time;
each breach is recorded once in ``Case.breaches`` (see ``actions.inbox_ingest``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from intranet.models import CaseStatus

DEFAULT_FIRST_RESPONSE = 60
DEFAULT_RESOLUTION = 24 * 60
OPEN = (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.WAITING)


def due_dates(targets: tuple[int, int] | None, opened_at: datetime) -> tuple[datetime, datetime]:
    """Due times from a service's (first response, resolution) minutes; defaults when unrouted
    or when the service's lead has not set targets."""
    first, resolution = targets or (DEFAULT_FIRST_RESPONSE, DEFAULT_RESOLUTION)
    return opened_at + timedelta(minutes=first), opened_at + timedelta(minutes=resolution)
