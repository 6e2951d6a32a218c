"""Analyzers, the query language and the in-memory rule matcher (no database, no index)."""

from __future__ import annotations

import datetime as dt

import pytest

from intranet.platform.errors import Invalid
from intranet.search.text.analysis import english_analyzer, french_analyzer, mixed_analyzer, text_terms
from intranet.search.text.match import analyze, compile_rule
from intranet.search.text.querylang import And, Field, Not, Or, Phrase, Prefix, QuerySyntaxError, Word, parse


def terms(analyzer, text: str) -> list[str]:
    return [t.text for t in analyzer(text)]


# ---- analyzers -------------------------------------------------------------------------------

def test_accents_fold_before_stemming_in_french() -> None:
    fr = french_analyzer()
    assert terms(fr, "securite") == terms(fr, "sécurité") == terms(fr, "sécurités")
    assert terms(fr, "réunions") == terms(fr, "réunion")
    assert terms(fr, "les réunions") == terms(fr, "réunion")  # "les" is a stop word


def test_english_stems_plurals() -> None:
    en = english_analyzer()
    assert terms(en, "meetings") == terms(en, "meeting")
    assert terms(en, "the meetings") == ["meet"]


def test_mixed_analyzer_serves_both_languages_at_one_position() -> None:
    mixed = mixed_analyzer()
    assert set(terms(mixed, "Sécurités")) == set(terms(mixed, "securite"))
    assert set(terms(mixed, "meetings")) & set(terms(mixed, "meeting"))
    assert set(terms(mixed, "réunions")) == set(terms(mixed, "reunion"))
    tokens = [(t.text, t.pos) for t in mixed("les meetings de l'équipe", positions=True)]
    assert {pos for _text, pos in tokens} == {0, 1}  # stop words leave no gap
    assert text_terms("les de la the") == []


# ---- parser ----------------------------------------------------------------------------------

def test_parse_every_operator() -> None:
    node = parse('budget "plan de vol" -draft secu* from:alice in:"Projet Apollo" '
                 "type:files skill:python #launch before:2024-05-31 after:2024-01")
    assert isinstance(node, And)
    kinds = [type(c) for c in node.children]
    assert kinds == [Word, Phrase, Not, Prefix] + [Field] * 7
    fields = {c.name: c.value for c in node.children if isinstance(c, Field)}
    assert fields == {"from": "alice", "in": "Projet Apollo", "type": "file", "skill": "python",
                      "topic": "launch", "before": dt.date(2024, 5, 31),
                      "after": dt.date(2024, 1, 1)}


def test_or_binds_tighter_than_and_and_parentheses_group() -> None:
    assert parse("a b OR c") == And((Word("a", 0), Or((Word("b", 2), Word("c", 7)))))
    node = parse("(alpha OR beta) gamma")
    assert isinstance(node, And) and isinstance(node.children[0], Or)
    assert parse("NOT x") == Not(Word("x", 4), 0)


def test_unknown_field_names_are_plain_text() -> None:
    assert parse("note:urgent") == Word("note:urgent", 0)


@pytest.mark.parametrize(("query", "position", "words"), [
    ('"unclosed phrase', 0, "quotation mark"),
    ("(alpha beta", 0, "parenthesis"),
    ("alpha)", 5, "closing parenthesis"),
    ("OR beta", 0, "OR needs a word before"),
    ("alpha OR", 6, "OR needs a word after"),
    ("type:spaceship", 0, "Unknown type"),
    ("before:yesterday", 0, "date like"),
    ("from:", 0, "needs a value"),
    ("a*b", 0, "end of a word"),
    ("x*", 0, "at least 2 letters"),
    ("   ", 0, "Type something"),
])
def test_syntax_errors_explain_and_point(query: str, position: int, words: str) -> None:
    with pytest.raises(QuerySyntaxError) as err:
        parse(query)
    assert isinstance(err.value, Invalid) and err.value.status == 400
    assert words in err.value.message
    assert err.value.position == position


# ---- matcher ---------------------------------------------------------------------------------

COMMENT = ("Les réunions de sécurité chez ACME sont toujours en retard, and the meetings "
           "never start on time. #ServiceClient déçu par le support")


@pytest.mark.parametrize(("rule", "expected"), [
    ("securite", True),
    ("sécurités", True),
    ("réunion", True),
    ("meeting", True),
    ('"réunions de sécurité"', True),
    ('"sécurité réunions"', False),
    ("acme -retard", False),
    ("acme -ponctuel", True),
    ("concurrent OR acme", True),
    ("concurrent OR globex", False),
    ("secu*", True),
    ("#serviceclient", True),
    ("#marketing", False),
    ("(globex OR acme) support", True),
    ("acme NOT (retard OR ponctuel)", False),
    ("l'équipe", False),
])
def test_rule_matches(rule: str, expected: bool) -> None:
    assert compile_rule(rule).matches(COMMENT) is expected


def test_one_analysis_serves_many_rules_and_reports_terms() -> None:
    text = analyze(COMMENT)
    rule = compile_rule('acme "the meetings" OR globex -bravo secu*')
    assert rule.matches(text)
    assert rule.matched_terms(text) == ["acme", '"the meetings"', "secu*"]


@pytest.mark.parametrize("rule", ["from:alice acme", "in:apollo x", "type:post acme",
                                  "skill:python", "after:2024-01-01 acme"])
def test_field_operators_are_rejected_for_text_rules(rule: str) -> None:
    with pytest.raises(QuerySyntaxError) as err:
        compile_rule(rule)
    assert "does not apply" in err.value.message


@pytest.mark.parametrize("rule", ["-acme", "les the", '"de la"'])
def test_rule_needs_something_to_look_for(rule: str) -> None:
    with pytest.raises(QuerySyntaxError):
        compile_rule(rule)
