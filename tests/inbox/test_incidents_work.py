"""Working an incident from its page: one reply reaches each customer through their own source
(a real receiver), the cases resolve together, a wrongly grouped case leaves with its own clock,
merges, one thread; hidden for everyone outside the service; French; the dashboard counts it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from intranet.inbox.workers import outbound
from intranet.models import CaseReply, CaseStatus, Incident, IncidentStatus, Post, ReplyState
from intranet.platform import db
from tests.incident_helpers import OTHER, OUTAGE, arrive, case_row, incident_cast, incident_of
from tests.outbound_helpers import Receiver

JSON = {"Accept": "application/json"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A network's reply endpoint on the loopback: records every reply it receives."""
    server = Receiver()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _incident(app, cast, reply_url: str = "", *, mixed: bool = False):
    ic = incident_cast(app, cast, reply_url=reply_url)
    ids = arrive(app, ic.source, OUTAGE[:2]) + arrive(app, ic.other, OUTAGE[2:3])
    if mixed:  # a source without a reply connector
        with app.app_context(), db.transaction() as s:
            s.get(type(ic.other), ic.other.id).reply_url = ""
    return ic, ids, incident_of(app, ids[0])


def test_one_reply_reaches_each_customer_through_their_source(app, web, cast, receiver, allow_local_outbound):
    ic, ids, incident_id = _incident(app, cast, reply_url=receiver.url("/ok"), mixed=True)
    web.login(ic.sam)
    resp = web.post(f"/inbox/incidents/{incident_id}/replies", json={"body": "We are on it, sorry!"},
                    headers=JSON)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["done"] == ids[:2] and body["skipped"] == [ids[2]]
    assert outbound.sender(app).wait_idle()
    assert len(receiver.seen) == 2 and all(b"We are on it, sorry!" in seen[3] for seen in receiver.seen)
    with app.app_context():
        replies = db.session.scalars(select(CaseReply).order_by(CaseReply.case_id)).all()
        assert [r.case_id for r in replies] == ids[:2] and {r.state for r in replies} == {ReplyState.SENT}
        assert db.session.get(Incident, incident_id).first_response_at is not None
    page = web.get(f"/inbox/incidents/{incident_id}").get_data(as_text=True)
    assert "cannot reply from here" in page


def test_resolve_detach_merge_and_one_thread(app, web, cast):
    ic, ids, incident_id = _incident(app, cast)
    web.login(ic.sam)
    resp = web.post(f"/inbox/incidents/{incident_id}/detach", data={"case_id": str(ids[2])})
    assert resp.status_code == 302
    assert incident_of(app, ids[2]) is None and case_row(app, ids[2]).first_response_due is not None
    assert arrive(app, ic.source, [OUTAGE[3]]) and incident_of(app, ids[2]) is None  # never regrouped
    resp = web.post(f"/inbox/incidents/{incident_id}/merge", json={"case_id": ids[2]}, headers=JSON)
    assert resp.status_code == 200 and incident_of(app, ids[2]) == incident_id
    other_ids = arrive(app, ic.source, [OTHER, "Acme cette pub sexiste est honteuse"])
    other = incident_of(app, other_ids[0])
    assert other is not None and other != incident_id
    resp = web.post(f"/inbox/incidents/{incident_id}/merge", json={"incident_id": other}, headers=JSON)
    assert resp.status_code == 200 and incident_of(app, other_ids[1]) == incident_id
    resp = web.post(f"/inbox/incidents/{incident_id}/escalate", json={"group_id": cast.coffee.id},
                    headers=JSON)
    assert resp.status_code in (400, 404)  # not a department group (or not mine)
    resp = web.post(f"/inbox/incidents/{incident_id}/escalate", json={"group_id": cast.service_group.id},
                    headers=JSON)
    assert resp.status_code == 201
    web.login(ic.nora)
    resp = web.post(f"/inbox/incidents/{incident_id}/resolve", json={}, headers=JSON)
    assert resp.status_code == 200, resp.get_json()
    with app.app_context():
        incident = db.session.get(Incident, incident_id)
        assert incident.status == IncidentStatus.RESOLVED and incident.size == 6
        assert db.session.get(Incident, other).status == IncidentStatus.MERGED
        post = db.session.get(Post, incident.post_id)
        assert "6" in post.body and "Incident" in post.body
    assert {case_row(app, c).status for c in ids} == {CaseStatus.RESOLVED}
    resp = web.post(f"/inbox/incidents/{incident_id}/replies", json={"body": "late"}, headers=JSON)
    assert resp.status_code == 409


def test_bad_input_is_a_clear_4xx(app, web, cast):
    ic, _ids, incident_id = _incident(app, cast)
    web.login(ic.sam)
    for url, payload, status, field in (
        ("replies", {"body": "  "}, 400, "body"),
        ("replies", {"body": ["x"]}, 400, "body"),
        ("detach", {"case_id": "abc"}, 400, "case_id"),
        ("detach", {"case_id": 999999}, 404, None),
        ("merge", {"incident_id": incident_id}, 400, "incident_id"),
        ("merge", {"case_id": 10**30}, 400, "case_id"),
        ("escalate", {"group_id": "x"}, 400, "group_id"),
    ):
        resp = web.post(f"/inbox/incidents/{incident_id}/{url}", json=payload, headers=JSON)
        assert resp.status_code == status, (url, payload, resp.get_json())
        if field:
            assert resp.get_json()["error"]["field"] == field
    assert web.post(f"/inbox/incidents/{incident_id}/replies", data={"body": "x"},
                    headers={"X-CSRFToken": ""}).status_code == 400  # CSRF


def test_hidden_and_missing_incidents_are_404(app, make_web, cast):
    ic, _ids, incident_id = _incident(app, cast)
    for user in (ic.mia, cast.bob, cast.alice):
        web = make_web().login(user)
        assert web.get(f"/inbox/incidents/{incident_id}").status_code == 404
        assert web.post(f"/inbox/incidents/{incident_id}/resolve", headers=JSON).status_code == 404
    web = make_web().login(ic.sam)
    assert web.get("/inbox/incidents/99999").status_code == 404


def test_pages_in_french_and_english_and_the_dashboard_counts_incidents(app, web, cast):
    ic, ids, incident_id = _incident(app, cast)
    web.login(ic.sam)
    url = f"/inbox/incidents/{incident_id}"
    page = web.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "3 clients" in page and "Répondre à chaque client" in page and "panne" in page
    page = web.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "3 customers" in page and "Answer every customer" in page
    listing = web.get("/inbox/incidents", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert f"Incident n° {incident_id}" in listing and "3 clients" in listing
    case_page = web.get(f"/inbox/cases/{ids[0]}").get_data(as_text=True)
    assert f"/inbox/incidents/{incident_id}" in case_page
    dashboard = web.get("/inbox/dashboard").get_data(as_text=True)
    assert 'data-kpi="incidents_open">1<' in dashboard and 'data-kpi="incident_cases">3<' in dashboard
