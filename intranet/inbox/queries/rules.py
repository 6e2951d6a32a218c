"""The inbox rules' reads: what ``rules/`` computes with, loaded from the database.

Watch rules, routing rules and SLA targets make a ``Pipeline``, kept per database while the rules
version (``RuleChange``, written by every settings action in its transaction) stays the same and
at most ``PIPELINE_TTL`` seconds (the routing history it carries moves without a settings action):
a batch costs one small query instead of the rule queries, and a rule saved through one process
applies in the next batch of every other,
the cases whose SLA is breached, and a watch rule's preview over stored comments.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, String, cast, func, select
from sqlalchemy.orm import Session

from intranet.inbox.queries.learning import current_suggester, forget_history
from intranet.inbox.rules.compute import Pipeline
from intranet.inbox.rules.routing import Route, Router
from intranet.inbox.rules.sla import OPEN
from intranet.inbox.rules.watch import PREVIEW_SAMPLE, PREVIEW_SCAN, RuleSet, compiled
from intranet.models import Case, ExternalComment, RoutingRule, RuleChange, ServiceSettings, WatchRule
from intranet.search.text.match import analyze


@dataclass
class Preview:
    scanned: int
    count: int
    sample: list[tuple[ExternalComment, list[str]]]


def preview(session: Session, query: str) -> Preview:
    """Which stored comments a rule would match, before it is saved: a count and a sample.

    Reads the newest ``PREVIEW_SCAN`` comments in pages (text only), then loads the sample.
    """
    rule = compiled(query)
    stmt = (select(ExternalComment.id, ExternalComment.text)
            .order_by(ExternalComment.id.desc()).limit(PREVIEW_SCAN))
    count, scanned, sample_terms = 0, 0, {}
    for cid, text in session.execute(stmt.execution_options(yield_per=2000)):
        scanned += 1
        analyzed = analyze(text)
        if rule.matches(analyzed):
            count += 1
            if len(sample_terms) < PREVIEW_SAMPLE:
                sample_terms[cid] = rule.matched_terms(analyzed)
    found = {c.id: c for c in session.scalars(select(ExternalComment)
                                              .where(ExternalComment.id.in_(sample_terms)))}
    return Preview(scanned, count, [(found[cid], terms) for cid, terms in sample_terms.items()
                                    if cid in found])


def recorded_breaches() -> Any:
    """``Case.breaches`` as text, for a portable "is this breach recorded" test (a LIKE on the JSON
    list: comparing JSON values does not exist on PostgreSQL)."""
    return cast(Case.breaches, String)


def due_breaches(session: Session, now: datetime, limit: int = 500) -> list[tuple[Case, str]]:
    """Open cases past a due time whose breach is not yet recorded (oldest first).

    On PostgreSQL the cases are read locked (``FOR UPDATE SKIP LOCKED``, which also takes the
    write turn of ``platform.postgres.commit_order``; SQLite ignores it, its single writer
    serializes) and fresh (``populate_existing``): a run that overlaps another never reads cases
    the other is recording, nor an older list of breaches to write back."""
    recorded = recorded_breaches()
    first = (select(Case).where(Case.status.in_(OPEN), Case.first_response_at.is_(None),
                                Case.first_response_due < now,
                                recorded.not_like('%"first_response"%'))
             .order_by(Case.id).limit(limit))
    late = (select(Case).where(Case.status.in_(OPEN), Case.resolution_due < now,
                               recorded.not_like('%"resolution"%'))
            .order_by(Case.id).limit(limit))
    locked = {"populate_existing": True}
    return ([(case, "first_response") for case in session.scalars(
                first.with_for_update(skip_locked=True).execution_options(**locked))]
            + [(case, "resolution") for case in session.scalars(
                late.with_for_update(skip_locked=True).execution_options(**locked))])


PIPELINE_TTL = 5.0


# One per engine (a database as this process reaches it), dropped with its engine: keyed by URL, a
# new database at the same address (a restore, a test) got the old one's rules and ids.
_Cached = tuple[float, tuple[int, int], Pipeline]  # (loaded at, rules version, pipeline)
_PIPELINES: weakref.WeakKeyDictionary[Engine, _Cached] = weakref.WeakKeyDictionary()
_RULES_VERSION = select(func.count(RuleChange.id), func.coalesce(func.max(RuleChange.id), 0))


def forget_pipeline(engine: Engine) -> None:
    _PIPELINES.pop(engine, None)
    forget_history(engine)


def load_rules(session: Session) -> RuleSet:
    rows = session.execute(select(WatchRule.id, WatchRule.name, WatchRule.kind, WatchRule.query)
                           .where(WatchRule.active).order_by(WatchRule.id))
    return RuleSet([(rid, name, kind, compiled(query)) for rid, name, kind, query in rows])


def load_router(session: Session) -> Router:
    rows = session.scalars(select(RoutingRule).where(RoutingRule.active)
                           .order_by(RoutingRule.position, RoutingRule.id))
    return Router([(Route(r.id, r.department_id, r.name), r.conditions or {},
                    compiled(r.query) if r.query.strip() else None) for r in rows])


def load_pipeline(session: Session) -> Pipeline:
    rules = load_rules(session)
    settings = {d: (first, resolution) for d, first, resolution in session.execute(
        select(ServiceSettings.department_id, ServiceSettings.first_response_minutes,
               ServiceSettings.resolution_minutes))}
    return Pipeline(rules, load_router(session), settings, rules.brand_handles(), current_suggester(session))


def current_pipeline(session: Session) -> Pipeline:
    engine = session.get_bind()
    version = tuple(session.execute(_RULES_VERSION).one())
    cached = _PIPELINES.get(engine)
    if cached is None or cached[1] != version or time.monotonic() - cached[0] > PIPELINE_TTL:
        cached = (time.monotonic(), version, load_pipeline(session))
        _PIPELINES[engine] = cached
    return cached[2]
