"""Which new comments tell the same story: the pure half of incident grouping.

Forty customers reporting the same outage write forty different sentences ("le site est en
panne", "site down again??", "impossible de se connecter au site, panne ?"). What they share is a
few content words, once the brand's own name (every brand comment has it), stop words, handles
and links are set aside. So a comment is reduced to its *signature*: the set of its content stems
(the search analyzer's French stem of each kept token, accents folded), and an incident to its
*centroid*: how many of its members used each stem.

A new comment joins the incident whose centroid is closest by cosine similarity,
``Σ centroid[t] for t in S / (√|S| · ‖centroid‖)``, if it reaches ``THRESHOLD`` and shares at
least ``MIN_SHARED`` stems; else it pairs with the closest lone case (the same measure, both
binary) and the two open a new incident. The centroid weights an incident's core words by how
many members use them, so one member's stray words do not pull the next comment in (single-link
chaining would), and it is an average-link measure that costs one dict per incident.

Why not MinHash: MinHash/LSH estimates the Jaccard similarity of character shingles so that
millions of documents can be compared without looking at each pair. Here the candidates are
already few (the same service and brand, posted within ``WINDOW``: a few hundred at most even
during a surge), so the exact measure is cheaper than the estimate; and paraphrases of the same
outage share words, not character runs, so word stems match them where shingles do not.
Why not TF-IDF over the whole history: during an outage its words become the most frequent of
the window, so their IDF falls exactly when they matter; the centroid counts do the weighting.
``bench/incident_grouping.py`` measures the threshold on a labelled set.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from intranet.search.text.analysis import TOKEN_RE, fold, token_terms

WINDOW = timedelta(hours=6)  # comments further apart are different stories
THRESHOLD = 0.5
MIN_SHARED = 2
MAX_CANDIDATES = 400  # newest open cases compared per service (a surge stays cheap)
HANDLE = re.compile(r"@\w+|https?://\S+|www\.\S+", re.UNICODE)
WORDS_SHOWN = 6
# Words of time and insistence every complaint has ("encore", "depuis"): they say nothing of what
# happened, and two unrelated complaints shared them.
FILLERS = frozenset({"depuis", "encore", "toujours", "vraiment", "again", "still", "since", "really",
                     "merci", "thanks", "thank", "svp", "please", "aujourd", "today", "hui"})


def signature(text: str, exclude: Iterable[str] = ()) -> dict[str, str]:
    """Content stems of ``text`` -> the first word that gave each (to show people words, not
    stems). ``exclude``: stems or words to leave out, e.g. the brand terms the watch rule matched."""
    skip = {term for word in exclude for term in (*token_terms(word), fold(word))}
    out: dict[str, str] = {}
    for word in TOKEN_RE.findall(HANDLE.sub(" ", text or "")):
        terms = token_terms(word)
        if not terms or terms[0].isdigit() or skip.intersection(terms) or fold(word) in FILLERS:
            continue
        out.setdefault(terms[0], fold(word))
    return out


def cosine(stems: Iterable[str], centroid: Mapping[str, int]) -> tuple[float, int]:
    """(similarity, shared stems) of a binary signature with a centroid of counts."""
    stems = set(stems)
    if not stems or not centroid:
        return 0.0, 0
    shared = [t for t in stems if t in centroid]
    norm = math.sqrt(sum(c * c for c in centroid.values()))
    return sum(centroid[t] for t in shared) / (math.sqrt(len(stems)) * norm), len(shared)


def close_enough(score: float, shared: int) -> bool:
    return score >= THRESHOLD and shared >= MIN_SHARED


@dataclass
class Group:
    """A candidate the new comment may join: an incident (``incident_id``) or a lone case."""

    key: tuple  # (department id, brand rule ids) : only the same service and brand meet
    centroid: Counter[str]
    incident_id: int | None = None
    case_ids: list[int] = field(default_factory=list)


@dataclass
class Decision:
    """Case ``case_id`` joins ``group`` (its score); ``group.incident_id`` None: a new incident
    made of the lone case(s) in ``group.case_ids`` and this one."""

    case_id: int
    group: Group
    score: float


def assign(new: list[tuple[int, tuple, set[str]]], groups: list[Group]) -> list[Decision]:
    """Decide, in arrival order, where each new (case id, key, stems) goes; a new case that
    joins nothing becomes a lone candidate for the next ones. ``groups`` is updated in place
    (centroids grow as members join), so a burst inside one batch groups as it would one by one."""
    decisions = []
    for case_id, key, stems in new:
        best, best_score = None, 0.0
        for group in groups:
            if group.key != key or case_id in group.case_ids:
                continue
            score, shared = cosine(stems, group.centroid)
            if close_enough(score, shared) and score > best_score:
                best, best_score = group, score
        if best is None:
            groups.append(Group(key, Counter(stems), None, [case_id]))
            continue
        decisions.append(Decision(case_id, best, round(best_score, 3)))
        best.centroid.update(stems)
        best.case_ids.append(case_id)
    return decisions


def top_words(centroid: Mapping[str, int], words: Mapping[str, str], n: int = WORDS_SHOWN) -> list[str]:
    """The incident's most shared words, as people wrote them."""
    ranked = sorted(centroid.items(), key=lambda item: (-item[1], item[0]))
    return [words.get(stem, stem) for stem, count in ranked[:n] if count > 1] or \
        [words.get(stem, stem) for stem, _count in ranked[:3]]
