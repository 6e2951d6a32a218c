"""French sentiment from our lexicon (``lexicon_fr``), with VADER's habits adapted to French.

- Idioms first: "pas terrible", "rien à redire", "toujours rien" are scored as phrases.
- Negation both ways: "pas"/"jamais" turn the next words around ("pas bien"), and "ne"/"n'"
  turns around the verb it frames before "pas" ("je ne RECOMMANDE pas"); "plus" is a negation
  only after "ne" ("bien plus solide" is praise).
- Boosters weigh the next word more ("très", "vraiment", "grave"), what follows "mais" counts
  more than what precedes it, capitals and "!" add weight.
- Spelling: SMS forms ("tjrs", "pk", "c nul") are expanded, letters repeated for emphasis are
  squeezed ("nuuuul"), and an unknown word one typo away from a lexicon word counts as it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from intranet.inbox.rules import lexicon_fr as fr
from intranet.inbox.rules.lexicon_en import EMOJIS
from intranet.search.text.analysis import fold

NEGATION_SPAN = 3
NEGATED = -0.74  # VADER's factor for a negated word
_TOKEN = re.compile(r"§\d+|[\w']+|[.!?;,]", re.UNICODE)
_REPEATS = re.compile(r"(\w)\1{2,}")
_SHOUTED = re.compile(r"\b[A-ZÀ-Ý]{4,}\b")
_C_EST = re.compile(r"\bc (?=\w)")


@dataclass
class Scored:
    """A raw score with what made it: the words that counted, negated ones, idioms, emojis."""

    total: float = 0.0
    positive: float = 0.0
    negative: float = 0.0
    hits: list[str] = field(default_factory=list)
    negated: list[str] = field(default_factory=list)
    idioms: list[str] = field(default_factory=list)
    emojis: list[str] = field(default_factory=list)

    def add(self, valence: float, word: str) -> None:
        self.total += valence
        if valence > 0:
            self.positive += valence
        else:
            self.negative += valence
        self.hits.append(word)

    @property
    def compound(self) -> float:
        return self.total / math.sqrt(self.total * self.total + 15)


def _key(phrase: str) -> str:
    return fold(phrase).replace("*", "")


WORDS = {_key(k): v for k, v in fr.WORDS.items()}
IDIOMS = {_key(k): v for k, v in fr.IDIOMS.items()}
_IDIOM_RE = re.compile(r"(?<![\w'])(?:" + "|".join(
    re.escape(k) for k in sorted(IDIOMS, key=len, reverse=True)) + r")(?![\w])")
_SPELLINGS = {fold(k): v for k, v in fr.SPELLINGS.items()}


@lru_cache(maxsize=1)
def _one_typo_away() -> dict[str, str]:
    """Every lexicon word of 5+ letters with one letter dropped, to catch "decevnt", "inadmissble"."""
    out: dict[str, str] = {}
    for word in WORDS:
        if len(word) >= 6 and " " not in word:
            for i in range(len(word)):
                out.setdefault(word[:i] + word[i + 1:], word)
    return out


def normalise(text: str) -> str:
    """Folded text with SMS forms expanded and emphasis squeezed ("nuuuul" -> "nul")."""
    folded = _REPEATS.sub(r"\1", fold(text))
    folded = _C_EST.sub("c'est ", folded)
    return " ".join(_SPELLINGS.get(w, w) if w in _SPELLINGS else w for w in folded.split(" "))


@lru_cache(maxsize=65536)
def _lookup(word: str) -> tuple[str, float | None]:
    """The lexicon entry of a word: itself, without a trailing "s", or one typo away."""
    word = word.split("'")[-1]
    for candidate in (word, word[:-1] if word.endswith("s") else ""):
        if candidate in WORDS:
            return candidate, WORDS[candidate]
    if len(word) >= 5:
        fixed = _one_typo_away().get(word)
        if fixed is None:
            deletions = (word[:i] + word[i + 1:] for i in range(len(word)))
            fixed = next((d for d in deletions if d in WORDS and len(d) >= 6), None)
        if fixed:
            return fixed, WORDS[fixed]
    return word, None


def score(text: str) -> Scored:
    """Score a French comment (see the module's docstring for the rules)."""
    out = Scored()
    phrases: list[float] = []

    def mark(match: re.Match[str]) -> str:
        phrases.append(IDIOMS[match.group(0)])
        out.idioms.append(match.group(0))
        return f" §{len(phrases) - 1} "

    tokens = _TOKEN.findall(_IDIOM_RE.sub(mark, normalise(text)))
    _walk(tokens, phrases, out)
    for emoji, valence in EMOJIS.items():
        if emoji in text:
            out.add(valence * min(text.count(emoji), 3) ** 0.5, emoji)
            out.emojis.append(emoji)
    shouted = len(_SHOUTED.findall(text))
    out.total *= 1 + min(text.count("!"), 4) * 0.06 + min(shouted, 3) * 0.08
    return out


def _walk(tokens: list[str], phrases: list[float], out: Scored) -> None:
    negate_left, ne_left, boost, after_but = 0, 0, 1.0, 1.0
    for word in tokens:
        if word in ".!?;,":
            negate_left, ne_left = 0, 0
            boost = 1.0 if word != "," else boost
            continue
        if word in fr.BUT:
            out.total *= 0.5
            out.positive *= 0.5
            out.negative *= 0.5
            after_but = 1.5
            continue
        if word in ("ne", "n"):
            ne_left = NEGATION_SPAN
            continue
        if word.startswith("n'"):
            ne_left, word = NEGATION_SPAN, word[2:]
        if word in fr.NEGATIONS and (word not in fr.WEAK_NEGATIONS or ne_left):
            negate_left, ne_left = NEGATION_SPAN, 0
            continue
        if word.startswith("§"):
            out.add(phrases[int(word[1:])] * boost * after_but, word)
            boost = 1.0
            continue
        if word in fr.BOOSTERS and WORDS.get(word) is None:
            boost = fr.BOOSTERS[word]
            continue
        entry, valence = _lookup(word)
        if valence:
            if negate_left or ne_left:
                valence *= NEGATED
                out.negated.append(entry)
            out.add(valence * boost * after_but, entry)
            boost = 1.0
        negate_left, ne_left = max(negate_left - 1, 0), max(ne_left - 1, 0)
