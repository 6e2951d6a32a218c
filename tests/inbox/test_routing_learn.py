"""Routing that learns, the pure part: nearest past cases vote, the reason's numbers, rules win,
disagreement, cold start from a service's description, and the accuracy on our labelled set."""

from __future__ import annotations

import json
from pathlib import Path

from intranet.inbox.rules.learn import (
    DESCRIPTION,
    HISTORY,
    PRIOR,
    Example,
    Suggester,
    cue_codes,
    description_examples,
    suggest_service,
)

DATA = Path(__file__).parent / "data"


def _lines(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line]


HISTORY_ROWS = [
    ("Mon remboursement n'est jamais arrivé", "service-client"),
    ("Toujours pas de remboursement après deux semaines", "service-client"),
    ("Refund still not received, three weeks", "service-client"),
    ("L'appli plante au démarrage depuis la mise à jour", "produit"),
    ("App crashes on startup after the update", "produit"),
    ("La nouvelle pub est géniale", "marketing"),
]


def test_nearest_cases_vote_and_the_numbers_make_the_reason():
    got = suggest_service("Remboursement toujours pas reçu !", HISTORY_ROWS)
    assert got is not None and got.service == "service-client" and got.basis == HISTORY
    assert got.votes == 2 and got.neighbours >= 2 and 0.5 < got.share <= 1
    crash = suggest_service("the app crashes since the update", HISTORY_ROWS)
    assert crash.service == "produit" and crash.final == "produit"


def test_accents_and_stems_are_those_of_search():
    got = suggest_service("REMBOURSEMENTS pas recus", HISTORY_ROWS)
    assert got.service == "service-client"


def test_rules_win_but_strong_disagreement_is_flagged():
    history = [(f"remboursement bloqué numéro {i}", "service-client") for i in range(8)]
    history += [("campagne de pub", "marketing")]
    got = suggest_service("remboursement bloqué", history, rule_service="marketing")
    assert got.final == "marketing" and got.service == "service-client" and got.disagrees
    mild = suggest_service("remboursement bloqué", history[:2] + history[-1:], rule_service="marketing")
    assert mild.final == "marketing" and not mild.disagrees  # two similar cases are not strong


def test_nothing_similar_falls_back_to_the_most_common_service():
    got = suggest_service("zzz qqq", HISTORY_ROWS)
    assert got.basis == PRIOR and got.service == "service-client" and got.votes == 0
    assert suggest_service("anything", []) is None


def test_a_new_inbox_starts_from_the_leads_descriptions():
    seeds = (description_examples("produit", "Pannes, bugs, défauts et sécurité des appareils",
                                  ["Le robot surchauffe", "L'écran reste noir"])
             + description_examples("marketing", "Image de marque, publicités, partenariats",
                                    ["Votre pub est ratée"]))
    assert all(e.kind == DESCRIPTION for e in seeds) and len(seeds) == 5
    got = suggest_service("mon robot surchauffe, c'est dangereux", seeds)
    assert got.service == "produit" and got.basis == DESCRIPTION
    # once real cases exist they outvote the descriptions
    history = seeds + [Example(f"le robot surchauffe encore {i}", "marketing") for i in range(4)]
    assert suggest_service("mon robot surchauffe", history).basis == HISTORY


def test_corrections_weigh_more():
    history = [Example("colis abîmé à la livraison", "service-client"),
               Example("colis abîmé à la livraison, carton ouvert", "produit", weight=3.0)]
    assert suggest_service("colis abîmé", history).service == "produit"


def test_accuracy_on_the_labelled_set_with_20_past_cases_per_brand():
    """The aim: ≥ 0.90 with 20 routed cases per brand as the only memory."""
    history = _lines("routing_history.jsonl")
    brands = {row["brand"] for row in history}
    assert all(sum(r["brand"] == b for r in history) == 20 for b in brands)
    suggester = Suggester.build([(r["text"], r["service"]) for r in history])
    rows = _lines("routing_labelled.jsonl")
    right = sum(suggest_service(r["text"], suggester).service == r["service"] for r in rows)
    assert len(rows) >= 50 and right / len(rows) >= 0.90


def test_triage_cues_bring_past_cases_of_the_same_kind_nearer():
    """Same words, different kinds of report: the past safety report votes for the safety one."""
    history = [Example("FreshCart le poulet livré hier", "food-safety", cues=("safety",)),
               Example("FreshCart le poulet livré hier", "support", cues=("incident",))]
    suggester = Suggester.build(history)
    assert suggester.suggest("FreshCart le poulet de hier", cues=("safety",)).service == "food-safety"
    assert suggester.suggest("FreshCart le poulet de hier", cues=("incident",)).service == "support"
    reasons = [{"code": "safety"}, {"code": "sentiment"}, {"code": "question"}]
    assert cue_codes(reasons) == ("question", "safety")
    assert cue_codes(None) == ()


def test_each_services_cases_as_a_whole_steady_the_vote():
    """Among the services the neighbours name, the one whose past cases are nearest as a whole
    wins over a single close look-alike; the reason's numbers stay the neighbours'."""
    history = [Example("remboursement carte bloquée", "service-client")]
    history += [Example(f"fraude carte bloquée paiement inconnu {w}", "fraude")
                for w in ("piratage", "phishing", "arnaque")]
    got = suggest_service("carte bloquée, paiement inconnu", history)
    assert got.service == "fraude" and got.votes == 3 and got.neighbours == 4
