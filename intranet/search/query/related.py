"""The distinctive words of a text, by how rare they are in the company's own knowledge.

Used to suggest what may answer a customer comment: a fixed stop list keeps words such as
"anyone", "since" or "vraiment", which then match chit-chat posts, while the brand's name
matches everything. The index already knows each word's document frequency, so the words worth
searching for are the rarest ones that occur at all (a word nobody ever wrote finds nothing).
"""

from __future__ import annotations

from intranet.search.index.indexer import store
from intranet.search.text.analysis import TOKEN_RE, text_terms, token_terms

MIN_LETTERS = 3
COMMON_SHARE = 0.05  # a word in more than 5 % of the documents says little about a comment...
COMMON_FLOOR = 50  # ...once there are enough documents for a share to mean something


def distinctive_words(text: str, limit: int = 6, *, own_documents: int = 0) -> list[str]:
    """At most ``limit`` words of ``text`` (as written) that occur in the index, rarest first;
    ``own_documents`` is how many indexed documents hold the text itself (a case's own)."""
    searcher = store().snapshot().searcher
    ceiling = max(COMMON_FLOOR, int(searcher.doc_count() * COMMON_SHARE))
    words = {w.lower(): w for w in reversed(TOKEN_RE.findall(text)) if len(w) >= MIN_LETTERS}
    ranked: dict[str, int] = {}  # each word once, as first written, whatever its case
    for word in words.values():
        frequency = max((searcher.doc_frequency("body", t) for t in token_terms(word)), default=0)
        if 0 < frequency - own_documents <= ceiling:
            ranked[word] = frequency
    return sorted(ranked, key=lambda w: (ranked[w], -len(w)))[:limit]


def words_shared(text: str, words: list[str]) -> int:
    """How many of ``words`` occur in ``text`` (as the index sees words: any stem meets)."""
    stems = {t for terms in text_terms(text) for t in terms}
    return sum(1 for w in words if stems.intersection(token_terms(w)))
