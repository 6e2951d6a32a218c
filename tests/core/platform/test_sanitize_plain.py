"""The plain-text shortcut of ``sanitize.render`` gives byte-for-byte the HTML of the full path
(markdown-it + bleach with linkify), on a corpus of real-looking messages and on random strings
built from the characters that matter to Markdown, HTML and linkify."""

from __future__ import annotations

import random

from intranet.platform import sanitize

CORPUS = [
    "Bench message", "ok", "Merci !", "Bonjour\u00a0! Ça va\u00a0?", "À demain, 9 h 30.",
    "D’accord : on se voit à l’accueil (bâtiment B).", "C'est noté; je m'en occupe.",
    "Réunion déplacée - salle 2.", "Fin.", "x", "Straße, naïve café, Ærø, Œuvre", "日本語のメッセージ",
    "Привет, как дела ?", "a  b   c", "Prix\u202f: 12\u00a0€", "Version 2.0 est sortie",
    "Voir example.com", "Voir www.example.com demain", "mail bob@example.com", "https://intra.corp/x",
    "@alice tu as vu ?", "Salut @bob", "#apollo demain", "a # b", "1. premier", "2) second",
    "- liste", "+ liste", "* liste", "> citation", "# Titre", "    code", "`code`", "**gras**",
    "_italique_", "a_b_c", "~~barré~~", "a | b", "a & b", "a &amp; b", "<b>gras</b>", "a < b > c",
    'il a dit "oui"', "a\\b", "ligne 1\nligne 2", "fin  ", " début", "Emoji 😀 ok", "👍",
    "Cœur ❤️ ici", "Tab\there", "a.b", "fin.)", "(voir p. 3)", "Q: quoi ? R: rien !", "ok -", "---",
    "x ---", "A\u200bB", "é\u0301", "Nº 5 ², ½", "Ⅻ", "ǅemal", "ok.\u00a0Suite", "deux..  points",
    "Point final...", "a.\u00a0b.com", "Sous-titre – tiret demi-cadratin — cadratin", "«\u00a0Oui\u00a0»",
]

ALPHABET = ("abcdeéàçœßÆ日ж019 \u00a0\u202f.,;:!?'’()-_*`~#@&<>\"\\/|[]=+^\n\t😀❤️\u200b"
            "comhttpwww")


def _check(text: str) -> bool:
    """True when the shortcut applied; fails the test if its HTML differs from the full path."""
    full = sanitize._render_markdown(text, lambda _h: None, None)
    if not sanitize._plain(text):
        return False
    fast = sanitize.render(text, lambda _h: None, None)
    assert fast.html == full.html, text
    assert (fast.mentions, fast.topics) == (full.mentions, full.topics) == (set(), set()), text
    assert sanitize.scan(text).mentions == set()
    return True


def test_plain_text_renders_exactly_as_the_full_path_on_a_corpus():
    used = [text for text in CORPUS if _check(text)]
    # the shortcut is taken for everyday messages (else it proves nothing) ...
    assert {"Bench message", "Merci !", "Bonjour\u00a0! Ça va\u00a0?", "Fin.",
            "D’accord : on se voit à l’accueil (bâtiment B)."} <= set(used)
    # ... and never for anything Markdown, HTML, linkify or mentions would change
    for text in ("Voir example.com", "@alice tu as vu ?", "1. premier", "- liste", "a & b", "**gras**",
                 "<b>gras</b>", "ligne 1\nligne 2", "Version 2.0 est sortie", "a_b_c"):
        assert text not in used


def test_plain_text_renders_exactly_as_the_full_path_on_random_strings():
    rng = random.Random(20261126)
    taken = 0
    for _ in range(4000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 14)))
        taken += _check(text)
        taken += _check(rng.choice("AbÉé") + text)  # a letter first: the shortcut's usual case
    assert taken > 300
