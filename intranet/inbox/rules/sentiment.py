"""Sentiment of a customer comment toward the brand, French and English, offline, with reasons.

English: VADER (vaderSentiment 3.3.2), rule-based and made for social media, plus our words,
slang and idioms (``lexicon_en``). French: our lexicon and rules (``sentiment_fr``). Then two
cues overturn the words (``cues``): irony (praise around a complaint) and a comparison won by a
competitor. Nothing is downloaded: every lexicon ships inside an installed package or this code.

A second French lexicon was tried as a vote where ours has no opinion: textblob-fr's
(fr-sentiment.xml, 5,116 adjective forms, PDDL; the package MIT, but it brings textblob and
nltk). On the 171 French comments of the tuning and history splits it fired 17 times, was right
9 times, and never where ours was wrong: no measurable help, so it is not a dependency.
vaderSentiment-fr (MIT, a translated VADER lexicon) ships only as an sdist whose requirements
include fuzzywuzzy and unidecode (GPL-2.0): not tried for that reason.

The result carries a confidence (0.5 = a guess, 0.95 = plain) and its reasons as data.
Language comes from the comment when the source gives it; otherwise a stop-word vote decides
cheaply, and langdetect (~5 ms a text) only settles the ambiguous ones.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from langdetect import DetectorFactory, LangDetectException, detect
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from intranet.inbox.rules import cues, lexicon_en, sentiment_fr
from intranet.search.text.analysis import fold

QUESTION_DAMPING = 0.5  # a question's praise words are mostly politeness ("merci", "welcome code")
NEUTRAL_BAND = 0.2  # |score| below this is neutral (VADER's own 0.05 is too eager on complaints)

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_FR_VOTES = frozenset(("le", "la", "les", "de", "des", "du", "et", "est", "je", "vous", "pas", "une",
                       "pour", "que", "qui", "mon", "ma", "mes", "avec", "sur", "ne", "il", "elle",
                       "nous", "votre", "vos", "ce", "cette", "au", "aux", "depuis", "tres", "merci"))
_EN_VOTES = frozenset(("the", "and", "is", "are", "i", "you", "not", "my", "with", "for", "to", "of",
                       "it", "this", "that", "your", "was", "have", "has", "on", "in", "no", "why",
                       "what", "can", "do", "does", "thanks", "since", "very", "me", "we"))
_EN_IDIOMS = {fold(k): v for k, v in lexicon_en.IDIOMS.items()}
_EN_IDIOM_RE = re.compile(r"(?<!\w)(?:" + "|".join(
    re.escape(k) for k in sorted(_EN_IDIOMS, key=len, reverse=True)) + r")(?!\w)")
_EMOJI_RE = re.compile("|".join(re.escape(e) for e in sorted(lexicon_en.EMOJIS, key=len, reverse=True)))
_PLACEHOLDER = "zzidiom{}"


@dataclass
class Sentiment:
    label: str
    score: float
    confidence: float
    reasons: list[dict[str, Any]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(lexicon_en.WORDS)
    analyzer.lexicon.update({_PLACEHOLDER.format(i): v for i, v in enumerate(_EN_IDIOMS.values())})
    return analyzer


_IDIOM_INDEX = {k: i for i, k in enumerate(_EN_IDIOMS)}


def detect_language(text: str, given: str = "") -> str:
    """"fr" or "en": the given code when it is one of them, else a stop-word vote, else langdetect."""
    given = (given or "").lower()[:2]
    if given in ("fr", "en"):
        return given
    words = _WORD_RE.findall(fold(text))
    fr = sum(w in _FR_VOTES for w in words)
    en = sum(w in _EN_VOTES for w in words)
    if fr != en and max(fr, en) >= 2 * min(fr, en) + 1:
        return "fr" if fr > en else "en"
    return _langdetect(text)


def _langdetect(text: str) -> str:
    DetectorFactory.seed = 0  # deterministic answers for the same text
    try:
        return "fr" if detect(text) == "fr" else "en"
    except LangDetectException:
        return "en"


def _compound(raw: float) -> float:
    return raw / math.sqrt(raw * raw + 15)


def _raw(compound: float) -> float:
    compound = max(min(compound, 0.999), -0.999)
    return compound * math.sqrt(15) / math.sqrt(1 - compound * compound)


def french_score(text: str) -> float:
    """A compound score in [-1, 1] from the French lexicon (VADER's normalisation)."""
    return sentiment_fr.score(text).compound


def english(text: str) -> sentiment_fr.Scored:
    """VADER on the comment with idioms swapped for placeholders and emojis scored by us."""
    out = sentiment_fr.Scored()
    lowered = " ".join(lexicon_en.SPELLINGS.get(w, w) for w in text.lower().split())

    def mark(match: re.Match[str]) -> str:
        out.idioms.append(match.group(0))
        return " " + _PLACEHOLDER.format(_IDIOM_INDEX[match.group(0)]) + " "

    plain = _EMOJI_RE.sub(" ", _EN_IDIOM_RE.sub(mark, lowered))
    analyzer = _vader()
    known = [w for w in _WORD_RE.findall(plain) if w in analyzer.lexicon]
    raw = _raw(analyzer.polarity_scores(plain)["compound"]) if known else 0.0
    out.hits = known
    out.positive = sum(max(analyzer.lexicon[w], 0) for w in known)
    out.negative = sum(min(analyzer.lexicon[w], 0) for w in known)
    for emoji in dict.fromkeys(_EMOJI_RE.findall(text)):
        valence = lexicon_en.EMOJIS[emoji]
        raw += valence * min(text.count(emoji), 3) ** 0.5
        out.positive += max(valence, 0)
        out.negative += min(valence, 0)
        out.emojis.append(emoji)
    out.total = raw
    return out


def sentiment_score(text: str, lang: str) -> float:
    """The words' compound score alone, before the cues (kept for callers that want a number)."""
    return french_score(text) if lang == "fr" else _compound(english(text).total)


def label(score: float) -> str:
    if score >= NEUTRAL_BAND:
        return "positive"
    if score <= -NEUTRAL_BAND:
        return "negative"
    return "neutral"


def _confidence(score: float, opinion_words: int) -> float:
    if abs(score) < NEUTRAL_BAND:
        return 0.85 if opinion_words == 0 else round(0.5 + 0.3 * (1 - abs(score) / NEUTRAL_BAND), 2)
    return round(min(0.55 + 0.4 * (abs(score) - NEUTRAL_BAND) / 0.5, 0.95), 2)


def analyse(text: str, lang: str, brands: frozenset[str] = frozenset()) -> Sentiment:
    """Sentiment toward the brand (``brands``: its folded names), with confidence and reasons."""
    scored = sentiment_fr.score(text) if lang == "fr" else english(text)
    score = _compound(scored.total)
    reasons: list[dict[str, Any]] = []
    if scored.idioms:
        reasons.append({"code": "idiom", "params": {"words": scored.idioms[:3]}})
    if scored.negated:
        reasons.append({"code": "negation", "params": {"words": scored.negated[:3]}})
    question = "?" in text
    if question and score > 0:
        score *= QUESTION_DAMPING  # "…couvre le bol ? merci": politeness, not praise
    confidence = _confidence(score, len(scored.hits) + len(scored.emojis))
    folded = fold(text)
    compared = cues.comparison(folded, brands)
    ironic = cues.irony(folded, text, scored.positive > 0) if compared is None else None
    if compared is not None:
        score, confidence = 0.6 * compared.sign, 0.8
        reasons.append({"code": "competitor", "params": {"words": [compared.words],
                                                         "brand_wins": compared.sign > 0}})
    elif ironic is not None:
        score, confidence = -max(0.45, abs(score)), 0.75
        reasons.append({"code": "irony", "params": {"words": [ironic]}})
    return Sentiment(label(score), score, confidence, reasons)
