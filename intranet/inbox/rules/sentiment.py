"""Sentiment of a customer comment, French and English, offline.

English: VADER (vaderSentiment 3.3.2), a rule-based analyser made for social media text, with a
few service words it lacks ("refund", "blocked", "outage"...). French: no maintained offline
library fits (the well-known ones need a model download or a full NLP stack), so a compact
lexicon of the words customers actually use, with VADER's three habits that matter most on
short comments: negation flips the next few words (``pas bien``, ``jamais reçu``), intensifiers
weigh more (``très``, ``vraiment``), and what follows ``mais`` counts more than what precedes it.

Language comes from the comment when the source gives it; otherwise a stop-word vote decides
cheaply, and langdetect (~5 ms a text) only settles the ambiguous ones.
"""

from __future__ import annotations

import math
import re
import string
from functools import lru_cache

from langdetect import DetectorFactory, LangDetectException, detect
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from intranet.search.text.analysis import fold

NEUTRAL_BAND = 0.2  # |score| below this is neutral (VADER's own 0.05 is too eager on complaints)

# --- French lexicon (folded words; stems by prefix where endings vary) -------------------------
_FR_POS = {
    "merci": 2.0, "bravo": 2.5, "super": 2.0, "genial": 2.5, "excellent": 2.8, "parfait": 2.6,
    "top": 2.0, "content": 1.8, "contente": 1.8, "satisfait": 2.0, "satisfaite": 2.0, "ravi": 2.4,
    "ravie": 2.4, "efficace": 2.0, "rapide": 1.4, "rapidement": 1.2, "bien": 1.2, "bon": 1.2,
    "bonne": 1.2, "agreable": 1.8, "sympa": 1.6, "adore": 2.5, "aime": 1.8, "recommande": 2.0,
    "professionnel": 1.6, "professionnelle": 1.6, "pratique": 1.4, "clair": 1.0, "claire": 1.0,
    "facile": 1.4, "simple": 1.0, "impeccable": 2.5, "formidable": 2.5, "felicitations": 2.5,
    "reactif": 2.0, "reactive": 2.0, "aimable": 1.8, "resolu": 1.6, "fiable": 1.8, "top!": 2.0,
    "magnifique": 2.5, "chouette": 1.8, "extra": 2.0, "nickel": 2.2, "fan": 1.6,
}
_FR_NEG = {
    "nul": -2.5, "nulle": -2.5, "honte": -2.8, "honteux": -2.8, "inadmissible": -3.0,
    "inacceptable": -3.0, "scandale": -3.0, "scandaleux": -3.0, "arnaque": -3.2, "escroc": -3.2,
    "escroquerie": -3.2, "voleur": -3.0, "voleurs": -3.0, "catastrophe": -2.8, "lamentable": -2.8,
    "decu": -2.2, "decue": -2.2, "decevant": -2.2, "deception": -2.4, "mecontent": -2.4,
    "mecontente": -2.4, "insatisfait": -2.2, "probleme": -1.6, "problemes": -1.6, "panne": -2.0,
    "bloque": -2.0, "bloquee": -2.0, "bug": -1.8, "bugs": -1.8, "lent": -1.4, "lente": -1.4,
    "attente": -1.0, "attendre": -0.8, "impossible": -2.0, "erreur": -1.6, "plainte": -2.2,
    "mauvais": -2.2, "mauvaise": -2.2, "pire": -3.0, "horrible": -3.0, "degoute": -2.8,
    "degoutee": -2.8, "marre": -2.5, "ras": -0.5, "colere": -2.6, "furieux": -2.8, "enerve": -2.2,
    "enervee": -2.2, "penible": -2.0, "incompetent": -2.8, "incompetents": -2.8, "inutile": -2.0,
    "dangereux": -2.6, "danger": -2.2, "perdu": -1.4, "perdue": -1.4, "casse": -2.0,
    "cassee": -2.0, "defectueux": -2.4, "rembourser": -1.0, "remboursement": -1.0, "fuite": -1.8,
    "grave": -1.8, "jamais": -0.5, "aucune": -0.8, "aucun": -0.8, "toujours": 0.0, "fraude": -3.0,
    "frais": -0.8, "resilier": -2.0, "resiliation": -2.0, "quitter": -1.2, "pas": 0.0,
    "injoignable": -2.4, "injoignables": -2.4, "abusif": -2.6, "abusifs": -2.6, "retard": -1.6,
    "annule": -1.2, "annulee": -1.2, "mediocre": -2.4, "dommage": -1.4, "triste": -1.8,
}
FR_LEXICON = {k: v for k, v in {**_FR_POS, **_FR_NEG}.items() if v}
FR_NEGATIONS = {"pas", "jamais", "plus", "rien", "aucun", "aucune", "sans", "ni", "personne"}
FR_BOOSTERS = {"tres": 1.4, "vraiment": 1.4, "trop": 1.3, "tellement": 1.4, "super": 1.3,
               "totalement": 1.4, "completement": 1.4, "absolument": 1.4, "extremement": 1.6}
