"""The inbox dashboard's numbers, for the services a lead or agent works.

Volume by day and source, sentiment share, brand vs competitor share of voice (watch-rule
matches), median first-response and resolution times, SLA breaches, and one row per service.
Computed over the last ``DAYS`` days from a few grouped queries; medians in Python (portable).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from .inbox_queries import OPEN, breached_clause
from .models import Case, CommentMatch, Department, ExternalComment, RuleKind, Source, WatchRule

DAYS = 30


@dataclass
class ServiceRow:
    id: int
    name: str
    volume: int = 0
    open: int = 0
    breached: int = 0
    first_response: float | None = None  # median minutes
    resolution: float | None = None


@dataclass
class Stats:
    days: list[str]
    by_source: dict[str, list[int]]  # source name -> count per day (aligned with ``days``)
    sentiment: dict[str, int]
    voice: dict[str, int]  # brand / competitor
    first_response: float | None  # median minutes
    resolution: float | None
    breaches: dict[str, int]  # first_response / resolution / open_late
    services: list[ServiceRow] = field(default_factory=list)
    total: int = 0

    def volume_rows(self) -> list[tuple[str, list[int]]]:
        """The days with any case, each with its count per source (the chart's table)."""
        rows = [(day, [counts[i] for counts in self.by_source.values()]) for i, day in enumerate(self.days)]
        return [(day, counts) for day, counts in rows if any(counts)]

    def chart_data(self) -> dict[str, Any]:
        """What the charts script draws (the table on the page shows the same numbers)."""
        return {"days": self.days, "by_source": self.by_source, "sentiment": self.sentiment,
                "voice": self.voice}


def _minutes(pairs: list[tuple[datetime, datetime]]) -> float | None:
    values = [(end - start).total_seconds() / 60 for start, end in pairs if end and start]
    return round(median(values), 1) if values else None


def stats(session: Session, services: set[int], at: datetime) -> Stats:
    since = (at - timedelta(days=DAYS - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    scope = and_(Case.department_id.in_(services), Case.created_at >= since)
    rows = list(session.execute(
        select(Case.department_id, Case.created_at, Case.sentiment, Case.status, Case.first_response_at,
               Case.resolved_at, Case.breaches, Source.name)
        .join(ExternalComment, ExternalComment.id == Case.comment_id)
        .join(Source, Source.id == ExternalComment.source_id).where(scope)))
    days = [(since + timedelta(days=i)).date().isoformat() for i in range(DAYS)]
    index = {d: i for i, d in enumerate(days)}
    by_source: dict[str, list[int]] = defaultdict(lambda: [0] * DAYS)
    breaches: Counter[str] = Counter()
    for _dept, created, _sent, _status, _first, _res, flagged, source in rows:
        day = created.date().isoformat()
        if day in index:
            by_source[source][index[day]] += 1
        breaches.update(flagged or [])
    breaches["open_late"] = session.scalar(select(func.count()).select_from(Case).where(
        scope, breached_clause(at))) or 0
    result = Stats(
        days=days, by_source=dict(sorted(by_source.items())),
        sentiment={s.value: n for s, n in Counter(r[2] for r in rows).most_common()},
        voice=share_of_voice(session, since),
        first_response=_minutes([(r[1], r[4]) for r in rows]),
        resolution=_minutes([(r[1], r[5]) for r in rows]),
        breaches={k: breaches.get(k, 0) for k in ("first_response", "resolution", "open_late")},
        total=len(rows))
    result.services = _per_service(session, services, rows, at, scope)
    return result


def share_of_voice(session: Session, since: datetime) -> dict[str, int]:
    """Comments received since ``since`` matching brand rules vs competitor rules."""
    counts = dict(session.execute(
        select(WatchRule.kind, func.count(func.distinct(CommentMatch.comment_id)))
        .join(CommentMatch, CommentMatch.rule_id == WatchRule.id)
        .join(ExternalComment, ExternalComment.id == CommentMatch.comment_id)
        .where(ExternalComment.received_at >= since).group_by(WatchRule.kind)).all())
    return {kind.value: counts.get(kind, 0) for kind in RuleKind}


def _per_service(session: Session, services: set[int], rows: list[Any], at: datetime,
                 scope: Any) -> list[ServiceRow]:
    names = dict(session.execute(select(Department.id, Department.name)
                                 .where(Department.id.in_(services))).all())
    breached = or_(Case.breaches != [], breached_clause(at))
    late = dict(session.execute(select(Case.department_id, func.count()).where(scope, breached)
                                .group_by(Case.department_id)).all())
    out = []
    for dept_id, name in sorted(names.items(), key=lambda item: item[1]):
        mine = [r for r in rows if r[0] == dept_id]
        out.append(ServiceRow(
            id=dept_id, name=name, volume=len(mine), open=sum(r[3] in OPEN for r in mine),
            breached=late.get(dept_id, 0),
            first_response=_minutes([(r[1], r[4]) for r in mine]),
            resolution=_minutes([(r[1], r[5]) for r in mine])))
    return out
