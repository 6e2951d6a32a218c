"""The inbox dashboard's numbers, for the services a lead or agent works.

Volume by day and source, sentiment share, brand vs competitor share of voice (watch-rule
matches), median first-response and resolution times, SLA breaches, and one row per service.
Computed over the last ``DAYS`` days by grouped queries; only the medians' minutes reach Python.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from intranet.inbox.queries.cases import OPEN, breached_clause
from intranet.inbox.rules.labels import source_name
from intranet.models import Case, CommentMatch, Department, ExternalComment, RuleKind, Source, WatchRule

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


@dataclass
class _Tally:
    """What one pass over the month's cases, grouped in the database, adds up to."""

    by_source: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0] * DAYS))
    sentiment: Counter[str] = field(default_factory=Counter)
    breaches: Counter[str] = field(default_factory=Counter)
    services: dict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))


def stats(session: Session, services: set[int], at: datetime) -> Stats:
    """Two passes over the month's cases, both grouped or computed in the database (a month can
    hold 100k cases): the counts, and the response/resolution minutes for the medians."""
    since = (at - timedelta(days=DAYS - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    scope = and_(Case.department_id.in_(services), Case.created_at >= since)
    days = [(since + timedelta(days=i)).date().isoformat() for i in range(DAYS)]
    tally = _tally(session, scope, at, {d: i for i, d in enumerate(days)})
    durations = _durations(session, scope)
    names = dict(session.execute(select(Department.id, Department.name)
                                 .where(Department.id.in_(services))).all())
    return Stats(
        days=days, by_source=dict(sorted(tally.by_source.items())),
        sentiment=dict(tally.sentiment.most_common()), voice=share_of_voice(session, since),
        first_response=_median([m for _d, m in durations["first"]]),
        resolution=_median([m for _d, m in durations["resolution"]]),
        breaches={k: tally.breaches.get(k, 0) for k in ("first_response", "resolution", "open_late")},
        total=sum(tally.sentiment.values()),
        services=[ServiceRow(dept_id, name, *tally.services.get(dept_id, (0, 0, 0)),
                             first_response=_median([m for d, m in durations["first"] if d == dept_id]),
                             resolution=_median([m for d, m in durations["resolution"] if d == dept_id]))
                  for dept_id, name in sorted(names.items(), key=lambda item: item[1])])


def _tally(session: Session, scope: Any, at: datetime, index: dict[str, int]) -> _Tally:
    day = func.date(Case.created_at)
    is_open = case((Case.status.in_(OPEN), 1), else_=0)
    late_now = case((breached_clause(at), 1), else_=0)
    flags = cast(Case.breaches, String)  # JSON text: Postgres cannot group by a json value
    keys = (day, Source.slug, Source.name, Case.department_id, Case.sentiment, is_open, late_now, flags)
    groups = (select(*keys, func.count()).join(ExternalComment, ExternalComment.id == Case.comment_id)
              .join(Source, Source.id == ExternalComment.source_id).where(scope).group_by(*keys))
    tally = _Tally()
    for when, slug, name, dept_id, sentiment, still_open, late, flags_text, n in session.execute(groups):
        flagged = json.loads(flags_text) if flags_text else []
        if str(when) in index:
            tally.by_source[source_name(slug, name)][index[str(when)]] += n
        tally.sentiment[sentiment.value] += n
        for kind in flagged or []:
            tally.breaches[kind] += n
        tally.breaches["open_late"] += late * n
        row = tally.services[dept_id]
        row[0] += n
        row[1] += still_open * n
        row[2] += n if (late or flagged) else 0
    return tally


def _durations(session: Session, scope: Any) -> dict[str, list[tuple[int, float]]]:
    """(service, minutes) to the first response and to resolution, for the medians (one pass)."""
    rows = session.execute(
        select(Case.department_id, minutes_between(session, Case.created_at, Case.first_response_at),
               minutes_between(session, Case.created_at, Case.resolved_at))
        .where(scope, or_(Case.first_response_at.is_not(None), Case.resolved_at.is_not(None))))
    out: dict[str, list[tuple[int, float]]] = {"first": [], "resolution": []}
    for dept_id, first, resolution in rows:
        if first is not None:
            out["first"].append((dept_id, float(first)))
        if resolution is not None:
            out["resolution"].append((dept_id, float(resolution)))
    return out


def share_of_voice(session: Session, since: datetime) -> dict[str, int]:
    """Comments received since ``since`` matching brand rules vs competitor rules."""
    counts = dict(session.execute(
        select(WatchRule.kind, func.count(func.distinct(CommentMatch.comment_id)))
        .join(CommentMatch, CommentMatch.rule_id == WatchRule.id)
        .join(ExternalComment, ExternalComment.id == CommentMatch.comment_id)
        .where(ExternalComment.received_at >= since).group_by(WatchRule.kind)).all())
    return {kind.value: counts.get(kind, 0) for kind in RuleKind}
