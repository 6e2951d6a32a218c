"""Incidents over the API: list, read, bulk reply, resolve, detach, merge, escalate; answers hold
to the OpenAPI document; hidden and missing alike are 404; bad input is a clear 4xx."""

from __future__ import annotations

from tests.api_helpers import Api, conforms
from tests.incident_helpers import OTHER, OUTAGE, arrive, incident_cast, incident_of


def _setup(app, cast):
    ic = incident_cast(app, cast)
    ids = arrive(app, ic.source, OUTAGE[:3])
    return ic, ids, incident_of(app, ids[0])


def test_list_read_and_work_an_incident(app, cast, captured_events):
    ic, ids, incident_id = _setup(app, cast)
    sam = Api(app.test_client(), ic.sam)
    status, page = sam("GET", "/inbox/incidents")
    assert status == 200 and conforms(page, "IncidentPage")
    assert [i["id"] for i in page["items"]] == [incident_id] and page["items"][0]["size"] == 3
    assert page["items"][0]["sla"]["kind"] == "first_response"
    status, incident = sam("GET", f"/inbox/incidents/{incident_id}")
    assert status == 200 and conforms(incident, "Incident")
    assert [c["id"] for c in incident["cases"]] == ids and incident["sources"] == {"X mentions": 3}
    assert all(c["sla"] is None for c in incident["cases"])  # one clock: the incident's
    status, outcome = sam("POST", f"/inbox/incidents/{incident_id}/replies", {"body": "We are on it"})
    assert status == 400 and outcome["error"]["field"] == "body"  # no source can reply here
    status, incident = sam("POST", f"/inbox/incidents/{incident_id}/detach", {"case_id": ids[2]})
    assert status == 200 and conforms(incident, "Incident") and incident["size"] == 2
    status, incident = sam("POST", f"/inbox/incidents/{incident_id}/merge", {"case_id": ids[2]})
    assert status == 200 and incident["size"] == 3
    status, incident = sam("POST", f"/inbox/incidents/{incident_id}/escalate",
                           {"group_id": cast.service_group.id})
    assert status == 201 and incident["post_id"] and incident["group_id"] == cast.service_group.id
    status, outcome = sam("POST", f"/inbox/incidents/{incident_id}/resolve")
    assert status == 200 and conforms(outcome, "BulkOutcome") and outcome["done"] == ids
    status, page = sam("GET", "/inbox/incidents?status=resolved")
    assert [i["status"] for i in page["items"]] == ["resolved"]
    status, incident = sam("POST", f"/inbox/incidents/{incident_id}/reopen")
    assert status == 200 and incident["status"] == "open"
    events = [e for e in captured_events if e["type"] == "incident"]
    assert events and all(conforms(e["data"], "IncidentEvent") for e in events)


def test_merge_two_incidents(app, cast):
    ic, _ids, incident_id = _setup(app, cast)
    others = arrive(app, ic.source, [OTHER, "Acme cette pub sexiste est honteuse"])
    other = incident_of(app, others[0])
    sam = Api(app.test_client(), ic.sam)
    status, incident = sam("POST", f"/inbox/incidents/{incident_id}/merge", {"incident_id": other})
    assert status == 200 and incident["size"] == 5
    status, merged = sam("GET", f"/inbox/incidents/{other}")
    assert merged["status"] == "merged" and merged["merged_into"] == incident_id
    status, _body = sam("POST", f"/inbox/incidents/{incident_id}/merge", {"incident_id": other})
    assert status == 409


def test_bad_input_is_a_clear_4xx(app, cast):
    ic, _ids, incident_id = _setup(app, cast)
    sam = Api(app.test_client(), ic.sam)
    cases = [
        ("GET", "/inbox/incidents?status=bogus", None, 400, "status"),
        ("GET", "/inbox/incidents?service=abc", None, 400, "service"),
        ("GET", f"/inbox/incidents?service={cast.marketing.id}", None, 400, "service"),
        ("GET", "/inbox/incidents?cursor=-3", None, 400, "cursor"),
        ("GET", "/inbox/incidents?limit=0", None, 400, "limit"),
        ("POST", f"/inbox/incidents/{incident_id}/replies", {}, 400, "body"),
        ("POST", f"/inbox/incidents/{incident_id}/replies", {"body": 3}, 400, "body"),
        ("POST", f"/inbox/incidents/{incident_id}/replies", {"body": "x" * 5001}, 400, "body"),
        ("POST", f"/inbox/incidents/{incident_id}/detach", {"case_id": "1"}, 400, "case_id"),
        ("POST", f"/inbox/incidents/{incident_id}/detach", {"case_id": True}, 400, "case_id"),
        ("POST", f"/inbox/incidents/{incident_id}/detach", {"case_id": 10**40}, 400, None),
        ("POST", f"/inbox/incidents/{incident_id}/merge", {}, 400, "incident_id"),
        ("POST", f"/inbox/incidents/{incident_id}/merge", {"incident_id": 1, "case_id": 1}, 400,
         "incident_id"),
        ("POST", f"/inbox/incidents/{incident_id}/merge", {"incident_id": incident_id}, 400, "incident_id"),
        ("POST", f"/inbox/incidents/{incident_id}/escalate", {"group_id": None}, 400, "group_id"),
        ("POST", f"/inbox/incidents/{incident_id}/escalate", {"group_id": cast.board.id}, 404, None),
        ("POST", f"/inbox/incidents/{incident_id}/escalate", {"group_id": cast.coffee.id}, 400, "group_id"),
        ("POST", f"/inbox/incidents/{incident_id}/detach", {"case_id": 99999}, 404, None),
    ]
    for method, url, body, status, field in cases:
        got, answer = sam(method, url, body)
        assert got == status, (url, body, answer)
        conforms(answer, "Error")
        if field:
            assert answer["error"]["field"] == field, (url, body, answer)
    resp = sam.client.post(f"/api/v1/inbox/incidents/{incident_id}/replies", data="{",
                           headers={**sam.headers, "Content-Type": "application/json"})
    assert resp.status_code == 400
    resp = sam.client.post(f"/api/v1/inbox/incidents/{incident_id}/replies", data="body=x",
                           headers={**sam.headers, "Content-Type": "text/plain"})
    assert resp.status_code == 415


def test_hidden_and_missing_incidents_are_404(app, cast):
    ic, _ids, incident_id = _setup(app, cast)
    for user in (ic.mia, cast.bob, cast.alice, cast.lea):
        api = Api(app.test_client(), user)
        for method, url in (("GET", f"/inbox/incidents/{incident_id}"),
                            ("POST", f"/inbox/incidents/{incident_id}/resolve")):
            status, body = api(method, url)
            assert status == 404 and conforms(body, "Error"), (user.name, url)
    mia = Api(app.test_client(), ic.mia)
    status, page = mia("GET", "/inbox/incidents")
    assert status == 200 and page["items"] == []  # Marketing's agent: nothing of Service client
    status, _body = Api(app.test_client(), cast.bob)("GET", "/inbox/incidents")
    assert status == 404  # not an inbox user
    sam = Api(app.test_client(), ic.sam)
    assert sam("GET", "/inbox/incidents/424242")[0] == 404
    status, body = sam("POST", f"/inbox/incidents/{incident_id}/merge", {"case_id": 424242})
    assert status == 404
