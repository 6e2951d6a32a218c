"""Routing that learns: which service handled the comments most like this one.

A hand-rolled TF-IDF over the same bilingual stems as search and watch rules
(``search.text.analysis.text_terms``), cosine similarity, and a vote of the ``K`` nearest past
cases weighted by their similarity, steadied by how near each named service's cases are as a
whole (``CENTROID_WEIGHT``). Why not scikit-learn or the Whoosh index: the history that
matters is small (a few thousand routed cases at most, kept in memory per process and rebuilt
every minute), the vocabulary must be the stems the rest of the inbox uses (accents folded,
French and English), and the answer must explain itself ("7 of the 10 most similar past cases
went to Produit"): an inverted index of sparse vectors gives all three in ~100 lines, with no
dependency and no model file, in well under a millisecond per comment for 5,000 past cases.

Pure: no database (the words of a reason go through Flask-Babel). The DB path
(``inbox.queries.learning``) and the ``inbox evaluate`` command build the history and call
``suggest_service`` (or keep one ``Suggester``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from intranet.search.text.analysis import text_terms

K = 10  # neighbours that vote
MIN_SIMILARITY = 0.08  # below this a past case shares little more than a stop word
STRONG_SHARE = 0.7  # history "disagrees strongly" with a rule: this share of the vote...
STRONG_VOTES = 5  # ...from at least this many similar cases
MAX_POSTINGS = 300  # per query term, the past cases where it weighs most (impact order)
COMMON_SHARE = 0.25  # a term in more than this share of a large history is left out of queries
HISTORY = "history"
DESCRIPTION = "description"  # a lead's description or example of the service (cold start)
PRIOR = "prior"  # nothing similar: the service most past cases went to
# triage's reason codes that say what a comment is about (not how sure triage is): extra evidence
# for the neighbours' vote, as a pseudo-term "reason:<code>" of this weight (before IDF). A
# safety report goes to product at one brand and to food safety at another: the history decides
# which, the cue only makes past safety reports nearer. Chosen on tune.jsonl (service accuracy
# 65.4 % → 71.1 %; weights 0.5-3 all lift it), then measured once on test.jsonl (68.9 % → 74.4 %).
CUES = frozenset({"competitor", "safety", "fraud", "legal", "churn", "outage", "stuck", "question",
                  "request", "incident", "problem", "irony"})
CUE_WEIGHT = 1.5
# The K neighbours' vote alone is noisy with a few dozen past cases per service: each service's
# past cases and description lines as a whole (the centroid of their unit vectors) vote too,
# with this weight against the neighbours' similarity-weighted shares, among the services the
# neighbours named (so the reason's "n of the K most similar" stays true). Chosen on 8 random
# splits of history+tune.jsonl (25 past cases per brand as memory, the rest asked): 73.7 % →
# 75.2 % with the services' descriptions, 61.2 % → 62.8 % without (0.5: 75.0 / 61.9; 1.0:
# 75.7 / 62.6). On tune.jsonl alone with history.jsonl: 76.7 % → 78.6 % with descriptions,
# but 71.1 % → 67.9 % without (one split of 159, the noisier figure).
CENTROID_WEIGHT = 0.7


@dataclass(frozen=True, slots=True)
class Example:
    """One past case (or one line of a service's description): its text and where it went."""

    text: str
    service: str
    kind: str = HISTORY
    weight: float = 1.0  # an agent's correction counts more than a route nobody looked at
    cues: tuple[str, ...] = ()  # its triage reason codes among ``CUES``


Past = Example | tuple[str, str] | Mapping[str, Any]  # what a history may be made of


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The service the history points to, with the numbers its reason is made of."""

    service: str
    votes: int  # neighbours that went to ``service``
    neighbours: int  # similar past cases found (at most K)
    share: float  # similarity-weighted share of the vote, 0..1 (the confidence)
    basis: str = HISTORY  # HISTORY, DESCRIPTION or PRIOR
    rule_service: str | None = None  # the service a routing rule chose, if one matched
    disagrees: bool = False  # the history strongly prefers another service than the rule

    @property
    def final(self) -> str:
        """Rules win where they match; the history answers otherwise."""
        return self.rule_service or self.service

    def as_json(self) -> dict:
        return {"service": self.service, "votes": self.votes, "neighbours": self.neighbours,
                "share": round(self.share, 3), "basis": self.basis, "disagrees": self.disagrees}


def cue_codes(reasons: Iterable[Mapping[str, Any]] | None) -> tuple[str, ...]:
    """The routing cues among triage's reasons (``TriageResult.reasons`` or stored ``triage``)."""
    # reasons stored before they were data (plain sentences) carry no code
    return tuple(sorted({str(r["code"]) for r in reasons or ()
                         if isinstance(r, dict) and r.get("code") in CUES}))


def features(text: str, cues: Iterable[str] = ()) -> dict[str, float]:
    """Sublinear term frequencies of a text's stems (a word stemmed two ways counts once), and
    one pseudo-term per routing cue."""
    counts: Counter[str] = Counter()
    for terms in text_terms(text):
        for term in terms:
            counts[term] += 1.0 / len(terms)
    vector = {t: 1.0 + math.log(c) if c >= 1 else c for t, c in counts.items()}
    return vector | {f"reason:{c}": CUE_WEIGHT for c in cues if c in CUES}


@dataclass
class Suggester:
    """The history as an inverted index of unit TF-IDF vectors, built once, asked many times."""

    examples: list[Example]
    idf: dict[str, float] = field(default_factory=dict)
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    prior: str | None = None
    common: frozenset[str] = frozenset()
    centroids: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def build(cls, history: Iterable[Past]) -> Suggester:
        """From ``Example``s, (text, service) pairs, or rows with "text" and "service" (the
        ``inbox evaluate`` history lines)."""
        examples = [e for e in map(_example, history) if e.service and e.text.strip()]
        vectors = [features(e.text, e.cues) for e in examples]
        df: Counter[str] = Counter(t for v in vectors for t in v)
        n = len(examples)
        idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for i, vector in enumerate(vectors):
            for term, w in _unit({t: w * idf[t] for t, w in vector.items()}).items():
                postings[term].append((i, w))
                sums[examples[i].service][term] += w
        for entries in postings.values():
            entries.sort(key=lambda entry: -entry[1])
        weights: Counter[str] = Counter()
        weights_of: Counter[str] = Counter()
        for e in examples:
            weights[e.service] += e.weight if e.kind == HISTORY else 0.01
            weights_of[e.service] += e.weight
        prior = max(sorted(weights), key=lambda s: weights[s]) if weights else None
        common = frozenset(t for t, d in df.items() if d > COMMON_SHARE * n) if n >= 40 else frozenset()
        # scaled by the service's mean example weight: corrections weigh more here too
        mass: Counter[str] = Counter(e.service for e in examples)
        centroids = {service: {t: w * weights_of[service] / mass[service]
                               for t, w in _unit(dict(terms)).items()}
                     for service, terms in sums.items()}
        return cls(examples, idf, dict(postings), prior, common, centroids)

    def _query(self, text: str, cues: Iterable[str]) -> dict[str, float]:
        return _unit({t: w * self.idf[t] for t, w in features(text, cues).items() if t in self.idf})

    def neighbours(self, text: str, k: int = K, cues: Iterable[str] = ()) -> list[tuple[float, Example]]:
        """The ``k`` most similar examples (cosine ≥ ``MIN_SIMILARITY``), most similar first.

        Kept fast on a large history: terms common to a quarter of it (the brand's name...) are
        left out, and each term reads only its ``MAX_POSTINGS`` heaviest past cases."""
        return self._nearest(self._query(text, cues), k)

    def _nearest(self, query: dict[str, float], k: int) -> list[tuple[float, Example]]:
        rare = {t: w for t, w in query.items() if t not in self.common} or query
        scores: dict[int, float] = defaultdict(float)
        for term, w in rare.items():
            for i, dw in self.postings[term][:MAX_POSTINGS]:
                scores[i] += w * dw
        best = sorted((i for i, s in scores.items() if s >= MIN_SIMILARITY), key=lambda i: (-scores[i], i))
        return [(scores[i], self.examples[i]) for i in best[:k]]

    def suggest(self, text: str, *, k: int = K, rule_service: str | None = None,
                cues: Iterable[str] = ()) -> Suggestion | None:
        """The service the nearest examples vote for, each service's vote steadied by how near
        its past cases are as a whole (``CENTROID_WEIGHT``); None: no history."""
        query = self._query(text, cues)
        near = self._nearest(query, k)
        if not near:
            if self.prior is None:
                return None
            return Suggestion(self.prior, 0, 0, 0.0, PRIOR, rule_service,
                              disagrees=False)
        score: dict[str, float] = defaultdict(float)
        votes: Counter[str] = Counter()
        seeds: Counter[str] = Counter()
        for similarity, example in near:
            score[example.service] += similarity * example.weight
            votes[example.service] += 1
            seeds[example.service] += example.kind == DESCRIPTION
        total = sum(score.values())
        blend = {s: (1 - CENTROID_WEIGHT) * score[s] / total
                 + CENTROID_WEIGHT * sum(w * self.centroids[s].get(t, 0.0) for t, w in query.items())
                 for s in score}
        service = max(sorted(blend), key=lambda s: blend[s])
        share = score[service] / total
        basis = DESCRIPTION if seeds[service] * 2 > votes[service] else HISTORY
        disagrees = bool(rule_service and rule_service != service and share >= STRONG_SHARE
                         and votes[service] >= min(STRONG_VOTES, k))
        return Suggestion(service, votes[service], len(near), share, basis, rule_service, disagrees)


def _example(item: Past) -> Example:
    if isinstance(item, Example):
        return item
    if isinstance(item, Mapping):
        return Example(str(item.get("text") or ""), str(item.get("service") or ""),
                       cues=tuple(item.get("cues") or ()))
    return Example(item[0], item[1])


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {t: w / norm for t, w in vector.items()} if norm else {}


def suggest_service(text: str, history: Suggester | Sequence[Past], *,
                    rule_service: str | None = None, k: int = K,
                    cues: Iterable[str] = ()) -> Suggestion | None:
    """Suggest a service for ``text`` from ``history`` ((text, service) pairs, rows with "text"
    and "service", ``Example``s, or a ``Suggester`` built once from them when many texts are
    asked about).

    ``rule_service`` is what a routing rule chose, if any: it stays the answer (``final``), and
    ``disagrees`` says when the history strongly prefers another service. ``cues``: the text's
    triage reason codes (``cue_codes``), matched against the past cases' own.
    """
    suggester = history if isinstance(history, Suggester) else Suggester.build(history)
    return suggester.suggest(text, k=k, rule_service=rule_service, cues=cues)


def description_examples(service: str, description: str, examples: Iterable[str]) -> list[Example]:
    """A lead's description and example comments of a service, as pseudo-history: one example
    per non-empty line, so each example comment can be a neighbour on its own."""
    lines = [line.strip() for line in [description, *examples] for line in line.splitlines()]
    return [Example(line, service, DESCRIPTION) for line in lines if line]


def describe(suggestion: Suggestion | dict, service: str, rule_service: str | None = None) -> str:
    """The reason in words, from a suggestion (or its ``as_json``) and the services' names:
    "7 of the 10 most similar past cases went to Produit"."""
    s = suggestion.as_json() if isinstance(suggestion, Suggestion) else suggestion
    votes, near = int(s.get("votes", 0)), int(s.get("neighbours", 0))
    if s.get("basis") == PRIOR:
        return _("No similar past case; most past cases went to %(service)s.", service=service)
    if s.get("basis") == DESCRIPTION:
        text = _("Closest to the description and examples of %(service)s written by its lead.",
                 service=service)
    else:
        text = (_("The only similar past case went to %(service)s.", service=service) if near == 1 else
                _("%(votes)d of the %(num)d most similar past cases went to %(service)s.",
                  votes=votes, num=near, service=service))
    if s.get("disagrees") and rule_service:
        text += " " + _("A routing rule sent it to %(rule)s: check which is right.", rule=rule_service)
    return text
