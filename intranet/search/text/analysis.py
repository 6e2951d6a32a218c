"""Text analysis shared by the index, the query builder and the in-memory rule matcher.

Why one bilingual analyzer instead of a field per language: posts here mix French and English
in the same sentence ("le meeting marketing de lundi"), and we do not know a post's language.
Each surviving token is folded (lower case, accents removed) and then stemmed by BOTH the French
and the English Snowball stemmers; both stems are emitted at the same position (one term when
they agree, as they mostly do). A query word goes through the same function and matches a
document when any of its stems meets any of the document token's stems. Compared with two
fields (body_fr, body_en), this keeps one posting list per stem, one field for phrases and
highlights, and half the terms when the stems agree; the price is an occasional cross-language
meeting of stems, which is harmless for recall-oriented intranet search.

Accents are folded BEFORE stemming (DESIGN §5): people type ``securite`` as often as
``sécurité``; folding first makes all spellings reach the same stem, at the cost of the French
stemmer seeing unaccented suffixes (it still removes plurals and most endings).

``token_terms`` is the single definition of "what terms does this word produce"; the Whoosh
filter and the matcher (match.py) both call it, so a watch rule and a search agree exactly.
"""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import STOP_WORDS as _EN_STOPS
from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.support.charset import accent_map

TOKEN_PATTERN = r"\w+(?:\.?\w+)*"
TOKEN_RE = re.compile(TOKEN_PATTERN, re.UNICODE)
MIN_SIZE = 2
MAX_SIZE = 60


def fold(text: str) -> str:
    """Lower case and accent folding (``Sécurité`` -> ``securite``, ``œuvre`` -> ``oeuvre``)."""
    return text.lower().translate(accent_map)


# French elisions (l', d', qu'...) come out of the tokenizer as separate short words.
_FR_EXTRA = {"les", "l", "d", "j", "qu", "n", "s", "c", "m", "t", "un", "une", "cet", "cette"}
FRENCH_STOP_WORDS = frozenset(fold(w) for w in stopwords_for_language("fr")) | _FR_EXTRA
# "été" (summer) folds to "ete"; keep it searchable: it is a real word in posts.
FRENCH_STOP_WORDS = FRENCH_STOP_WORDS - {"ete"}
ENGLISH_STOP_WORDS = frozenset(_EN_STOPS) - {"may", "will", "can", "us"}
STOP_WORDS = FRENCH_STOP_WORDS | ENGLISH_STOP_WORDS

_stem_fr = stemmer_for_language("fr")
_stem_en = stemmer_for_language("en")


@lru_cache(maxsize=200_000)
def token_terms(word: str) -> tuple[str, ...]:
    """Index terms for one raw token (any case): () when it is a stop word or too short/long.

    Memoized: vocabulary repeats, and Snowball costs ~20 µs a word while a cache hit is ~0.1 µs,
    which is what lets the matcher run well over 10k rules a second.
    """
    folded = fold(word)
    if len(folded) < MIN_SIZE or len(folded) > MAX_SIZE or folded in STOP_WORDS:
        return ()
    if folded.isdigit():
        return (folded,)
    fr = _stem_fr(folded)
    en = _stem_en(folded)
    return (fr,) if fr == en else (fr, en)


def text_terms(text: str) -> list[tuple[str, ...]]:
    """Term tuples of each kept token of ``text``, in order (stop words leave no gap).

    Positions are renumbered without the stop words, as Whoosh's StopFilter does by default,
    so the phrase "réunion de l'équipe" is the two consecutive stems ``reunion equip``.
    """
    out = []
    for word in TOKEN_RE.findall(text):
        terms = token_terms(word)
        if terms:
            out.append(terms)
    return out


class BilingualFilter(Filter):
    """Whoosh filter applying ``token_terms``: fold, stop, then French and English stems.

    Emits one token per distinct stem at the same position (renumbered past stop words).
    Lives at module level with no state so the pickled schema stays loadable.
    """

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens):
        pos = 0
        for t in tokens:
            terms = token_terms(t.text)
            if not terms:
                continue
            if t.positions:
                t.pos = pos
            pos += 1
            for term in terms:
                t.text = term
                t.stopped = False
                yield t


def mixed_analyzer():
    """The analyzer of every full-text field: French + English stems of folded tokens."""
    return RegexTokenizer(TOKEN_PATTERN) | BilingualFilter()


def _language_analyzer(lang: str, stops: frozenset[str]):
    return (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(stoplist=stops, minsize=MIN_SIZE, maxsize=MAX_SIZE)
            | StemFilter(lang=lang))


def french_analyzer():
    """French only (folding before stemming, ``les`` and elisions stopped)."""
    return _language_analyzer("fr", FRENCH_STOP_WORDS)


def english_analyzer():
    """English only (folding before stemming)."""
    return _language_analyzer("en", ENGLISH_STOP_WORDS)


def keyword_value(value: str) -> str:
    """Normalized value of keyword fields (skills, topics, usernames): folded, trimmed."""
    return fold(value.strip().lstrip("#@"))
