"""API join requests: leads and admins list and decide; others get 404; the requester is told."""

from __future__ import annotations

import pytest

from tests.api_helpers import api_clients, conforms


@pytest.fixture
def api(app, cast):
    return api_clients(app, cast)


def _ask(api, who, group_id):
    assert api[who]("POST", f"/groups/{group_id}/join", {"message": "Can I help?"}) == (
        200, {"status": "requested"})


def test_leads_list_pending_requests_others_get_404(cast, api):
    _ask(api, "bob", cast.apollo.id)
    url = f"/groups/{cast.apollo.id}/join-requests"
    status, data = api["lea"]("GET", url)
    assert status == 200
    conforms(data, "JoinRequestList")
    [item] = data["items"]
    assert item["user"]["id"] == cast.bob.id and item["message"] == "Can I help?"
    assert item["status"] == "pending" and item["decided_at"] is None
    assert api["admin"]("GET", url)[1]["items"][0]["id"] == item["id"]  # admins manage any group
    for who in ("alice", "bob"):  # a member, the requester: not theirs to see
        status, data = api[who]("GET", url)
        assert status == 404 and data["error"]["code"] == "not_found", who
    assert api["lea"]("GET", f"/groups/{cast.board.id}/join-requests")[0] == 404  # secret, not hers
    assert api["lea"]("GET", "/groups/9999/join-requests")[0] == 404


def test_accept_makes_a_member_and_notifies(cast, api):
    _ask(api, "bob", cast.apollo.id)
    rid = api["lea"]("GET", f"/groups/{cast.apollo.id}/join-requests")[1]["items"][0]["id"]
    url = f"/groups/{cast.apollo.id}/join-requests/{rid}"
    assert api["alice"]("POST", url, {"decision": "accept"})[0] == 404  # a mere member
    status, data = api["lea"]("POST", url, {"decision": "accept"})
    assert status == 200 and data["status"] == "approved" and data["decided_at"]
    conforms(data, "JoinRequest")
    assert api["bob"]("GET", f"/groups/{cast.apollo.id}")[1]["my_role"] == "member"
    note = api["bob"]("GET", "/notifications")[1]["items"][0]
    assert note["kind"] == "join_approved" and note["group"]["id"] == cast.apollo.id
    status, data = api["lea"]("POST", url, {"decision": "refuse"})
    assert status == 409
    assert api["lea"]("GET", f"/groups/{cast.apollo.id}/join-requests")[1]["items"] == []


def test_refuse_keeps_them_out_and_notifies(cast, api):
    _ask(api, "bob", cast.apollo.id)
    rid = api["lea"]("GET", f"/groups/{cast.apollo.id}/join-requests")[1]["items"][0]["id"]
    status, data = api["lea"]("POST", f"/groups/{cast.apollo.id}/join-requests/{rid}",
                              {"decision": "refuse"})
    assert status == 200 and data["status"] == "rejected"
    assert api["bob"]("GET", f"/groups/{cast.apollo.id}")[1]["my_role"] is None
    status, notes = api["bob"]("GET", "/notifications")
    conforms(notes, "NotificationPage")
    assert notes["items"][0]["kind"] == "join_refused" and notes["items"][0]["actor"]["id"] == cast.lea.id


def test_bad_decisions_are_400_and_foreign_ids_404(cast, api):
    _ask(api, "bob", cast.apollo.id)
    rid = api["lea"]("GET", f"/groups/{cast.apollo.id}/join-requests")[1]["items"][0]["id"]
    url = f"/groups/{cast.apollo.id}/join-requests/{rid}"
    for body in ({}, {"decision": "yes"}, {"decision": 1}, []):
        status, data = api["lea"]("POST", url, body)
        assert status == 400 and data["error"]["field" if isinstance(body, dict) else "code"], body
    # bob leads Coffee lovers: the request id exists, but not in his group
    accept = {"decision": "accept"}
    assert api["bob"]("POST", f"/groups/{cast.coffee.id}/join-requests/{rid}", accept)[0] == 404
    assert api["lea"]("POST", f"/groups/{cast.apollo.id}/join-requests/9999", accept)[0] == 404
