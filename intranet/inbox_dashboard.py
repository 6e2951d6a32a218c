"""The inbox dashboard's numbers, for the services a lead or agent works.

Volume by day and source, sentiment share, brand vs competitor share of voice (watch-rule
matches), median first-response and resolution times, SLA breaches, and one row per service.
Computed over the last ``DAYS`` days by grouped queries; only the medians' minutes reach Python.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
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


def _median(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


def minutes_between(session: Session, start: Any, end: Any) -> ColumnElement[float]:
    """``end - start`` in minutes, computed by the database (SQLite has no interval type)."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 1440.0
    return func.extract("epoch", end - start) / 60.0


def stats(session: Session, services: set[int], at: datetime) -> Stats:
    """Grouped in the database: no case row is read into Python (a month can hold 100k)."""
    since = (at - timedelta(days=DAYS - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    scope = and_(Case.department_id.in_(services), Case.created_at >= since)
    days = [(since + timedelta(days=i)).date().isoformat() for i in range(DAYS)]
    index = {d: i for i, d in enumerate(days)}
    by_source: dict[str, list[int]] = defaultdict(lambda: [0] * DAYS)
    day = func.date(Case.created_at)
    volume = (select(day, Source.name, func.count())
              .join(ExternalComment, ExternalComment.id == Case.comment_id)
              .join(Source, Source.id == ExternalComment.source_id).where(scope).group_by(day, Source.name))
    for when, source, n in session.execute(volume):
        if str(when) in index:
            by_source[source][index[str(when)]] += n
    sentiment = dict(session.execute(select(Case.sentiment, func.count()).where(scope)
                                     .group_by(Case.sentiment)).all())
    durations = _durations(session, scope)
    breaches: Counter[str] = Counter()
    for flagged in session.scalars(select(Case.breaches).where(scope, Case.breaches != [])):
        breaches.update(flagged or [])
    breaches["open_late"] = session.scalar(select(func.count()).select_from(Case).where(
        scope, breached_clause(at))) or 0
    return Stats(
        days=days, by_source=dict(sorted(by_source.items())),
        sentiment={k.value: n for k, n in sorted(sentiment.items(), key=lambda kv: -kv[1])},
        voice=share_of_voice(session, since),
        first_response=_median([m for _d, m in durations["first"]]),
        resolution=_median([m for _d, m in durations["resolution"]]),
        breaches={k: breaches.get(k, 0) for k in ("first_response", "resolution", "open_late")},
        total=sum(sentiment.values()),
        services=_per_service(session, services, scope, at, durations))


def _durations(session: Session, scope: Any) -> dict[str, list[tuple[int, float]]]:
    """(service, minutes) to the first response and to resolution, for the medians."""
    out = {}
    for name, column in (("first", Case.first_response_at), ("resolution", Case.resolved_at)):
        out[name] = [(d, float(m)) for d, m in session.execute(
            select(Case.department_id, minutes_between(session, Case.created_at, column))
            .where(scope, column.is_not(None)))]
    return out


def share_of_voice(session: Session, since: datetime) -> dict[str, int]:
    """Comments received since ``since`` matching brand rules vs competitor rules."""
    counts = dict(session.execute(
        select(WatchRule.kind, func.count(func.distinct(CommentMatch.comment_id)))
        .join(CommentMatch, CommentMatch.rule_id == WatchRule.id)
        .join(ExternalComment, ExternalComment.id == CommentMatch.comment_id)
        .where(ExternalComment.received_at >= since).group_by(WatchRule.kind)).all())
    return {kind.value: counts.get(kind, 0) for kind in RuleKind}


def _per_service(session: Session, services: set[int], scope: Any, at: datetime,
                 durations: dict[str, list[tuple[int, float]]]) -> list[ServiceRow]:
    names = dict(session.execute(select(Department.id, Department.name)
                                 .where(Department.id.in_(services))).all())
    is_open = case((Case.status.in_(OPEN), 1), else_=0)
    is_late = case((or_(Case.breaches != [], breached_clause(at)), 1), else_=0)
    counts = {d: (n, o or 0, b or 0) for d, n, o, b in session.execute(
        select(Case.department_id, func.count(), func.sum(is_open), func.sum(is_late))
        .where(scope).group_by(Case.department_id))}
    out = []
    for dept_id, name in sorted(names.items(), key=lambda item: item[1]):
        volume, still_open, late = counts.get(dept_id, (0, 0, 0))
        out.append(ServiceRow(
            id=dept_id, name=name, volume=volume, open=still_open, breached=late,
            first_response=_median([m for d, m in durations["first"] if d == dept_id]),
            resolution=_median([m for d, m in durations["resolution"] if d == dept_id])))
    return out
