"""Sentiment toward the brand: negation and idioms, irony, competitor comparisons, emojis, slang
and typos, in French and English, each with a confidence and its reasons."""

from __future__ import annotations

import pytest

from intranet.inbox.rules.cues import comparison, irony
from intranet.inbox.rules.sentiment import analyse, french_score
from intranet.search.text.analysis import fold

ACME = frozenset({"acme"})


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("Franchement pas terrible le service après-vente.", "fr", "negative"),
    ("Je ne recommande pas cette cafetière.", "fr", "negative"),
    ("Pas mal du tout, la cuisson vapeur est nickel.", "fr", "positive"),
    ("Je ne regrette pas du tout mon achat.", "fr", "positive"),
    ("Rien à redire, livraison rapide.", "fr", "positive"),
    ("Toujours rien reçu, c'est une blague.", "fr", "negative"),
    ("Le robot est bien plus solide que l'ancien.", "fr", "positive"),
    ("not bad at all, it handles frozen fruit like a champ", "en", "positive"),
    ("thanks for nothing, 4 emails and not a single reply", "en", "negative"),
    ("can't complain, cheap and on time", "en", "positive"),
    ("wouldn't recommend it to my worst enemy", "en", "negative"),
])
def test_negation_and_idioms(text, lang, expected):
    result = analyse(text, lang, ACME)
    assert result.label == expected, (text, result)
    assert 0.5 <= result.confidence <= 0.95


@pytest.mark.parametrize(("text", "lang"), [
    ("génial, troisième panne cette semaine 🙃", "fr"),
    ("Bravo Acme 👏 3 semaines pour un remboursement et toujours rien", "fr"),
    ("Le conseiller m'a raccroché au nez. Classe.", "fr"),
    ("great job Acme, 5 hour delay and a voucher for a sandwich", "en"),
    ("Oh cool, the update deleted my saved filters again. Fantastic.", "en"),
])
def test_praise_around_a_complaint_is_irony(text, lang):
    result = analyse(text, lang, ACME)
    assert result.label == "negative"
    assert any(r["code"] == "irony" for r in result.reasons)


@pytest.mark.parametrize("text", [
    "Merci Acme, remplacement reçu en 48h, impeccable 👌",
    "Rien à dire, Acme a géré le retard comme des chefs, hôtel offert",
    "Thanks Acme, the support team sorted it out in minutes",
])
def test_sincere_thanks_are_not_irony(text):
    assert analyse(text, "en" if text.startswith("Thanks") else "fr", ACME).label == "positive"
    assert irony(fold(text), text, True) is None


@pytest.mark.parametrize(("text", "brand_wins"), [
    ("Kitcheo est bien mieux que Acme, et en plus leur SAV répond.", False),
    ("Honnêtement Kitcheo fait des robots plus silencieux qu'Acme.", False),
    ("Brewmatic >>> Acme pour le café", False),
    ("kitcheo's robot is way better than acme's tbh", False),
    ("switched from Acme to Kitcheo last month, best decision ever", False),
    ("J'ai pris un Kitcheo à la place d'Acme et je regrette pas", False),
    ("we evaluated Acme vs Stratus, Stratus won on price", False),
    ("never had a worse experience than with Acme", False),
    ("Acme gagne haut la main, bien plus solide", True),
    ("Acme bien meilleur que Kitcheo niveau service", True),
    ("Acme > Kitcheo any day", True),
])
def test_a_comparison_is_read_from_where_the_brand_stands(text, brand_wins):
    lang = "fr" if any(w in text for w in ("est", "fait", "pour", "pris", "gagne", "meilleur")) else "en"
    result = analyse(text, lang, ACME)
    assert result.label == ("positive" if brand_wins else "negative"), result
    reason = next(r for r in result.reasons if r["code"] == "competitor")
    assert reason["params"]["brand_wins"] is brand_wins


def test_without_a_brand_name_no_comparison_is_claimed():
    assert comparison(fold("Kitcheo est bien mieux que Acme"), frozenset()) is None
    assert comparison(fold("On gagne un temps fou avec Acme"), ACME) is None
    assert comparison(fold("Je passe chez Acme le mois prochain"), ACME) is None


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("jpp le robot est trop bien 🔥", "fr", "positive"),
    ("c nul, la cafetière fuit de partout", "fr", "negative"),
    ("la cafetière est nuuuuul", "fr", "negative"),
    ("Service inadmissble, commande décevnte", "fr", "negative"),
    ("the acme robot chef slaps, best purchase this year", "en", "positive"),
    ("meh. the acme kettle is mid", "en", "negative"),
    ("FreshCart is trash now", "en", "negative"),
    ("this blender is goated 🙌", "en", "positive"),
    ("livraison reçue 😡😡", "fr", "negative"),
])
def test_emojis_slang_and_typos(text, lang, expected):
    assert analyse(text, lang, ACME).label == expected, text


def test_a_calm_question_stays_neutral_and_politeness_is_not_praise():
    for text in ("Bonjour, est-ce que la garantie couvre le bol ? merci",
                 "@acme is the 20% welcome code still working?"):
        assert analyse(text, "fr" if "Bonjour" in text else "en", ACME).label == "neutral"


def test_french_score_keeps_its_sign_rules():
    assert french_score("Le service est pas bien du tout.") < 0
    assert french_score("Je ne suis pas déçu, bien au contraire !") > 0
    assert french_score("Pas mal, mais vraiment trop cher et lent.") < 0
