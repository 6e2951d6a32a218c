"""Two cues that overturn what the words say: irony, and a comparison with a competitor.

Irony: praise words around a complaint ("génial, troisième panne cette semaine 🙃", "great job,
5 hour delay 👏", "...raccroché au nez. Classe."). It fires when praise OPENS the comment or stands
alone as a short sentence, or an irony emoji or idiom is present, AND the rest describes trouble;
sincere thanks after a fixed problem ("merci, remplacement reçu en 48h") has no trouble words.

Comparison: praise of a competitor over the brand is bad news for the brand, and marketing's
business ("Kitcheo est bien mieux que Acme", "JetPlume >>> SkyLoop", "switched from Volta to
Orbis"). Which side wins is read from where the brand stands around a comparative: after
"mieux que"/"better than" it loses, before it, it wins. Without a brand name nothing is said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from intranet.inbox.rules.lexicon_en import IRONY_EMOJIS

_WORD = re.compile(r"[\w']+|>+|<+", re.UNICODE)
_SENTENCES = re.compile(r"(?<=[.!?…])\s+|\s*(?:\.\.\.|…)\s*")

PRAISE_OPENERS = re.compile(
    r"^\W*(?:oh\W+)?(?:genial|super|bravo|merci|top|parfait|magnifique|excellent|chapeau|bien joue|"
    r"quel bonheur|quelle joie|sympa|trop bien|formidable|felicitations|great job|great|good job|"
    r"well done|wonderful|fantastic|amazing|awesome|perfect|brilliant|love how|love|thanks|"
    r"thank you|nice|cool|lovely|congrats|splendid|incredible)\b")
PRAISE_FRAGMENT = re.compile(
    r"^\W*(?:classe|bravo|genial|super|top|parfait|magnifique|chapeau|bien joue|merci \w+ pour cette"
    r"|merci pour ce|amazing|fantastic|great|wonderful|brilliant|perfect|lovely|cool|nice|"
    r"love it|really|truly|bravo \w+|merci \w+)\W*$")
IRONY_PHRASES = re.compile(
    r"\b(?:merci pour rien|thanks for nothing|love that for me|cool cool cool|of course they did|"
    r"quel bonheur de|quelle joie de|love how|really\. love it|vous etes vraiment des pros|"
    r"quel professionnalisme|on y croit|sympa \w+ de|classe\.|truly\.)")
TROUBLE = re.compile(
    r"\b(?:retard\w*|panne\w*|frais|hors forfait|attente|attendre|attends|perdu\w*|annul\w*|"
    r"oubli\w*|ecrase\w*|raccroche\w*|sans reponse|toujours rien|toujours pas|encore|troisieme|"
    r"\d+e fois|\d+ fois|semaines?|coupe\w*|saute\w*|deconnect\w*|supprim\w*|facture\w*|"
    r"preleve\w*|debite\w*|sans internet|delay\w*|lost|cancel\w*|missing|forgot|crushed|"
    r"double.booked|deleted|logs? me out|hung up|no reply|no answer|again|third time|yet another|"
    r"voucher|charged|fee|fees|waiting|still|\d+ (?:hours?|hrs?|days?|weeks?|jours|heures|h)|"
    r"substitut\w*|soup|doesn't work|not working|ne marche|ne fonctionne|broke\w*|cass\w*|"
    r"fermeture|plus de reseau|sans prevenir|sans explication|retir\w*|au lieu de|instead of|"
    r"without \w+ (?:warning|notice|reminder)|late|en retard)\b")
BETTER = {"mieux", "meilleur", "meilleure", "meilleurs", "meilleures", "superieur", "superieure",
          "devant", "better", "superior", "beats", "beat", "faster", "cheaper", "nicer", "fresher",
          "smoother", "easier", "quicker", "cleaner", "friendlier", "stronger", "ahead"}
WORSE = {"pire", "worse", "slower", "pricier", "weaker"}
PLUS_ADJECTIVES = {  # "plus ADJ que", "more ADJ than": does the subject win (+) or lose (-)?
    "fiable": 1, "rapide": 1, "solide": 1, "stable": 1, "simple": 1, "sympa": 1, "efficace": 1,
    "pratique": 1, "silencieux": 1, "silencieuse": 1, "agreable": 1, "clair": 1, "beau": 1,
    "reliable": 1, "stable ": 1, "useful": 1, "helpful": 1, "intuitive": 1, "affordable": 1,
    "cher": -1, "chere": -1, "lent": -1, "lente": -1, "complique": -1, "bruyant": -1,
    "expensive": -1, "complicated": -1, "buggy": -1,
}
WINS = {"gagne", "won", "wins", "emporte"}
SWITCH = re.compile(
    r"\b(?:switch\w*(?: \w+){0,3}? (?:to|over to)|mov(?:ed|ing)(?: \w+){0,2}? to|"
    r"(?:passe\w*|pars|partir|parti|allee?) chez|change\w*(?: \w+){0,2}? (?:pour|chez)) (?P<to>[\w']+)")
_PRONOUNS = frozenset({"on", "il", "elle", "ils", "elles", "we", "they", "it", "he", "she", "i", "je",
                       "j", "qui", "who", "you", "vous", "nous", "tu", "ca", "c'est", "that"})
_ARTICLES = frozenset({"the", "le", "la", "les", "un", "une", "a", "an"})
INSTEAD = re.compile(r"\b(?:a la place d'?e?|instead of|plutot que|rather than) ?(?P<of>[\w']+)")
GO_FOR = re.compile(r"\b(?:between|entre)\b.*\b(?:go|pick|choose|take|prenez|choisissez)(?: with| for)? "
                    r"(?P<pick>[\w']+)")


@dataclass(frozen=True)
class Comparison:
    sign: int  # +1: the brand wins, -1: a competitor wins
    words: str


def irony(folded: str, text: str, praise_found: bool) -> str | None:
    """The words that make the comment ironic, or None. ``praise_found``: the lexicon saw praise."""
    trouble = TROUBLE.search(folded)
    emoji = next((e for e in IRONY_EMOJIS if e in text), None)
    if emoji and emoji != "🫠" and praise_found and PRAISE_OPENERS.search(folded) is None:
        return emoji  # "payés pour dire que c'est génial... on y croit 🙄": sarcasm needs no trouble
    if trouble is None:
        return None
    phrase = IRONY_PHRASES.search(folded)
    if phrase:
        return phrase.group(0)
    if emoji and praise_found:
        return emoji
    sentences = [s for s in _SENTENCES.split(folded) if s.strip()]
    opener = PRAISE_OPENERS.match(sentences[0]) if sentences else None
    if opener and TROUBLE.search(folded, opener.end()):
        return opener.group(0).strip(" ,.!")
    for before, sentence in pairwise(sentences):
        if PRAISE_FRAGMENT.match(sentence) and TROUBLE.search(before):
            return sentence.strip(" .!")
    if ("👏" in text or "🙂" in text) and praise_found:
        return "👏" if "👏" in text else "🙂"
    return None


def _is_brand(word: str, brands: frozenset[str]) -> bool:
    return any(b in word for b in brands)


def comparison(folded: str, brands: frozenset[str]) -> Comparison | None:
    """How the brand fares in a comparison with another name, or None (no comparison, no brand)."""
    if not brands:
        return None
    words = _WORD.findall(folded)
    if not any(_is_brand(w, brands) for w in words):
        return None
    return _switch(folded, brands) or _comparative(words, brands)


def _switch(folded: str, brands: frozenset[str]) -> Comparison | None:
    for pattern, group, sign_if_brand in ((INSTEAD, "of", -1), (GO_FOR, "pick", 1)):
        match = pattern.search(folded)
        if match:
            named = _is_brand(match.group(group), brands)
            return Comparison(sign_if_brand if named else -sign_if_brand, match.group(0))
    match = SWITCH.search(folded)
    # leaving for another name is bad news; coming to the brand says nothing of the brand yet
    if match and not _is_brand(match.group("to"), brands) and match.group("to") not in _ARTICLES:
        return Comparison(-1, match.group(0))
    return None


def _marker(words: list[str], i: int) -> int:
    """+1 if words[i] says "the left side is better", -1 "worse", 0 not a comparative."""
    word = words[i]
    if word in BETTER or (word.startswith(">") and i > 0):
        return 1
    if word in WORSE or word.startswith("<"):
        return -1
    if word in ("plus", "more", "moins", "less") and i + 1 < len(words):
        sign = PLUS_ADJECTIVES.get(words[i + 1], 0)
        return -sign if word in ("moins", "less") else sign
    if word in WINS:
        return 1
    if word == "autre" and i + 1 < len(words) and words[i + 1] == "chose":
        return 1
    return 0


def _has_object(words: list[str], i: int) -> bool:
    """A comparison names what it compares with: "mieux QUE", "better THAN", ">", "devant"."""
    if words[i] in WINS or words[i] in ("devant", "ahead") or words[i].startswith((">", "<")):
        return True
    return any(w in ("que", "qu", "than", "over", "vs", "celle", "celui", "sur")
               for w in words[i + 1:i + 4])


def _comparative(words: list[str], brands: frozenset[str]) -> Comparison | None:
    for i in range(len(words)):
        sign = _marker(words, i)
        if not sign:
            continue
        before = words[max(0, i - 6):i]
        after = words[i + 1:i + 8]
        if words[i] in WINS:  # "Acme gagne", "Stratus won": the subject is the word just before
            if not before or before[-1] in _PRONOUNS:
                continue  # "on gagne un temps fou" compares nothing
            after = []
            before = before[-1:]
        if any(w in ("never", "jamais") for w in before[-4:]):
            sign = -sign  # "never had a worse experience than X": X is the worst
        brand_after = any(_is_brand(w, brands) for w in after)
        brand_before = any(_is_brand(w, brands) for w in before)
        if brand_after and not brand_before:
            return Comparison(-sign, " ".join(words[max(0, i - 3):i + 4]))
        if brand_before and not brand_after and _has_object(words, i):
            return Comparison(sign, " ".join(words[max(0, i - 3):i + 4]))
        if brand_before and brand_after:  # "Azur ... mieux que ... Azur": the nearer side counts
            continue
        if words[i] in WINS and before:
            return Comparison(-1, " ".join(words[max(0, i - 3):i + 4]))
    return None
