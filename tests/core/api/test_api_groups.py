"""API groups: directory, creation, settings, join/leave, members and roles."""

from __future__ import annotations

import pytest

from tests.api_helpers import api_clients, conforms


@pytest.fixture
def api(app, cast):
    return api_clients(app, cast)


def test_directory_lists_visible_groups_with_my_role_and_counts(cast, api):
    status, data = api["bob"]("GET", "/groups")
    assert status == 200
    conforms(data, "GroupList")
    by_name = {g["name"]: g for g in data["items"]}
    assert list(by_name) == ["Coffee lovers", "Marketing", "Project Apollo", "Service client"]
    assert by_name["Coffee lovers"]["my_role"] == "lead" and by_name["Project Apollo"]["my_role"] is None
    apollo = by_name["Project Apollo"]
    assert apollo["member_count"] == 2 and apollo["visibility"] == "private"
    assert by_name["Service client"]["kind"] == "department"
    assert "Board" in {g["name"] for g in api["admin"]("GET", "/groups")[1]["items"]}


def test_create_group(cast, api):
    status, group = api["alice"]("POST", "/groups", {"name": "Running club", "kind": "community"})
    assert status == 201
    conforms(group, "Group")
    assert group["my_role"] == "lead" and group["member_count"] == 1 and group["visibility"] == "public"
    assert group["slug"] == "running-club"
    assert api["bob"]("GET", f"/groups/{group['id']}")[1]["my_role"] is None
    for payload, field in (({}, "name"), ({"name": 3}, "name"),
                           ({"name": "x", "visibility": "open"}, "visibility"),
                           ({"name": "x", "kind": "department"}, "kind")):
        status, data = api["alice"]("POST", "/groups", payload)
        assert status == 400 and data["error"]["field"] == field, payload


def test_secret_and_unknown_groups_are_404(cast, api):
    for url in (f"/groups/{cast.board.id}", f"/groups/{cast.board.id}/members", "/groups/9999"):
        status, data = api["alice"]("GET", url)
        assert status == 404 and data["error"]["code"] == "not_found", url
    assert api["alice"]("POST", f"/groups/{cast.board.id}/join")[0] == 404
    assert api["admin"]("GET", f"/groups/{cast.board.id}")[1]["my_role"] == "lead"


def test_update_group_by_leads_only(cast, api):
    status, data = api["lea"]("PATCH", f"/groups/{cast.apollo.id}", {"description": "To the moon"})
    assert status == 200 and data["description"] == "To the moon" and data["name"] == "Project Apollo"
    assert api["alice"]("PATCH", f"/groups/{cast.apollo.id}", {"name": "Mine"})[0] == 403
    assert api["lea"]("PATCH", f"/groups/{cast.apollo.id}", {"visibility": "hidden"})[0] == 400


def test_join_public_or_request_private(cast, api):
    status, data = api["alice"]("POST", f"/groups/{cast.coffee.id}/join")
    assert (status, data) == (200, {"status": "joined"})
    assert api["alice"]("GET", f"/groups/{cast.coffee.id}")[1]["my_role"] == "member"
    assert api["alice"]("POST", f"/groups/{cast.coffee.id}/join")[0] == 409
    status, data = api["bob"]("POST", f"/groups/{cast.apollo.id}/join", {"message": "Can I help?"})
    assert (status, data) == (200, {"status": "requested"})
    assert api["bob"]("POST", f"/groups/{cast.apollo.id}/join")[0] == 409  # already waiting
    assert api["lea"]("GET", "/notifications")[1]["items"][0]["kind"] == "join_request"
    assert api["bob"]("POST", f"/groups/{cast.marketing_group.id}/join")[1] == {"status": "requested"}


def test_leave(cast, api):
    api["alice"]("POST", f"/groups/{cast.coffee.id}/join")
    assert api["alice"]("POST", f"/groups/{cast.coffee.id}/leave") == (200, {"status": "left"})
    assert api["alice"]("POST", f"/groups/{cast.coffee.id}/leave")[0] == 404  # not a member any more
    status, data = api["bob"]("POST", f"/groups/{cast.coffee.id}/leave")
    assert status == 409 and "lead" in data["error"]["message"]  # the last lead stays


def test_members_list_is_for_readers(cast, api):
    status, data = api["alice"]("GET", f"/groups/{cast.apollo.id}/members")
    assert status == 200
    conforms(data, "MemberList")
    members = [(m["user"]["username"], m["role"]) for m in data["items"]]
    assert members == [("lea", "lead"), ("alice", "member")]
    assert api["bob"]("GET", f"/groups/{cast.apollo.id}/members")[0] == 403  # private: members only
    assert [m["user"]["id"] for m in api["alice"]("GET", f"/groups/{cast.coffee.id}/members")[1]["items"]] \
        == [cast.bob.id]


def test_leads_manage_members(cast, api):
    url = f"/groups/{cast.apollo.id}/members"
    status, member = api["lea"]("POST", url, {"user_id": cast.bob.id})
    assert status == 200 and member["role"] == "member" and member["user"]["id"] == cast.bob.id
    conforms(member, "Member")
    assert api["bob"]("GET", f"/groups/{cast.apollo.id}/posts")[0] == 200  # now he reads it
    assert api["alice"]("POST", url, {"user_id": cast.admin.id})[0] == 403
    assert api["lea"]("POST", url, {"user_id": cast.bob.id, "role": "boss"})[1]["error"]["field"] == "role"
    assert api["lea"]("POST", url, {"role": "lead"})[1]["error"]["field"] == "user_id"
    assert api["lea"]("POST", url, {"user_id": "2"})[1]["error"]["field"] == "user_id"
    assert api["lea"]("POST", url, {"user_id": 9999})[0] == 404
    assert api["lea"]("POST", url, {"user_id": cast.bob.id, "role": "lead"})[1]["role"] == "lead"
    assert api["lea"]("POST", url, {"user_id": cast.lea.id, "role": "member"})[1]["role"] == "member"
    assert api["bob"]("POST", url, {"user_id": cast.bob.id, "role": "member"})[0] == 409  # last lead

    assert api["alice"]("DELETE", f"{url}/{cast.bob.id}")[0] == 403
    assert api["bob"]("DELETE", f"{url}/{cast.alice.id}") == (204, None)
    assert api["bob"]("DELETE", f"{url}/{cast.alice.id}")[0] == 404
    assert api["alice"]("GET", f"/groups/{cast.apollo.id}/posts")[0] == 403  # she no longer reads it
