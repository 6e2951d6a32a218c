"""Watch rules: brand and competitor queries in the search language, matched in memory.

Rules are compiled once per distinct rule text (``compile_rule`` parses and prepares a tree of
closures) and a comment is analysed once for all of them, so matching a comment against a dozen
rules costs a few microseconds. ``RuleSet.load`` reads the active rules each batch (one small
query), so an edited rule applies from the next delivery on without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from intranet.models import RuleKind
from intranet.search.text.analysis import fold
from intranet.search.text.match import AnalyzedText, Rule, analyze, compile_rule

PREVIEW_SCAN = 20_000  # a preview reads at most the newest this many stored comments
PREVIEW_SAMPLE = 10


@lru_cache(maxsize=512)
def compiled(query: str) -> Rule:
    """The compiled rule for a query text (raises QuerySyntaxError, an ``errors.Invalid``)."""
    return compile_rule(query)


class Hit(NamedTuple):
    rule_id: int
    name: str
    kind: RuleKind
    terms: list[str]


@dataclass
class RuleSet:
    rules: list[tuple[int, str, RuleKind, Rule]]

    def match(self, text: str | AnalyzedText) -> list[Hit]:
        analyzed = analyze(text)
        return [Hit(rid, name, kind, rule.matched_terms(analyzed))
                for rid, name, kind, rule in self.rules if rule.matches(analyzed)]

    def brand_handles(self) -> frozenset[str]:
        """Folded words of the brand rules: an @-mention containing one is a direct address."""
        words: set[str] = set()
        for _rid, _name, kind, rule in self.rules:
            if kind == RuleKind.BRAND:
                words |= {w for label in rule.text.replace('"', " ").split()
                          if len(w := fold(label.strip("*()#-"))) >= 3 and w not in ("or", "and")}
        return frozenset(words)
