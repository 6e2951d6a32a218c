"""``Excluding(a, b)``: Whoosh's ``AndNot`` whose matcher never lets a document of ``b`` through.

Whoosh's ``AndNotMatcher`` (2.7.4 and whoosh-reloaded 2.7.5) compares the two sides' current
documents only. It skips the excluded side forward on ``next()``, but not when it starts
(``_find_first`` only acts when both sides already stand on the same document) nor on
``skip_to()`` (inherited from ``BiMatcher``, which moves both sides and checks nothing). So
``"arrosage automatique" -piscine`` returned the first phrase match even when it held
"piscine", whenever a document with "piscine" came earlier in the segment, and a search in a
recent window (``skip_to`` its first docnum) could return one more. Every query with an
exclusion is built with this class, so every path (Whoosh's matchers, its top-N search, and
``evaluate.py``'s bulk evaluation, which reads the same tree) excludes the same documents.

Scores are unchanged: the positive side's, as ``AndNotMatcher`` gives them.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import mcore
from whoosh.matching.binary import AndNotMatcher


class ExcludingMatcher(AndNotMatcher):
    """``AndNotMatcher`` that steps past excluded documents wherever the positive side lands."""

    def _find_first(self) -> None:
        self._find_next()

    def _find_next(self) -> bool:
        """Move the positive side forward while its document is on the excluded side; True
        when a move crossed a block (as Whoosh's ``next()`` reports it)."""
        pos, neg = self.a, self.b
        moved = False
        while pos.is_active() and neg.is_active():
            pos_id = pos.id()
            if neg.id() < pos_id:
                neg.skip_to(pos_id)
                if not neg.is_active():
                    break
            if neg.id() != pos_id:
                break
            moved = bool(pos.next()) or moved
        return moved

    def skip_to(self, id: int) -> bool:
        if not self.is_active():
            raise mcore.ReadTooFar
        moved = bool(self.a.skip_to(id))
        return self._find_next() or moved


class Excluding(wq.AndNot):
    """``a`` without the documents ``b`` matches (``b`` is matched without scores)."""

    def matcher(self, searcher, context=None):
        return ExcludingMatcher(self.a.matcher(searcher, context),
                                self.b.matcher(searcher, searcher.boolean_context()))
