"""Who sees inbox cases and their events: the service's agents and leads, admins, and the
members of the group a case was escalated to; nobody else, not even by guessing ids."""

from __future__ import annotations

import pytest
from domain_helpers import act, make_user
from sqlalchemy import select

from intranet import access
from intranet.inbox.access import (
    access_case,
    can_lead_service,
    can_work_case,
    inbox_services,
    visible_cases_clause,
)
from intranet.models import Case, Connector, Event, ExternalComment, InboxAgent, Network, Source, User
from intranet.platform import db
from intranet.platform.errors import NotFound
from intranet.platform.events import publish


@pytest.fixture
def inbox(app, cast):
    """sam: agent of Service client; a routed case (service), an unrouted one, and one
    escalated into the public coffee group."""
    sam = make_user(app, "sam@example.com", "Sam Agent", department=cast.service)
    with app.app_context(), db.transaction() as s:
        s.add(InboxAgent(user_id=sam.id, department_id=cast.service.id))
        source = Source(slug="x", name="X", network=Network.X, connector=Connector.WEBHOOK)
        s.add(source)
        s.flush()
        cases = {}
        for name, dept, group in (("routed", cast.service.id, None), ("unrouted", None, None),
                                  ("escalated", cast.service.id, cast.coffee.id)):
            comment = ExternalComment(source_id=source.id, external_id=name, text=f"{name} text")
            s.add(comment)
            s.flush()
            case = Case(comment_id=comment.id, department_id=dept, group_id=group)
            s.add(case)
            s.flush()
            cases[name] = case.id
    return sam, cases


def _sees(app, who, case_id: int) -> bool:
    with app.app_context():
        user = db.session.get(User, who.id)
        try:
            access_case(user, case_id)
        except NotFound:
            return False
        return True


def test_each_role_sees_exactly_its_cases(app, cast, inbox):
    sam, cases = inbox
    expected = {  # who: (routed, unrouted, escalated)
        "sam": (True, True, True), "admin": (True, True, True),
        "bob": (False, False, True),  # lead of coffee, where the third case was escalated
        "lea": (False, True, False),  # leads Marketing's inbox: unrouted cases are for every inbox
        "alice": (False, False, False),
    }
    people = {"sam": sam, "admin": cast.admin, "bob": cast.bob, "alice": cast.alice, "lea": cast.lea}
    for name, wants in expected.items():
        got = tuple(_sees(app, people[name], cases[k]) for k in ("routed", "unrouted", "escalated"))
        assert got == wants, name
    assert not _sees(app, sam, 999_999)  # missing looks like hidden


def test_lists_and_work_rights_follow_the_services(app, cast, inbox):
    sam, cases = inbox
    with app.app_context():
        def listed(who):
            user = db.session.get(User, who.id)
            return set(db.session.scalars(select(Case.id).where(visible_cases_clause(user))))

        assert listed(sam) == set(cases.values())
        assert listed(cast.bob) == set()  # escalation gives a read-only view, not the queue
        bob = db.session.get(User, cast.bob.id)
        assert not can_work_case(bob, db.session.get(Case, cases["escalated"]))
        assert inbox_services(db.session.get(User, sam.id)) == {cast.service.id}


def test_department_leads_lead_their_service(app, cast):
    with app.app_context():
        lea, alice = db.session.get(User, cast.lea.id), db.session.get(User, cast.alice.id)
        assert can_lead_service(lea, cast.marketing.id) and not can_lead_service(lea, cast.service.id)
        assert not can_lead_service(alice, cast.marketing.id)
        assert inbox_services(lea) == {cast.marketing.id}  # a lead works her service's inbox


def test_service_events_reach_its_people_live_and_on_catch_up(app, cast, inbox, captured_events):
    sam, cases = inbox
    with act(app, captured_events) as (s, changes):
        publish(s, "case", {"op": "add", "id": cases["routed"]}, service_id=cast.service.id)
    [event] = changes.of("case")
    assert set(event["rooms"]) == {f"user:{sam.id}", f"user:{cast.admin.id}"}
    with app.app_context():
        def caught(who):
            user = db.session.get(User, who.id)
            return [e.id for e in db.session.scalars(select(Event).where(
                Event.type == "case", access.visible_events_clause(user)))]

        assert caught(sam) == [event["data"]["event_id"]] == caught(cast.admin)
        assert caught(cast.alice) == [] and caught(cast.bob) == []  # not a company event


def test_giving_the_role_adds_the_person_to_the_audience(app, cast, inbox, captured_events):
    _sam, cases = inbox
    with app.app_context(), db.transaction() as s:
        s.add(InboxAgent(user_id=cast.bob.id, department_id=cast.service.id))
    with act(app, captured_events) as (s, changes):
        publish(s, "case", {"op": "assign", "id": cases["routed"]}, service_id=cast.service.id)
    assert f"user:{cast.bob.id}" in changes.one("case")["rooms"]
    assert _sees(app, cast.bob, cases["routed"])
