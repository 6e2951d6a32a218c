"""Snippets: a short window of the database text around the first match, matches in <mark>.

Built on ``analysis.token_terms`` so exactly the words the index matched are marked (a stem
shared by ``réunions`` and ``reunion`` marks both), and escaped with markupsafe: the text is a
person's writing and the snippet is inserted as HTML.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from intranet.search.text.analysis import TOKEN_RE, fold, token_terms

WIDTH = 200


def _matches(text: str, terms: set[str], prefixes: set[str],
             width: int = WIDTH) -> list[tuple[int, int]]:
    """The matched words' spans, up to the end of the snippet's window (which starts at most
    at the first match: a later word cannot be shown, so a long text is not read to its end)."""
    spans: list[tuple[int, int]] = []
    for m in TOKEN_RE.finditer(text):
        if spans and m.start() >= spans[0][0] + width:
            break
        word = m.group(0)
        stems = token_terms(word)
        if not stems:
            continue
        if not terms.isdisjoint(stems) or (
                prefixes and any(fold(word).startswith(p) for p in prefixes)):
            spans.append((m.start(), m.end()))
    return spans


def snippet(text: str, terms: set[str], prefixes: set[str] = frozenset(),
            width: int = WIDTH) -> Markup:
    """An escaped excerpt of ``text`` around its first match (or its start), matches marked."""
    spans = _matches(text, terms, prefixes, width) if terms or prefixes else []
    start = 0
    if spans and spans[0][0] > width // 3:
        start = text.rfind(" ", 0, spans[0][0] - width // 3) + 1
    end = min(len(text), start + width)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    out = ["…" if start else ""]  # plain strings around escaped pieces, wrapped once
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += (escape(text[pos:s]), "<mark>", escape(text[s:e]), "</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return Markup("".join(out))
