"""Facet counts as a search collects them (codes), named only when read.

A mid-frequency word's hits count ~1,000 authors; a results page and the API show the top
eight values of each facet. Decoding every code into its value on every search cost ~0.4 ms;
``most_common`` decodes only the values it returns, in exactly the order a fully decoded
``Counter`` would give them (codes and values are one to one, so the counts keep their order).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Mapping
from operator import itemgetter

from intranet.search.index.store import Codes

UNCODED = frozenset({"period"})  # facets counted by their value, not by a code


class FacetCounts(Mapping[str, Counter]):
    """``facets[name]`` is the facet's ``Counter`` of values (decoded on first read); code 0
    (no value: a post outside any group) is not a value and never counts."""

    def __init__(self, codes: Codes, counts: dict[str, Counter]) -> None:
        self._codes = codes
        self._counts = counts
        self._decoded: dict[str, Counter] = {}

    def __getitem__(self, name: str) -> Counter:
        found = self._decoded.get(name)
        if found is None:
            counter = self._counts[name]
            if name in UNCODED:
                found = counter
            else:
                value = self._codes.values(name)
                found = Counter({value[code]: n for code, n in counter.items() if code})
            self._decoded[name] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)

    def most_common(self, name: str, n: int) -> list[tuple[str, int]]:
        """``self[name].most_common(n)`` without decoding the values it leaves out."""
        counter = self._counts[name]
        if name in UNCODED or name in self._decoded:
            return self[name].most_common(n)
        # code 0 may hold one of the n + 1 places: dropping it keeps the others' order
        top = heapq.nlargest(n + 1, counter.items(), key=itemgetter(1))
        value = self._codes.values(name)
        return [(value[code], k) for code, k in top if code][:n]

    def counted(self) -> bool:
        """Whether any facet counts a value (``any(self.values())`` without decoding)."""
        return any(any(counter) for counter in self._counts.values())
