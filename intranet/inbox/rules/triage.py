"""Machine triage of a comment: sentiment, needs-response, urgency, a recommended action, reasons.

Every conclusion carries its reasons as data (``{"code", "params"}``), stored with the case and
rendered in the reader's language by ``describe`` (``rules.reasons``), and a confidence per
label: an agent sees WHY the machine said "escalate" and how sure it was, and can override it
knowing what it weighed. Word lists (``rules.signals``) are compiled once into one regex each
over folded text, so triage costs a few regex scans plus the sentiment and stays cheap on
bulk imports.

What a senior community manager taught these rules: a safety, legal or fraud report always
needs an answer and is critical ("a brûlé ma sauce"); an outage is urgent when it is the
service (app, network, site) or many people, not one appliance; someone stuck (abroad without
a card, stranded at a gate, medicine in a lost bag) is urgent; praise needs no answer even
when addressed to us; an opinion ("je ne recommande pas") is observed, a personal incident
("m'a débité deux fois") is answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from intranet.inbox.rules import signals as sig
from intranet.inbox.rules.cues import TROUBLE
from intranet.inbox.rules.reasons import LANGUAGE_WORDS, SENTIMENT_WORDS, describe
from intranet.inbox.rules.sentiment import Sentiment, analyse, detect_language
from intranet.search.text.analysis import fold

__all__ = ["LANGUAGE_WORDS", "SENTIMENT_WORDS", "URGENCY_ORDER", "TriageResult", "describe", "triage"]

_HANDLE_RE = re.compile(r"@(\w+)")
_SENTENCE_END = re.compile(r"[.!\n]")
_VOCATIVE = re.compile(r"\W*([\w']+)\W*(?:vous|you|your|tu|t'|ton|ta|tes)\b")
REACH_HIGH = 10_000
REACH_NOTABLE = 1_000
URGENCY_ORDER = ("low", "normal", "high", "critical")
SERIOUS = ("safety", "legal", "fraud")


@dataclass
class TriageResult:
    lang: str
    sentiment: str
    score: float
    needs_response: bool
    urgency: str
    recommendation: str
    reasons: list[dict[str, Any]] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """What ``Case.triage`` keeps: the machine's answer, untouched by later overrides."""
        return {"lang": self.lang, "sentiment": self.sentiment, "score": round(self.score, 3),
                "needs_response": self.needs_response, "urgency": self.urgency,
                "recommendation": self.recommendation, "reasons": self.reasons,
                "confidence": self.confidence}


def _reason(code: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "params": params}


def _is_question(text: str, folded: str) -> bool:
    if "?" in text:
        return not sig.ASKS_COMMUNITY.search(folded)
    sentences = (s.lstrip(" @#\"'")[:40] for s in _SENTENCE_END.split(folded))
    return any(sig.QUESTION_START.match(s) for s in sentences if s)


def _direct_address(text: str, folded: str, handles: frozenset[str]) -> str | None:
    """An @-mention of the brand, or the brand named first as the one spoken to ("Nimbus, your...")."""
    for name in _HANDLE_RE.findall(text):
        if any(h and h in fold(name) for h in handles):
            return "@" + name
    first = _VOCATIVE.match(folded)
    if first and any(h and h in first.group(1) for h in handles):
        return first.group(1)
    return None


@dataclass
class _Need:
    needed: bool
    confidence: float


def _needs_response(text: str, folded: str, feeling: Sentiment, flags: dict[str, list[str]],
                    handles: frozenset[str], reasons: list[dict[str, Any]]) -> _Need:
    compared = any(r["code"] == "competitor" for r in feeling.reasons)
    question = _is_question(text, folded)
    handle = _direct_address(text, folded, handles)
    request = sig.found(sig.REQUEST, folded) if feeling.label != "positive" else []
    ironic = any(r["code"] == "irony" for r in feeling.reasons)
    incident = feeling.label == "negative" and not compared and not sig.OPINION_ONLY.search(folded) and (
        (ironic and TROUBLE.search(folded)) or sig.STRONG_INCIDENT.search(folded)
        or (sig.PERSONAL.search(folded) and sig.INCIDENT.search(folded)))
    if question:
        reasons.append(_reason("question"))
    if handle:
        reasons.append(_reason("direct_address", handle=handle))
    if request:
        reasons.append(_reason("request", words=request))
    if incident:
        reasons.append(_reason("incident"))
    if any(flags.get(code) for code in SERIOUS):
        return _Need(True, 0.95)
    if question:
        return _Need(True, 0.9)
    if handle and feeling.label == "negative":
        return _Need(True, 0.85)
    if (request and feeling.label == "negative") or flags.get("stuck") or flags.get("outage"):
        return _Need(True, 0.8)
    if incident:
        return _Need(True, 0.7)
    if feeling.label == "negative" and not compared and sig.PROBLEM.search(folded):
        return _Need(True, 0.7)  # a failure or a wait reported: someone should answer it
    if feeling.label == "negative" and sig.SECOND_PERSON.search(folded) and not compared:
        return _Need(True, 0.65)  # "vous abusez": spoken to us
    if feeling.label == "negative":
        return _Need(False, 0.65)
    return _Need(False, 0.85 if feeling.label == "positive" else 0.75)


