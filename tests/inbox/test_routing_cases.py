"""Routing that learns, through the database: resolved and corrected cases vote for new ones,
the suggestion shows on the case page and in the API, applying it is one click (and a
correction), rules still win with the disagreement shown, and leads' descriptions start a new
inbox."""

from __future__ import annotations

from sqlalchemy import select

from intranet.inbox.queries.learning import CORRECTION_WEIGHT, load_history
from intranet.inbox.queries.rules import forget_pipeline
from intranet.models import Case, CaseActivity, CaseStatus, ServiceSettings
from intranet.platform import db
from tests.api_helpers import Api, conforms, error_of
from tests.inbox_helpers import comment, deliver, make_agent, make_route, make_rule, make_source

REFUNDS = ["Acme, my refund never arrived", "Still no refund from Acme after two weeks",
           "Acme refund pending for a month, nobody answers", "where is my Acme refund??",
           "Acme promised a refund, nothing yet"]
CAMPAIGN = ["The new Acme ad campaign is great", "Loved the Acme campaign on TV"]


def _setup(app, cast):
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, "acme")
    make_agent(app, cast.admin, cast.service, cast.bob)
    make_agent(app, cast.admin, cast.marketing, cast.alice)
    return source


def _history(app, cast, source, session):
    """Refund cases resolved by Service client, campaign cases resolved by Marketing."""
    deliver(app.test_client(), source, [comment(f"r{i}", t) for i, t in enumerate(REFUNDS)]
            + [comment(f"c{i}", t) for i, t in enumerate(CAMPAIGN)])
    with app.app_context(), db.transaction() as s:
        for case in s.scalars(select(Case)):
            refund = "refund" in case.comment.text
            case.department_id = (cast.service if refund else cast.marketing).id
            case.status = CaseStatus.RESOLVED
        forget_pipeline(s.get_bind())


def _case(session, external_id):
    return session.scalars(select(Case).join(Case.comment).where(
        Case.comment.property.mapper.class_.external_id == external_id)).one()


def test_new_case_gets_the_service_of_similar_resolved_cases(app, cast, session, web):
    source = _setup(app, cast)
    _history(app, cast, source, session)
    deliver(app.test_client(), source, [comment("new", "My Acme refund has still not arrived")])
    case = _case(session, "new")
    assert case.department_id is None  # no rule: a suggestion, not a route
    stored = case.triage["suggestion"]
    assert stored["service"] == str(cast.service.id) and stored["basis"] == "history"
    assert stored["votes"] >= 4

    page = web.login(cast.bob).get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert "Suggested service: Service client" in page
    words = f"{stored['votes']} of the {stored['neighbours']} most similar past cases went to Service client"
    assert words in page
    assert f'action="/inbox/cases/{case.id}/route"' in page

    body = Api(app.test_client(), cast.bob)("GET", f"/inbox/cases/{case.id}")[1]
    conforms(body, "Case")
    suggestion = body["routing_suggestion"]
    assert suggestion["service_id"] == cast.service.id and suggestion["differs"] is True
    assert "most similar past cases went to Service client" in suggestion["reason"]


def test_applying_the_suggestion_is_one_click_and_a_correction(app, cast, session, web):
    source = _setup(app, cast)
    _history(app, cast, source, session)
    deliver(app.test_client(), source, [comment("new", "Acme refund still pending")])
    case = _case(session, "new")
    resp = web.login(cast.bob).post(f"/inbox/cases/{case.id}/route",
                                    data={"service_id": str(cast.service.id)})
    assert resp.status_code in (200, 302, 303)
    session.expire_all()
    case = session.get(Case, case.id)
    assert case.department_id == cast.service.id
    row = session.scalars(select(CaseActivity).where(CaseActivity.case_id == case.id,
                                                     CaseActivity.kind == "route")).one()
    assert row.actor_id == cast.bob.id and row.data["suggested"] is True
    assert row.data["to_service"] == cast.service.id and row.data["from_service"] is None
    page = web.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert "moved the case to Service client" in page and "Suggested service" not in page
    with app.app_context():
        corrected = [e for e in load_history(db.session) if e.text == "Acme refund still pending"]
    assert corrected and corrected[0].weight == CORRECTION_WEIGHT  # counts although not resolved


