"""Facet counts are collected as codes and named only for the values a page shows: the top
values must be exactly those, in exactly the order, of a fully decoded ``Counter``."""

from __future__ import annotations

from collections import Counter

from intranet.search.index.store import Codes
from intranet.search.query.facets import FacetCounts


def _coded() -> tuple[Codes, Counter]:
    codes = Codes()
    ids = [codes.code("author", str(100 + i)) for i in range(12)]
    # ties across the cut, and code 0 (no value) among the largest counts
    counts = Counter({ids[3]: 4, 0: 9, ids[0]: 2, ids[7]: 4, ids[1]: 7, ids[5]: 2, ids[2]: 4,
                      ids[9]: 1, ids[4]: 2, ids[11]: 7})
    return codes, counts


def test_most_common_names_the_top_values_in_a_decoded_counters_order() -> None:
    codes, counts = _coded()
    periods = Counter({"older": 5, "week": 2, "year": 5})
    facets = FacetCounts(codes, {"author": counts, "period": periods})
    decoded = Counter({codes.value("author", c): n for c, n in counts.items() if c})
    for n in (1, 2, 3, 4, 5, 8, 20):
        assert facets.most_common("author", n) == decoded.most_common(n)
        assert facets.most_common("period", n) == periods.most_common(n)
    assert facets["author"] == decoded and "" not in facets["author"]
    assert facets.most_common("author", 3) == decoded.most_common(3)  # after decoding too
    assert list(facets) == ["author", "period"] and facets.counted()


def test_counted_ignores_the_no_value_code() -> None:
    codes, _counts = _coded()
    assert not FacetCounts(codes, {"author": Counter({0: 4}), "period": Counter()}).counted()
    assert FacetCounts(codes, {"author": Counter(), "period": Counter({"week": 1})}).counted()
