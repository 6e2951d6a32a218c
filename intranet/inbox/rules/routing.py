"""Routing: the first active routing rule (by position, then id) whose conditions hold sends a
new case to its service; none: the case stays unrouted, visible to every inbox user.

A rule has an optional query (search language, on the comment text) and conditions on the
triage: ``sentiment`` (list), ``needs_response`` (bool), ``min_urgency`` and ``kind``
(``brand``/``forwarded``...). Conditions are checked before the query: they are cheaper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from intranet.inbox.rules.triage import URGENCY_ORDER, TriageResult
from intranet.platform.errors import Invalid
from intranet.search.text.match import AnalyzedText, Rule

SENTIMENTS = ("positive", "neutral", "negative")


def clean_conditions(raw: dict[str, Any]) -> dict[str, Any]:
    """Keep only known conditions with valid values; a clear ``Invalid`` otherwise."""
    out: dict[str, Any] = {}
    sentiments = raw.get("sentiment") or []
    if isinstance(sentiments, str):
        sentiments = [sentiments]
    if not isinstance(sentiments, list) or any(s not in SENTIMENTS for s in sentiments):
        raise Invalid(_("Sentiment must be positive, neutral or negative."), field="sentiment")
    if sentiments:
        out["sentiment"] = sorted(set(sentiments))
    needs = raw.get("needs_response")
    if needs not in (None, "", True, False):
        raise Invalid(_("“Needs a response” must be yes, no or either."), field="needs_response")
    if needs in (True, False):
        out["needs_response"] = needs
    urgency = raw.get("min_urgency") or ""
    if urgency and urgency not in URGENCY_ORDER:
        raise Invalid(_("Choose an urgency from the list."), field="min_urgency")
    if urgency:
        out["min_urgency"] = urgency
    return out


def conditions_hold(conditions: dict[str, Any], result: TriageResult) -> bool:
    if "sentiment" in conditions and result.sentiment not in conditions["sentiment"]:
        return False
    if "needs_response" in conditions and result.needs_response != conditions["needs_response"]:
        return False
    minimum = conditions.get("min_urgency")
    return not minimum or URGENCY_ORDER.index(result.urgency) >= URGENCY_ORDER.index(minimum)


@dataclass(frozen=True)
class Route:
    rule_id: int
    department_id: int
    name: str


@dataclass
class Router:
    rules: list[tuple[Route, dict[str, Any], Rule | None]]

    def route(self, analyzed: AnalyzedText, result: TriageResult) -> Route | None:
        for route, conditions, rule in self.rules:
            if conditions_hold(conditions, result) and (rule is None or rule.matches(analyzed)):
                return route
        return None
