"""Needs-response and urgency as a senior community manager decides them, with a confidence
per label and the reasons rendered in both languages."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from intranet.inbox.rules.triage import describe, triage

ACME = frozenset({"acme"})


def _triage(text: str, lang: str = "fr", **kw):
    return triage(text, lang=lang, handles=ACME, **kw)


@pytest.mark.parametrize(("text", "lang", "urgency"), [
    ("Le Robot Chef Acme a brûlé ma sauce, odeur de plastique fondu", "fr", "critical"),
    ("My Acme kettle started to smoke and sparks came out", "en", "critical"),
    ("3 paiements que je n'ai jamais faits sur mon compte Acme cette nuit", "fr", "critical"),
    ("someone logged into my Acme account from another country, not me", "en", "critical"),
    ("Si Acme ne me rembourse pas je saisis la DGCCRF et mon avocat.", "fr", "high"),
    ("L'appli Acme est en panne depuis ce matin, impossible de me connecter", "fr", "high"),
    ("Flight cancelled tonight, stuck at the gate with 2 kids and no staff", "en", "high"),
])
def test_safety_fraud_legal_outage_and_stuck_are_urgent_and_answered(text, lang, urgency):
    result = _triage(text, lang)
    assert result.urgency == urgency, result.reasons
    assert result.needs_response and result.sentiment == "negative"
    assert result.recommendation in ("escalate", "answer")
    assert result.confidence["urgency"] >= 0.8 and result.confidence["needs_response"] >= 0.8


def test_one_broken_appliance_is_answered_but_is_not_an_outage():
    result = _triage("Ma cafetière Acme ne marche plus depuis hier, voyant rouge. Aidez-moi svp")
    assert result.needs_response and result.urgency == "normal"
    assert "outage" not in {r["code"] for r in result.reasons}


@pytest.mark.parametrize(("text", "lang"), [
    ("Merci @AcmeCuisine, remplacement reçu en 48h, impeccable 👌", "fr"),
    ("Kitcheo est bien mieux que Acme, et en plus leur SAV répond.", "fr"),
    ("Franchement pas terrible le service après-vente Acme.", "fr"),
    ("Je vais résilier mon contrat Acme, ras le bol des frais.", "fr"),
    ("Acme's new ad is on every youtube video lol", "en"),
])
def test_praise_opinions_comparisons_and_threats_alone_need_no_response(text, lang):
    result = _triage(text, lang)
    assert not result.needs_response and result.urgency in ("low", "normal"), result.reasons


def test_a_competitor_win_is_observed_for_marketing():
    result = _triage("Kitcheo est bien mieux que Acme")
    assert (result.sentiment, result.recommendation) == ("negative", "observe")
    assert "competitor" in {r["code"] for r in result.reasons}


@pytest.mark.parametrize(("text", "lang"), [
    ("@acme my order says delivered but nothing here. who do I talk to?", "en"),
    ("Acme m'a débité deux fois pour le même robot", "fr"),
    ("Bravo Acme, vol annulé par mail à 2h du matin 🙃", "fr"),
    ("Bonjour, est-ce que la garantie du Robot Chef couvre le bol ?", "fr"),
])
def test_questions_incidents_and_ironic_complaints_are_answered(text, lang):
    assert _triage(text, lang).needs_response


def test_every_label_has_a_confidence_shown_in_the_reasons(app):
    result = _triage("génial, troisième panne cette semaine 🙃 @AcmeCuisine")
    assert set(result.confidence) == {"sentiment", "needs_response", "urgency"}
    assert all(0.5 <= v <= 0.95 for v in result.confidence.values())
    assert result.as_json()["confidence"] == result.confidence
    with app.test_request_context():
        english = [describe(r) for r in result.reasons]
        with force_locale("fr"):
            french = [describe(r) for r in result.reasons]
    assert any("confidence" in line and "%" in line for line in english)
    assert any(line.startswith("Irony") for line in english)
    assert any("confiance" in line for line in french), french
    assert any(line.startswith("Ironie") for line in french), french


def test_a_large_audience_raises_urgency_and_escalates_a_complaint():
    result = _triage("Acme is the worst, never again.", "en", followers=40_000)
    assert result.urgency == "high" and result.recommendation == "escalate"
