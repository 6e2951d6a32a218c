"""Triage reasons in words, in the reader's language: reasons are stored as data
(``{"code", "params"}``) and rendered at read time, so a French agent reads French reasons for
a case triaged while the page was in English, and an unknown code shows as itself."""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

SENTIMENT_WORDS = {"positive": _l("positive"), "neutral": _l("neutral"), "negative": _l("negative")}
LANGUAGE_WORDS = {"fr": _l("French"), "en": _l("English")}
URGENCY_WORDS = {"low": _l("low"), "normal": _l("normal"), "high": _l("high"), "critical": _l("critical")}


def _percent(value: Any) -> str:
    try:
        return f"{round(float(value) * 100)}\u202f%"
    except (TypeError, ValueError):
        return "?"


def _sentiment(params: dict[str, Any]) -> str:
    sentiment = SENTIMENT_WORDS.get(params.get("sentiment"), params.get("sentiment"))
    language = LANGUAGE_WORDS.get(params.get("lang"), params.get("lang"))
    if "confidence" in params:
        return _("Tone: %(sentiment)s (%(language)s), confidence %(confidence)s.",
                 sentiment=sentiment, language=language, confidence=_percent(params["confidence"]))
    return _("Tone: %(sentiment)s (%(language)s).", sentiment=sentiment, language=language)


def _labels(code: str, params: dict[str, Any]) -> str | None:
    confidence = _percent(params.get("confidence"))
    if code == "needs_response":
        return (_("Needs a response: yes, confidence %(confidence)s.", confidence=confidence)
                if params.get("value") else
                _("Needs a response: no, confidence %(confidence)s.", confidence=confidence))
    if code == "urgency":
        return _("Urgency: %(urgency)s, confidence %(confidence)s.",
                 urgency=URGENCY_WORDS.get(params.get("value"), params.get("value")), confidence=confidence)
    return None


def describe(reason: dict[str, Any]) -> str:
    """One reason in words, in the reader's language (unknown codes show as their code)."""
    code, params = reason.get("code", ""), reason.get("params") or {}
    words = ", ".join(f"“{w}”" for w in params.get("words") or [])
    if code == "sentiment":
        return _sentiment(params)
    labelled = _labels(code, params)
    if labelled is not None:
        return labelled
    simple = {
        "question": _("It asks a question."),
        "complaint": _("It is a complaint: %(words)s.", words=words) if words else _("It is a complaint."),
        "direct_address": _("It addresses us directly (%(handle)s).", handle=params.get("handle", "")),
        "legal": _("It mentions legal action: %(words)s.", words=words),
        "safety": _("It raises a safety issue: %(words)s.", words=words),
        "outage": _("It reports something not working: %(words)s.", words=words),
        "churn": _("The customer may leave: %(words)s.", words=words),
        "reach": _("The author has a large audience (%(followers)s followers).",
                   followers=format_decimal(params.get("followers", 0))),
        "forwarded": _("A colleague forwarded it."),
        "watch_rule": _("It matches the watch rule “%(name)s”.", name=params.get("name", "")),
        "fraud": _("It reports fraud or a security problem: %(words)s.", words=words),
        "stuck": _("Someone is stuck and needs help fast: %(words)s.", words=words),
        "request": _("It asks us to act: %(words)s.", words=words),
        "incident": _("Something happened to the author: a case to answer."),
        "problem": _("It reports a failure or a wait: %(words)s.", words=words),
        "irony": _("Irony: praise around a complaint (%(words)s).", words=words),
        "competitor": (_("A comparison the brand wins: %(words)s.", words=words)
                       if params.get("brand_wins") else
                       _("A competitor is preferred to the brand (marketing's business): %(words)s.",
                         words=words)),
        "idiom": _("Turns of phrase: %(words)s.", words=words),
        "negation": _("Negated: %(words)s.", words=words),
    }
    return simple.get(code, code)
