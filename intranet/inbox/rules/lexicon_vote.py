"""A second French opinion: the textblob-fr lexicon (5,116 French adjective forms with a
polarity, by De Smedt and Daelemans for Pattern, public domain under the PDDL; the package's
code is MIT), read from the installed wheel's ``fr-sentiment.xml``.

It only votes where our lexicon has no opinion (a comment about a "bluffant" robot or a
"réussie" release with none of our words): ours knows customers' turns of phrase, this one
knows many more adjectives. The file is read without importing textblob (and so nltk): the
package's location comes from its import spec, and the XML is parsed once with defusedxml-free
ElementTree (a trusted file shipped in a wheel). No network, ever; without the package the vote
is simply absent.
"""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

from intranet.search.text.analysis import STOP_WORDS, fold

THRESHOLD = 0.25  # mean polarity of the adjectives found, in [-1, 1]
STRONG = 0.4  # weaker adjectives ("plein", "nouveau") are noise on customers' comments
SUBJECTIVE = 0.5  # only adjectives the lexicon marks as opinion (subjectivity in [0, 1])
_NEGATIONS = frozenset({"pas", "jamais", "plus", "rien", "aucun", "aucune", "sans"})
_WORD = re.compile(r"[\w']+", re.UNICODE)


@lru_cache(maxsize=1)
def lexicon() -> dict[str, float]:
    """Folded word -> polarity, from textblob-fr's file; empty when the package is absent."""
    spec = importlib.util.find_spec("textblob_fr")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "fr-sentiment.xml"
    if not path.is_file():
        return {}
    polarity: dict[str, list[float]] = {}
    for node in ET.parse(path).getroot().iter("word"):
        form = fold(node.get("form", ""))
        if float(node.get("subjectivity", 0)) >= SUBJECTIVE and len(form) >= 4 and form not in STOP_WORDS:
            polarity.setdefault(form, []).append(float(node.get("polarity", 0)))
    means = {w: sum(v) / len(v) for w, v in polarity.items()}
    return {w: p for w, p in means.items() if abs(p) >= STRONG}


def french_vote(text: str) -> float | None:
    """Mean polarity of the lexicon's adjectives in the text (negated after "pas" etc.), or None."""
    words = lexicon()
    if not words:
        return None
    found: list[float] = []
    negate = 0
    for token in _WORD.findall(fold(text)):
        token = token.split("'")[-1]
        if token in _NEGATIONS:
            negate = 3
            continue
        value = words.get(token)
        if value:
            found.append(-value * 0.74 if negate else value)
        negate = max(negate - 1, 0)
    return sum(found) / len(found) if found else None