FR_BUT = {"mais", "cependant", "pourtant", "neanmoins"}
_PUNCTUATION = string.punctuation
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_TOKEN_RE = re.compile(r"\w+|[.!?;]", re.UNICODE)  # sentence punctuation ends a negation
_SMILEYS = {":)": 1.5, ":-)": 1.5, ":(": -1.5, ":-(": -1.5, "😡": -2.5, "😠": -2.2, "👍": 1.5,
            "🙏": 1.0, "😍": 2.5, "😞": -1.8, "🤬": -3.0, "❤️": 2.0, "🙂": 1.2}

# --- English: words VADER does not know that customers use to complain --------------------------
EN_EXTRA = {
    "refund": -1.2, "blocked": -1.8, "outage": -2.0, "scam": -3.0, "overcharged": -2.4,
    "unreachable": -2.0, "broken": -2.0, "waiting": -1.0, "bug": -1.6, "crash": -2.0,
    "crashes": -2.0, "crashed": -2.0, "down": -0.8, "fraud": -3.0, "rip-off": -3.0, "ripoff": -3.0,
    "useless": -2.4, "slow": -1.4, "fees": -0.8, "leaking": -2.0, "cancel": -1.2, "unacceptable": -2.8,
    "disappointed": -2.2, "joke": -1.6, "again": -0.3,
}

_FR_VOTES = frozenset(("le", "la", "les", "de", "des", "du", "et", "est", "je", "vous", "pas", "une",
                       "pour", "que", "qui", "mon", "ma", "mes", "avec", "sur", "ne", "il", "elle",
                       "nous", "votre", "vos", "ce", "cette", "au", "aux", "depuis", "tres", "merci"))
_EN_VOTES = frozenset(("the", "and", "is", "are", "i", "you", "not", "my", "with", "for", "to", "of",
                       "it", "this", "that", "your", "was", "have", "has", "on", "in", "no", "why",
                       "what", "can", "do", "does", "thanks", "since", "very", "me", "we"))


@lru_cache(maxsize=1)
def _vader():

    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(EN_EXTRA)
    return analyzer


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


def french_score(text: str) -> float:
    """A compound score in [-1, 1] from the French lexicon (VADER's normalisation)."""
    words = _TOKEN_RE.findall(fold(text))
    total, weight_after_but, negate_left, boost = 0.0, 1.0, 0, 1.0
    for word in words:
        if not word[0].isalnum() and word[0] != "_":
            negate_left, boost = 0, 1.0
            continue
        if word in FR_BUT:
            total *= 0.5  # what came before "mais" counts half ...
            weight_after_but = 1.5  # ... and what follows it more
            continue
        if word in FR_NEGATIONS:
            negate_left = 3
            if word not in FR_LEXICON:
                continue
        valence = FR_LEXICON.get(word)
        if word in FR_BOOSTERS and valence is None:
            boost = FR_BOOSTERS[word]
            continue
        if valence:
            if negate_left and word not in FR_NEGATIONS:
                valence = -valence * 0.75
            total += valence * boost * weight_after_but
        boost = 1.0
        if negate_left and word not in FR_NEGATIONS:
            negate_left -= 1
    total += sum(v for s, v in _SMILEYS.items() if s in text)
    total *= 1 + min(text.count("!"), 4) * 0.08
    return total / math.sqrt(total * total + 15)


def sentiment_score(text: str, lang: str) -> float:
    if lang == "fr":
        return french_score(text)
    analyzer = _vader()
    if not any(w in analyzer.lexicon or w.strip(_PUNCTUATION) in analyzer.lexicon
               for w in text.lower().split()):
        return 0.0  # VADER scores only lexicon words (~100 µs a comment): none, nothing to score
    return analyzer.polarity_scores(text)["compound"]


def label(score: float) -> str:
    if score >= NEUTRAL_BAND:
        return "positive"
    if score <= -NEUTRAL_BAND:
        return "negative"
    return "neutral"
