"""Evaluate a query (the search language) against a plain text, in memory: watch rules.

The inbox runs every rule on every ingested comment, so the work is split: ``compile_rule``
parses and analyses the rule once into a tree of small closures; ``analyze`` turns a text into
its term positions once (memoized stems make that ~50 dict look-ups for 300 characters) and the
same ``AnalyzedText`` can be passed to many rules. Matching uses ``analysis.token_terms``, the
very function the index uses, so a rule and a search agree on what a word means.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from intranet.search.text.analysis import fold, text_terms, token_terms
from intranet.search.text.querylang import (
    And,
    Field,
    Node,
    Not,
    Phrase,
    Prefix,
    QuerySyntaxError,
    Word,
    parse,
)

_HASHTAG_RE = re.compile(r"#(\w+)")


@dataclass
class AnalyzedText:
    """A text's stems by position, computed once and shared by all the rules tried on it."""

    text: str
    positions: dict[str, list[int]] = field(default_factory=dict)
    _hashtags: set[str] | None = None

    @property
    def hashtags(self) -> set[str]:
        if self._hashtags is None:
            self._hashtags = {fold(t) for t in _HASHTAG_RE.findall(self.text)}
        return self._hashtags


def analyze(text: str) -> AnalyzedText:
    """Analyse a text for matching (accepts the result of a previous call unchanged)."""
    if isinstance(text, AnalyzedText):
        return text
    positions: dict[str, list[int]] = {}
    for pos, terms in enumerate(text_terms(text)):
        for term in terms:
            lst = positions.get(term)
            if lst is None:
                positions[term] = [pos]
            else:
                lst.append(pos)
    return AnalyzedText(text, positions)


Pred = Callable[[AnalyzedText], bool]


def _word_pred(terms: tuple[str, ...]) -> Pred:
    if len(terms) == 1:
        only = terms[0]
        return lambda a: only in a.positions
    return lambda a: any(t in a.positions for t in terms)


def _phrase_pred(seq: list[tuple[str, ...]]) -> Pred:
    first, rest = seq[0], seq[1:]

    def pred(a: AnalyzedText) -> bool:
        pos = a.positions
        starts: set[int] = set()
        for t in first:
            starts.update(pos.get(t, ()))
        for offset, terms in enumerate(rest, 1):
            if not starts:
                return False
            at: set[int] = set()
            for t in terms:
                at.update(p - offset for p in pos.get(t, ()))
            starts &= at
        return bool(starts)
    return pred


def _prefix_pred(prefix: str) -> Pred:
    """``secur*`` meets the stems starting with it; ``meetings*`` also meets its own stems
    (``meet``), since a stem can be shorter than the word typed (the index does the same)."""
    own = token_terms(prefix)
    return lambda a: (any(t in a.positions for t in own)
                      or any(t.startswith(prefix) for t in a.positions))


def _text_node(text: str) -> Pred | None:
    """A word that analyses to several tokens (l'équipe, e-mail) is a phrase."""
    seq = text_terms(text)
    if not seq:
        return None
    if len(seq) == 1:
        return _word_pred(seq[0])
    return _phrase_pred(seq)


def _compile(node: Node, labels: list[tuple[str, Pred]], negated: bool) -> Pred | None:
    if isinstance(node, (Word, Phrase)):
        pred = _text_node(node.text)
        if pred is not None and not negated:
            labels.append((node.text if isinstance(node, Word) else f'"{node.text}"', pred))
        return pred
    if isinstance(node, Prefix):
        folded = fold(node.text)
        pred = _prefix_pred(folded)
        if not negated:
            labels.append((node.text + "*", pred))
        return pred
    if isinstance(node, Field):
        return _field_pred(node, labels, negated)
    if isinstance(node, Not):
        inner = _compile(node.child, labels, not negated)
        return None if inner is None else (lambda a: not inner(a))
    preds = [p for c in node.children if (p := _compile(c, labels, negated)) is not None]
    if not preds:
        return None
    if len(preds) == 1:
        return preds[0]
    if isinstance(node, And):
        return lambda a: all(p(a) for p in preds)
    return lambda a: any(p(a) for p in preds)


def _field_pred(node: Field, labels: list[tuple[str, Pred]], negated: bool) -> Pred:
    if node.name != "topic":
        raise QuerySyntaxError(
            _("%(field)s: does not apply to a comment's text; use words, phrases, OR, -, * "
              "and #topics in a rule (position %(pos)d).", field=node.name, pos=node.pos + 1),
            node.pos)
    tag = fold(node.value)

    def pred(a: AnalyzedText) -> bool:
        return tag in a.hashtags
    if not negated:
        labels.append(("#" + node.value, pred))
    return pred


class Rule:
    """A compiled watch rule: ``matches`` and ``matched_terms`` on a text or AnalyzedText."""

    def __init__(self, text: str, pred: Pred, labels: list[tuple[str, Pred]]) -> None:
        self.text = text
        self._pred = pred
        self._labels = labels

    def matches(self, text: str | AnalyzedText) -> bool:
        return self._pred(analyze(text))

    def matched_terms(self, text: str | AnalyzedText) -> list[str]:
        """The rule's positive words/phrases/prefixes/topics found in the text (for reasons)."""
        a = analyze(text)
        seen: list[str] = []
        for label, pred in self._labels:
            if label not in seen and pred(a):
                seen.append(label)
        return seen

    def __repr__(self) -> str:
        return f"Rule({self.text!r})"


def compile_rule(text: str) -> Rule:
    """Parse and prepare a rule; QuerySyntaxError when unreadable or meaningless on text."""
    node = parse(text)
    labels: list[tuple[str, Pred]] = []
    pred = _compile(node, labels, negated=False)
    if pred is None or not labels:
        raise QuerySyntaxError(
            _("The rule needs at least one word to look for (very common words such as "
              "“the” or “les” are ignored)."), 0)
    return Rule(text, pred, labels)


__all__ = ["AnalyzedText", "Rule", "analyze", "compile_rule", "token_terms"]
