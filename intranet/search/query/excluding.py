"""``Excluding(a, b)``: Whoosh's ``AndNot`` whose matcher never lets a document of ``b`` through.

Whoosh's ``AndNotMatcher`` (2.7.4 and whoosh-reloaded 2.7.5) skips the excluded side forward
on ``next()`` and ``skip_to()``, but not when it starts: ``_find_first`` only acts when both
sides already stand on the same document. So whenever the excluded side's first document came
before the positive side's first, that first match was returned even when it held the
excluded term: ``"arrosage automatique" -piscine`` returned "Arrosage automatique du jardin
près de la piscine". (A ``skip_to`` to a docnum before the current one changes nothing, so a
window search kept it too.) Every query with an exclusion is built with this class, so every
path (Whoosh's matchers, its top-N search, and ``evaluate.py``'s bulk evaluation, which reads
the same tree) excludes the same documents.

Scores are unchanged: the positive side's, as ``AndNotMatcher`` gives them.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.matching.binary import AndNotMatcher


class ExcludingMatcher(AndNotMatcher):
    """``AndNotMatcher`` that also skips the excluded side where the positive side starts
    (``next``, ``skip_to`` and ``skip_to_quality`` already do; ``replace``, ``copy`` and
    ``reset`` start again through ``_find_first``)."""

    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class Excluding(wq.AndNot):
    """``a`` without the documents ``b`` matches (``b`` is matched without scores)."""

    def matcher(self, searcher, context=None):
        return ExcludingMatcher(self.a.matcher(searcher, context),
                                self.b.matcher(searcher, searcher.boolean_context()))
