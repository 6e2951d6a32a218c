"""A stand-in for routing's ``suggest_service`` until the routing lane's learner lands.

The evaluation command calls ``suggest_service(text, history)`` on ONE line
(``intranet/inbox/rules/evaluation.py``); at merge that line's import is pointed at the routing
lane's function, which has the same first two arguments. This stand-in is deliberately simple:
the service whose past cases share the most distinctive words with the comment (word overlap
weighted by rarity), so the evaluation's service column means something meanwhile.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from intranet.search.text.analysis import STOP_WORDS, fold

_WORD = re.compile(r"[a-z0-9]{3,}")


@dataclass(frozen=True)
class Suggestion:
    service: str
    reason: str


def _words(text: str) -> set[str]:
    return {w[:6] for w in _WORD.findall(fold(text)) if w not in STOP_WORDS}  # crude stem: 6 letters


def suggest_service(text: str, history: Iterable[Mapping[str, Any]], **_ignored: Any) -> Suggestion | None:
    """The service of the past cases most like ``text`` (None without history)."""
    past = [(_words(str(h.get("text", ""))), str(h["service"])) for h in history if h.get("service")]
    if not past:
        return None
    documents = Counter(w for words, _s in past for w in words)
    rarity = {w: math.log((1 + len(past)) / (1 + n)) + 1 for w, n in documents.items()}
    words = _words(text)
    scores: Counter[str] = Counter()
    for past_words, service in past:
        shared = words & past_words
        scores[service] += sum(rarity[w] for w in shared) / math.sqrt(len(past_words) or 1)
    totals = Counter(service for _w, service in past)
    best, score = max(scores.items(), key=lambda kv: (kv[1], totals[kv[0]]))
    if score <= 0:
        best = totals.most_common(1)[0][0]
        return Suggestion(best, f"no shared words: the most common service ({best})")
    return Suggestion(best, f"most words in common with past cases of {best}")