def test_rules_win_and_a_strong_disagreement_shows(app, cast, session, web):
    source = _setup(app, cast)
    _history(app, cast, source, session)
    make_route(app, cast.admin, cast.marketing, "Anything about Acme", query="acme", position=1)
    deliver(app.test_client(), source, [comment("new", "Acme refund never arrived, still waiting")])
    case = _case(session, "new")
    assert case.department_id == cast.marketing.id  # the rule's answer stands
    assert case.triage["suggestion"]["disagrees"] is True
    page = web.login(cast.lea).get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert "routing-disagrees" in page and "A routing rule sent it to Marketing" in page


def test_route_refusals_in_the_api_error_shape(app, cast, session):
    source = _setup(app, cast)
    deliver(app.test_client(), source, [comment("new", "Acme hello")])
    case = _case(session, "new")
    api = Api(app.test_client(), cast.bob)
    for body in ({"service_id": "x"}, {"service_id": 999_999}, {}):
        resp = api.client.post(f"/api/v1/inbox/cases/{case.id}/route", json=body, headers=api.headers)
        assert resp.status_code == 400 and error_of(resp)["field"] == "service_id"
    status, moved = api("POST", f"/inbox/cases/{case.id}/route", {"service_id": cast.service.id})
    assert status == 200 and moved["service_id"] == cast.service.id
    resp = api.client.post(f"/api/v1/inbox/cases/{case.id}/route", json={"service_id": cast.service.id},
                           headers=api.headers)
    assert resp.status_code == 400  # already there
    outsider = Api(app.test_client(), cast.lea)  # leads Marketing: the case is not hers any more
    assert outsider("POST", f"/inbox/cases/{case.id}/route", {"service_id": cast.marketing.id})[0] == 404


def test_a_new_inbox_starts_from_the_leads_description(app, cast, session, web):
    source = _setup(app, cast)
    resp = web.login(cast.lea).post(f"/inbox/services/{cast.marketing.id}/profile", data={
        "description": "Brand image, advertising, influencers and partnerships",
        "examples": "Your new ad is hilarious\nI am an influencer, can we collaborate?"})
    assert resp.status_code in (200, 302, 303)
    settings = session.get(ServiceSettings, cast.marketing.id)
    assert settings.examples == ["Your new ad is hilarious", "I am an influencer, can we collaborate?"]
    page = web.get(f"/inbox/services/{cast.marketing.id}").get_data(as_text=True)
    assert "Brand image, advertising" in page
    deliver(app.test_client(), source, [comment("new", "Acme, I'm an influencer, let's collaborate!")])
    stored = _case(session, "new").triage["suggestion"]
    assert stored["service"] == str(cast.marketing.id) and stored["basis"] == "description"


def test_service_profile_api(app, cast, session):
    lea, bob = Api(app.test_client(), cast.lea), Api(app.test_client(), cast.bob)
    url = f"/inbox/services/{cast.marketing.id}/profile"
    status, body = lea("PUT", url, {"description": "Ads and partnerships", "examples": ["Nice ad!", " "]})
    assert status == 200 and body == {"service_id": cast.marketing.id, "description": "Ads and partnerships",
                                      "examples": ["Nice ad!"]}
    conforms(body, "ServiceProfile")
    assert lea("GET", url) == (200, body)
    assert bob("GET", url)[0] == 404 and bob("PUT", url, {"description": "x"})[0] == 404
    resp = lea.client.put(f"/api/v1{url}", json={"examples": 3}, headers=lea.headers)
    assert resp.status_code == 400 and error_of(resp)["field"] == "examples"
    resp = lea.client.put(f"/api/v1{url}", json={"examples": ["x"] * 51}, headers=lea.headers)
    assert resp.status_code == 400 and error_of(resp)["field"] == "examples"
