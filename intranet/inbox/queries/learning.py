"""Routing's memory, read from the database: the cases already routed and worked, and the leads'
descriptions of their services, as the history ``rules.learn`` votes with.

What counts as history: a case of a service that was resolved there, or that a person moved
there (a correction: it counts double, whatever its status). The newest ``HISTORY_LIMIT``
only: recent habits matter most and the vote stays fast. Each service's description and example
comments come first as pseudo-history, so a new inbox suggests from day one.

The built ``Suggester`` is kept per database for ``HISTORY_TTL`` seconds (a new resolved case
may wait five minutes before it votes; building 5,000 past cases costs ~0.4 s of CPU, asking
~0.4 ms a comment); ``forget_history`` drops it after a correction or a changed description,
so those apply at once in this process.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from sqlalchemy import Engine, exists, or_, select
from sqlalchemy.orm import Session

from intranet.inbox.rules.learn import (
    Example,
    Suggester,
    Suggestion,
    cue_codes,
    describe,
    description_examples,
)
from intranet.models import Case, CaseActivity, CaseStatus, Department, ExternalComment, ServiceSettings

HISTORY_LIMIT = 5_000
HISTORY_TTL = 300.0
CORRECTION_WEIGHT = 2.0
ROUTE = "route"  # the CaseActivity kind of a person moving a case to another service

_SUGGESTERS: weakref.WeakKeyDictionary[Engine, tuple[float, Suggester]] = weakref.WeakKeyDictionary()


def forget_history(engine: Engine) -> None:
    _SUGGESTERS.pop(engine, None)


def load_history(session: Session, limit: int = HISTORY_LIMIT) -> list[Example]:
    """Descriptions first, then the newest resolved or corrected cases (service id as label)."""
    examples: list[Example] = []
    for department_id, description, lines in session.execute(
            select(ServiceSettings.department_id, ServiceSettings.description, ServiceSettings.examples)):
        examples += description_examples(str(department_id), description or "", lines or [])
    corrected = exists().where(CaseActivity.case_id == Case.id, CaseActivity.kind == ROUTE,
                               CaseActivity.actor_id.is_not(None))
    rows = session.execute(
        select(ExternalComment.text, Case.department_id, corrected.label("corrected"), Case.triage)
        .join(ExternalComment, ExternalComment.id == Case.comment_id)
        .where(Case.department_id.is_not(None), ExternalComment.redacted_at.is_(None),
               or_(Case.status == CaseStatus.RESOLVED, corrected))
        .order_by(Case.id.desc()).limit(limit))
    examples += [Example(text, str(department_id), weight=CORRECTION_WEIGHT if was_corrected else 1.0,
                         cues=_cues(triage))
                 for text, department_id, was_corrected, triage in rows]
    return examples


def _cues(triage: Any) -> tuple[str, ...]:
    """The routing cues triage found when the case arrived (its stored reasons)."""
    return cue_codes(triage.get("reasons")) if isinstance(triage, dict) else ()


def current_suggester(session: Session) -> Suggester:
    engine = session.get_bind()
    cached = _SUGGESTERS.get(engine)
    if cached is None or time.monotonic() - cached[0] > HISTORY_TTL:
        cached = (time.monotonic(), Suggester.build(load_history(session)))
        _SUGGESTERS[engine] = cached
    return cached[1]


def stored_suggestion(case: Case) -> dict[str, Any] | None:
    """What routing suggested when the case arrived (``triage["suggestion"]``), if anything."""
    found = (case.triage or {}).get("suggestion")
    return found if isinstance(found, dict) and str(found.get("service", "")).isdigit() else None


def suggestion_of(session: Session, case: Case) -> dict[str, Any] | None:
    """The stored suggestion, or (cases older than routing that learns) one computed now."""
    found = stored_suggestion(case)
    if found is not None:
        return found
    rule = str(case.department_id) if case.department_id and case.routing_rule_id else None
    live: Suggestion | None = current_suggester(session).suggest(case.comment.text, rule_service=rule,
                                                                         cues=_cues(case.triage))
    return live.as_json() if live else None


def services_by_id(session: Session, ids: set[int]) -> dict[int, Department]:
    if not ids:
        return {}
    return {d.id: d for d in session.scalars(select(Department).where(Department.id.in_(ids)))}


def routing_context(session: Session, case: Case) -> dict[str, Any] | None:
    """What the case page and the API show: the suggested service, the reason in words, whether
    it disagrees with the rule that routed the case, and whether applying it changes anything."""
    found = suggestion_of(session, case)
    if found is None:
        return None
    service_id = int(found["service"])
    names = services_by_id(session, {service_id} | ({case.department_id} if case.department_id else set()))
    service = names.get(service_id)
    if service is None:  # a service deleted since
        return None
    current = names.get(case.department_id) if case.department_id else None
    return {"service": service, "share": found.get("share", 0.0), "basis": found.get("basis"),
            "disagrees": bool(found.get("disagrees")) and case.department_id != service_id,
            "applies": case.department_id != service_id,
            "reason": describe(found, service.name, current.name if current else None)}
