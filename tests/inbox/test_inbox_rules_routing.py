"""Watch rules (syntax errors, matching, preview, competitor watch), routing and case events."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intranet.inbox.actions.settings import check_query
from intranet.inbox.queries.rules import preview
from intranet.models import Case, CaseActivity, CommentMatch, Event, ExternalComment
from intranet.platform import db
from intranet.platform.errors import Invalid
from tests.inbox_helpers import comment, deliver, make_agent, make_route, make_rule, make_source


def test_rule_syntax_error_names_the_query_field_and_position(app):
    with app.test_request_context(), pytest.raises(Invalid) as info:
        check_query('"Acme Bank OR acmebank')
    assert info.value.field == "query" and "position" in info.value.message.lower()
    with app.test_request_context(), pytest.raises(Invalid):
        check_query("from:alice acme")  # fields do not apply to a comment's text


def test_rule_matching_phrase_or_and_not(app, cast, session):
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, '"Acme Bank" OR acmebank -job', name="Brand")
    deliver(app.test_client(), source, [
        comment("1", "I love Acme Bank"), comment("2", "acmebank is hiring, job offer"),
        comment("3", "Acme, a bigger bank nearby"), comment("4", "@AcmeBank hello")])
    matched = session.execute(select(CommentMatch.comment_id, CommentMatch.terms)).all()
    by_ext = {session.get(ExternalComment, cid).external_id: terms for cid, terms in matched}
    assert set(by_ext) == {"1", "4"} and by_ext["1"] == ['"Acme Bank"']


def test_preview_counts_and_samples_stored_comments(app, cast, session):
    source = make_source(app, cast.admin)
    deliver(app.test_client(), source, [comment(str(i), f"Globex offer number {i}") for i in range(12)]
            + [comment("x", "nothing to see")])
    with app.test_request_context():
        result = preview(db.session, "globex")
    assert result.scanned == 13 and result.count == 12 and len(result.sample) == 10
    assert all(terms == ["globex"] for _c, terms in result.sample)
    assert session.scalar(select(Case.id)) is None  # previewing saves nothing


def test_competitor_matches_feed_the_watch_not_cases(app, cast, session):
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, "globex", kind="competitor")
    body = deliver(app.test_client(), source, [comment("1", "Globex is cheaper")]).get_json()
    assert body["accepted"] == 1
    assert session.scalar(select(Case.id)) is None
    assert session.scalar(select(CommentMatch.rule_id)) is not None


def test_first_matching_routing_rule_wins_else_unrouted(app, cast, session, captured_events):
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, "acme")
    make_agent(app, cast.admin, cast.service, cast.bob)
    make_route(app, cast.admin, cast.service, "Complaints", position=10, sentiment=["negative"])
    make_route(app, cast.admin, cast.marketing, "Campaign", query="pub OR campaign", position=20)
    make_route(app, cast.admin, cast.marketing, "Catch negative later", position=30, sentiment=["negative"])
    deliver(app.test_client(), source, [
        comment("neg", "Acme is a scam, my card is blocked, unacceptable!"),
        comment("camp", "Saw the Acme campaign on TV"),
        comment("none", "Acme opened a branch")])
    cases = {c.comment.external_id: c for c in session.scalars(select(Case))}
    assert cases["neg"].department_id == cast.service.id
    assert cases["camp"].department_id == cast.marketing.id
    assert cases["none"].department_id is None
    events = [e for e in captured_events if e["type"] == "case"]
    service_event = next(e for e in events if e["data"]["id"] == cases["neg"].id)
    assert f"user:{cast.bob.id}" in service_event["rooms"]
    assert f"user:{cast.alice.id}" not in service_event["rooms"]
    assert service_event["data"]["new"] == 1 and service_event["data"]["service_id"] == cast.service.id
    unrouted = [e for e in events if e["data"]["id"] == cases["none"].id]
    reached = {room for e in unrouted for room in e["rooms"]}
    assert {f"user:{cast.bob.id}", f"user:{cast.lea.id}", f"user:{cast.admin.id}"} <= reached
    assert f"user:{cast.alice.id}" not in reached
    stored = session.scalar(select(Event).where(Event.service_id == cast.service.id))
    assert stored.type == "case"
    opened = session.scalar(select(CaseActivity).where(CaseActivity.case_id == cases["neg"].id))
    assert opened.kind == "open" and opened.data["route"] == "Complaints"
    assert opened.data["source"] == source.slug


def test_routing_conditions_on_needs_response_and_urgency(app, cast, session):
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, "acme")
    make_route(app, cast.admin, cast.marketing, "Urgent", position=5, min_urgency="critical")
    make_route(app, cast.admin, cast.service, "Questions", position=6, needs_response=True)
    deliver(app.test_client(), source, [comment("q", "How do I reset my Acme PIN?"),
                                        comment("fire", "My Acme charger caught fire, dangerous!")])
    cases = {c.comment.external_id: c for c in session.scalars(select(Case))}
    assert cases["q"].department_id == cast.service.id
    assert cases["fire"].department_id == cast.marketing.id and cases["fire"].urgency.value == "critical"


def test_routing_rule_needs_a_query_or_a_condition(app, cast):
    with pytest.raises(Invalid) as info:
        make_route(app, cast.admin, cast.service, "Everything")
    assert info.value.field == "query"
    with pytest.raises(Invalid):
        make_route(app, cast.admin, cast.service, "Bad", sentiment=["furious"])