def _trouble_tone(folded: str, feeling: Sentiment, flags: dict[str, list[str]],
                  reasons: list[dict[str, Any]]) -> None:
    """Threats, dangers and failures read as negative unless clearly praised: lexicons score
    "my lawyer will call", "is it safe??" or "where is my order??" as neutral or positive."""
    if feeling.label == "negative":
        return
    serious = any(flags.get(c) for c in (*SERIOUS, "outage", "stuck"))
    problem = (sig.found(sig.PROBLEM, folded) or sig.found(sig.FEES, folded)) if feeling.score < 0.3 else []
    if (serious and feeling.score < 0.75) or problem:
        feeling.label, feeling.confidence = "negative", 0.7
        reasons[0]["params"].update(sentiment="negative", confidence=0.7)
        if problem:
            reasons.append(_reason("problem", words=problem))


def _flags(folded: str, reasons: list[dict[str, Any]]) -> dict[str, list[str]]:
    flags: dict[str, list[str]] = {}
    for code, pattern in (("safety", sig.SAFETY), ("legal", sig.LEGAL), ("fraud", sig.FRAUD),
                          ("outage", sig.OUTAGE), ("stuck", sig.STUCK), ("churn", sig.CHURN)):
        words = sig.found(pattern, folded)
        if code == "outage" and words and not sig.WIDESPREAD.search(folded):
            words = []  # one appliance out of order is a fault to answer, not an outage
        if words:
            flags[code] = words
            reasons.append(_reason(code, words=words))
    return flags


def _urgency(flags: dict[str, list[str]], followers: int, sentiment: str, needs: bool,
             reasons: list[dict[str, Any]]) -> tuple[str, float]:
    if flags.get("safety") or flags.get("fraud"):
        level, confidence = 3, 0.9
    elif flags.get("legal") or flags.get("outage") or flags.get("stuck"):
        level, confidence = 2, 0.8
    elif sentiment == "negative" or needs:
        level, confidence = 1, 0.8
    else:
        level, confidence = 0, 0.85
    if followers >= REACH_NOTABLE:
        reasons.append(_reason("reach", followers=followers))
        if followers >= REACH_HIGH and level >= 1:
            flags["reach"] = []
            level = min(level + 1, 3)
    return URGENCY_ORDER[level], confidence


def _recommend(sentiment: str, needs: bool, urgency: str, flags: dict[str, list[str]], followers: int,
               compared: bool) -> str:
    if urgency == "critical" or "legal" in flags or ("reach" in flags and sentiment == "negative"):
        return "escalate"
    if needs or urgency == "high":
        return "answer"
    if sentiment == "negative" or followers >= REACH_NOTABLE or compared:
        return "observe"
    return "ignore"


def triage(text: str, *, lang: str = "", followers: int = 0,
           handles: frozenset[str] = frozenset()) -> TriageResult:
    """Triage one comment. ``handles``: folded brand names (an @-mention is a direct address,
    and a comparison is read from where they stand)."""
    folded = fold(text)
    language = detect_language(text, lang)
    feeling = analyse(text, language, handles)
    reasons: list[dict[str, Any]] = [_reason("sentiment", sentiment=feeling.label, lang=language,
                                             confidence=feeling.confidence)]
    reasons += feeling.reasons
    flags = _flags(folded, reasons)
    _trouble_tone(folded, feeling, flags, reasons)
    need = _needs_response(text, folded, feeling, flags, handles, reasons)
    urgency, urgency_confidence = _urgency(flags, followers, feeling.label, need.needed, reasons)
    compared = any(r["code"] == "competitor" for r in feeling.reasons)
    recommendation = _recommend(feeling.label, need.needed, urgency, flags, followers, compared)
    confidence = {"sentiment": feeling.confidence, "needs_response": need.confidence,
                  "urgency": urgency_confidence}
    reasons.append(_reason("needs_response", value=need.needed, confidence=need.confidence))
    reasons.append(_reason("urgency", value=urgency, confidence=urgency_confidence))
    return TriageResult(language, feeling.label, feeling.score, need.needed, urgency, recommendation,
                        reasons, confidence)
