"""What becomes of new comments, computed without the database: watch-rule hits, and for brand
matches the triage, route and SLA due dates of the case to open.

Pure CPU work on a loaded ``Pipeline``, so it runs wherever is cheapest: in the request or the
worker thread that then writes the result (``actions.inbox_ingest.write_computed``), or in a
second process during a bulk import (``inbox.pool``), which keeps both cores busy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from intranet.inbox.rules import sla
from intranet.inbox.rules.learn import Suggester, cue_codes
from intranet.inbox.rules.routing import Router
from intranet.inbox.rules.triage import TriageResult, triage
from intranet.inbox.rules.watch import Hit, RuleSet
from intranet.models import CaseStatus, Recommendation, RuleKind, Sentiment, Urgency
from intranet.search.text.match import AnalyzedText, analyze


@dataclass(slots=True)
class Item:
    external_id: str
    text: str
    author: str = ""
    author_url: str = ""
    followers: int = 0
    url: str = ""
    posted_at: datetime | None = None
    lang: str = ""
    in_reply_to: str = ""

    def row(self, source_id: int, now: datetime) -> dict[str, Any]:
        """The ``inbox_comments`` row of this item (for a bulk INSERT)."""
        return {"source_id": source_id, "external_id": self.external_id, "text": self.text,
                "author": self.author, "author_url": self.author_url, "followers": self.followers,
                "url": self.url, "posted_at": self.posted_at or now, "lang": self.lang,
                "in_reply_to": self.in_reply_to, "received_at": now}


@dataclass
class Pipeline:
    """What a run needs, loaded once: compiled watch rules, routing rules, SLA targets.

    ``current`` keeps one per database for ``PIPELINE_TTL`` seconds: a webhook request then
    costs no rule queries. Changes made here (``pipeline_changed``, called by the settings
    actions) apply at once in this process, and within the TTL in other processes.
    """

    rules: RuleSet
    router: Router
    settings: dict[int, tuple[int, int]]
    handles: frozenset[str]
    suggester: Suggester | None = None  # routing's memory (``queries.learning``)


@dataclass
class Computed:
    """Rows to write for a batch of new comments: rule matches, and (case row, opening data)."""

    matches: list[dict[str, Any]] = field(default_factory=list)
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    competitor: int = 0

    def only(self, comment_ids: set[int]) -> Computed:
        """The rows of these comments only (the others were processed elsewhere meanwhile)."""
        return Computed([m for m in self.matches if m["comment_id"] in comment_ids],
                        [c for c in self.cases if c[0]["comment_id"] in comment_ids], self.competitor)


def compute(pipeline: Pipeline, entries: list[tuple[int, Item]], *, actor_id: int | None = None,
            always_case: bool = False, now: datetime) -> Computed:
    """Match each (comment id, item) against the watch rules; brand matches become cases.

    ``always_case``: a person forwarded it, so it becomes a case unless only competitor rules
    match.
    """
    out = Computed()
    for comment_id, item in entries:
        analyzed = analyze(item.text)
        hits = pipeline.rules.match(analyzed)
        out.matches += [{"comment_id": comment_id, "rule_id": h.rule_id, "terms": h.terms} for h in hits]
        brand = [h for h in hits if h.kind == RuleKind.BRAND]
        if brand or (always_case and not hits):
            out.cases.append(case_row(pipeline, comment_id, item, analyzed, brand, actor_id, now))
        elif hits:
            out.competitor += 1
    return out


def case_row(pipeline: Pipeline, comment_id: int, item: Item, analyzed: AnalyzedText, brand: list[Hit],
             actor_id: int | None, now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The case row and its opening activity data for one comment."""
    result: TriageResult = triage(item.text, lang=item.lang, followers=item.followers,
                                  handles=pipeline.handles)
    result.reasons += [{"code": "watch_rule", "params": {"name": h.name, "terms": h.terms}}
                       for h in brand]
    if actor_id is not None:
        result.reasons.append({"code": "forwarded", "params": {"user_id": actor_id}})
    route = pipeline.router.route(analyzed, result)
    department_id = route.department_id if route else None
    first_due, resolution_due = sla.due_dates(pipeline.settings.get(department_id), now)
    row = {"comment_id": comment_id, "department_id": department_id, "status": CaseStatus.NEW,
           "sentiment": Sentiment(result.sentiment), "needs_response": result.needs_response,
           "urgency": Urgency(result.urgency), "recommendation": Recommendation(result.recommendation),
           "triage": result.as_json(), "overridden": False,
           "routing_rule_id": route.rule_id if route else None, "created_at": now, "updated_at": now,
           "first_response_due": first_due, "resolution_due": resolution_due, "breaches": []}
    suggestion = pipeline.suggester.suggest(item.text, rule_service=str(department_id) if route else None,
                                            cues=cue_codes(result.reasons)
                                            ) if pipeline.suggester is not None else None
    if suggestion is not None:  # shown on the case; applying it is the agent's click
        row["triage"]["suggestion"] = suggestion.as_json()
    data = {"rules": [h.name for h in brand], "route": route.name if route else None,
            "recommendation": result.recommendation, "urgency": result.urgency}
    return row, data
