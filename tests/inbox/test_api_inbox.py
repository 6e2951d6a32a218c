"""The inbox API: list and read cases, assign, status, notes, replies, escalate; answers conform
to the OpenAPI document; customer data is 404 for everyone outside the inbox roles and the
escalation group; the ``case`` event reaches only the service's people."""

from __future__ import annotations

from intranet.inbox.workers import outbound
from intranet.platform.events import user_room
from tests.api_helpers import Api, conforms, error_of
from tests.case_helpers import inbox_cast, make_case


def test_list_read_and_work_a_case(app, cast, captured_events):
    ic = inbox_cast(app, cast)
    sam = Api(app.test_client(), ic.sam)
    status, page = sam("GET", "/inbox/cases")
    assert status == 200 and conforms(page, "CasePage")
    assert [c["id"] for c in page["items"]] == [ic.case.id]
    assert page["items"][0]["sla"]["kind"] == "first_response"
    status, case = sam("POST", f"/inbox/cases/{ic.case.id}/assign", {"user_id": ic.sam.id})
    assert status == 200 and conforms(case, "Case") and case["status"] == "assigned"
    event = [e for e in captured_events if e["type"] == "case"][-1]
    assert conforms(event["data"], "CaseEvent")
    assert user_room(ic.sam.id) in event["rooms"] and user_room(cast.admin.id) in event["rooms"]
    assert user_room(ic.mia.id) not in event["rooms"] and user_room(cast.bob.id) not in event["rooms"]
    status, entry = sam("POST", f"/inbox/cases/{ic.case.id}/notes", {"body": "Calling them"})
    assert status == 201 and conforms(entry, "CaseEntry") and entry["kind"] == "note"
    status, case = sam("POST", f"/inbox/cases/{ic.case.id}/status", {"status": "waiting"})
    assert status == 200 and case["status"] == "waiting"
    status, case = sam("POST", f"/inbox/cases/{ic.case.id}/escalate", {"group_id": cast.service_group.id})
    assert status == 201 and conforms(case, "Case") and case["post_id"]
    status, case = sam("GET", f"/inbox/cases/{ic.case.id}")
    assert [e["kind"] for e in case["timeline"]] == ["assign", "note", "status", "escalate"]


def test_cursor_pages_and_filters(app, cast):
    ic = inbox_cast(app, cast)
    more = [make_case(app, ic.source, cast.service, text=f"Case {i}") for i in range(3)]
    sam = Api(app.test_client(), ic.sam)
    status, first = sam("GET", "/inbox/cases?limit=2")
    assert [c["id"] for c in first["items"]] == [more[2].id, more[1].id]
    status, second = sam("GET", f"/inbox/cases?limit=2&cursor={first['next_cursor']}")
    assert [c["id"] for c in second["items"]] == [more[0].id, ic.case.id] and second["next_cursor"] is None
    status, body = sam("GET", "/inbox/cases?status=resolved")
    assert status == 200 and body["items"] == []
    status, body = sam("GET", "/inbox/cases?status=bogus")
    assert status == 400 and error_of_body(body)["field"] == "status"
    status, body = sam("GET", f"/inbox/cases?service={cast.marketing.id}")
    assert status == 400 and error_of_body(body)["field"] == "service"


def error_of_body(body: dict) -> dict:
    conforms(body, "Error")
    return body["error"]


def test_customer_data_is_404_outside_the_inbox_and_the_escalation_group(app, cast):
    ic = inbox_cast(app, cast)
    for name in ("alice", "bob", "lea"):
        client = Api(app.test_client(), getattr(cast, name))
        status, body = client("GET", f"/inbox/cases/{ic.case.id}")
        assert status == 404 and "customer" not in str(body), name
        assert client("POST", f"/inbox/cases/{ic.case.id}/notes", {"body": "x"})[0] == 404, name
    assert Api(app.test_client(), cast.alice)("GET", "/inbox/cases")[0] == 404
    mia = Api(app.test_client(), ic.mia)
    assert mia("GET", f"/inbox/cases/{ic.case.id}")[0] == 404
    # once escalated to Service client's group, bob (a member) may read it, not work it
    Api(app.test_client(), ic.sam)("POST", f"/inbox/cases/{ic.case.id}/escalate",
                                   {"group_id": cast.service_group.id})
    bob = Api(app.test_client(), cast.bob)
    status, case = bob("GET", f"/inbox/cases/{ic.case.id}")
    assert status == 200 and case["can_work"] is False and conforms(case, "Case")
    assert bob("POST", f"/inbox/cases/{ic.case.id}/status", {"status": "ignored"})[0] == 403


def test_bad_input_is_a_clear_400(app, cast):
    ic = inbox_cast(app, cast)
    sam = Api(app.test_client(), ic.sam)
    status, body = sam("POST", f"/inbox/cases/{ic.case.id}/assign", {"user_id": "me"})
    assert status == 400 and body["error"]["field"] == "user_id"
    status, body = sam("POST", f"/inbox/cases/{ic.case.id}/assign", {"user_id": cast.alice.id})
    assert status == 400 and "does not work" in body["error"]["message"]
    status, body = sam("POST", f"/inbox/cases/{ic.case.id}/replies", {"body": "Hi"})
    assert status == 400 and "no reply connector" in body["error"]["message"]
    resp = app.test_client().post(f"/api/v1/inbox/cases/{ic.case.id}/notes", data="{", headers=sam.headers,
                                  content_type="application/json")
    assert resp.status_code == 400 and error_of(resp)["code"] == "invalid"


def test_reply_over_the_api(app, cast, allow_local_outbound):
    ic = inbox_cast(app, cast, reply_url="http://127.0.0.1:9/unreachable")
    app.config.update(INBOX_REPLY_BACKOFF=0, INBOX_REPLY_ATTEMPTS=1)
    sam = Api(app.test_client(), ic.sam)
    status, reply = sam("POST", f"/inbox/cases/{ic.case.id}/replies", {"body": "Hello"})
    assert status == 201 and conforms(reply, "CaseReply") and reply["state"] == "queued"
    assert outbound.sender(app).wait_idle()
    status, case = sam("GET", f"/inbox/cases/{ic.case.id}")
    assert case["replies"][0]["state"] == "failed" and case["replies"][0]["error"]


def test_case_notifications_over_the_api_name_the_case(app, cast):
    ic = inbox_cast(app, cast)
    Api(app.test_client(), cast.admin)("POST", f"/inbox/cases/{ic.case.id}/assign", {"user_id": ic.sam.id})
    status, page = Api(app.test_client(), ic.sam)("GET", "/notifications")
    assert status == 200 and conforms(page, "NotificationPage")
    assert [(n["kind"], n["case_id"]) for n in page["items"]] == [("case_assigned", ic.case.id)]
