"""Grouping as comments arrive: the same outage becomes one incident, other stories stay apart,
the incident carries the one SLA clock, and the ``incident`` event reaches the service only."""

from __future__ import annotations

from datetime import timedelta

from intranet.inbox.actions.incidents import do_record_incident_breaches
from intranet.inbox.actions.ingest import do_record_breaches
from intranet.inbox.rules import incidents as rules
from intranet.models import Case, CaseStatus, Incident, utcnow
from intranet.platform import db
from intranet.platform.events import user_room
from tests.incident_helpers import OTHER, OUTAGE, arrive, case_row, incident_cast, incident_of


def test_the_same_outage_is_one_incident_and_other_stories_stay_apart(app, cast, captured_events):
    ic = incident_cast(app, cast)
    first = arrive(app, ic.source, OUTAGE[:1])
    assert incident_of(app, first[0]) is None  # one comment is not an incident
    rest = arrive(app, ic.other, [*OUTAGE[1:], OTHER])
    incident_id = incident_of(app, first[0])
    assert incident_id is not None
    assert [incident_of(app, c) for c in rest[:3]] == [incident_id] * 3
    assert incident_of(app, rest[3]) is None
    with app.app_context():
        incident = db.session.get(Incident, incident_id)
        assert incident.size == 4 and incident.department_id == cast.service.id
        assert {"panne", "site"} <= set(rules.top_words(incident.centroid, incident.words))
    events = [e for e in captured_events if e["type"] == "incident"]
    assert events and events[-1]["data"]["size"] == 4
    assert events[-1]["data"]["sources"] == {"Trustpilot": 3, "X mentions": 1}
    assert user_room(ic.sam.id) in events[-1]["rooms"] and user_room(ic.mia.id) not in events[-1]["rooms"]


def test_comments_outside_the_window_do_not_join(app, cast):
    ic = incident_cast(app, cast)
    old = arrive(app, ic.source, OUTAGE[:1], now=utcnow() - rules.WINDOW - timedelta(minutes=5))
    new = arrive(app, ic.source, OUTAGE[1:2])
    assert incident_of(app, old[0]) is None and incident_of(app, new[0]) is None


def test_one_sla_clock_members_do_not_breach(app, cast):
    ic = incident_cast(app, cast)
    start = utcnow()
    ids = arrive(app, ic.source, OUTAGE[:3], now=start)
    assert all(case_row(app, c).first_response_due is None for c in ids)
    with app.app_context(), db.transaction() as s:
        incident = s.get(Incident, incident_of(app, ids[0]))
        assert incident.first_response_due is not None
        later = start + timedelta(days=3)
        assert do_record_breaches(s, later) == []  # no member breaches on its own
    with app.app_context(), db.transaction() as s:
        found = do_record_incident_breaches(s, later)
        assert sorted(kind for _id, kind in found) == ["first_response", "resolution"]
    with app.app_context(), db.transaction() as s:
        assert do_record_incident_breaches(s, later) == []  # once


def test_the_count_and_sources_reach_the_service_live_and_on_catch_up(app, cast, make_web, socket_for):
    ic = incident_cast(app, cast)
    sam, mia = make_web().login(ic.sam), make_web().login(ic.mia)
    sockets = {"sam": socket_for(sam), "mia": socket_for(mia)}
    for sc in sockets.values():
        sc.get_received()
    arrive(app, ic.source, OUTAGE[:2])
    arrive(app, ic.other, OUTAGE[2:3])
    got = {name: [m["args"][0] for m in sc.get_received() if m["name"] == "incident"]
           for name, sc in sockets.items()}
    assert [(e["op"], e["size"]) for e in got["sam"]] == [("add", 2), ("update", 3)]
    assert got["sam"][-1]["sources"] == {"X mentions": 2, "Trustpilot": 1} and got["mia"] == []
    assert "text" not in got["sam"][-1]  # no customer data on the wire
    caught = sam.get("/api/v1/events?after=0").get_json()["events"]
    assert [e["size"] for e in caught if e["type"] == "incident"] == [2, 3]
    assert not any(e["type"] == "incident" for e in mia.get("/api/v1/events?after=0").get_json()["events"])


def test_no_breach_once_every_customer_was_handled_one_by_one(app, cast):
    ic = incident_cast(app, cast)
    start = utcnow()
    ids = arrive(app, ic.source, OUTAGE[:2], now=start)
    with app.app_context(), db.transaction() as s:
        for case_id in ids:
            s.get(Case, case_id).status = CaseStatus.IGNORED
    with app.app_context(), db.transaction() as s:
        assert do_record_incident_breaches(s, start + timedelta(days=3)) == []
