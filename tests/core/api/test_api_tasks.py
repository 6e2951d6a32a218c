"""API tasks and group file libraries: shapes against the OpenAPI document, access for each kind
of group, input errors naming their field, and the task event in the catch-up."""

from __future__ import annotations

import io

import pytest

from tests.api_helpers import api_clients, conforms


@pytest.fixture
def api(app, cast):
    return api_clients(app, cast)


def _task(api, who, group, **fields) -> dict:
    status, data = api[who]("POST", f"/groups/{group.id}/tasks", {"title": "Prepare the FAQ", **fields})
    assert status == 201, data
    conforms(data, "Task")
    return data


def test_create_read_move_and_remove(api, cast):
    task = _task(api, "lea", cast.apollo, body="**FAQ** <script>x</script>", assignee_ids=[cast.alice.id],
                 due_on="2030-01-31", labels=["faq"], checklist=["Draft", "Review"])
    assert "<strong>FAQ</strong>" in task["html"] and "<script" not in task["html"]
    assert [a["id"] for a in task["assignees"]] == [cast.alice.id] and task["status"] == "open"
    assert api["alice"]("GET", f"/tasks/{task['id']}") == (200, task)
    change = {"status": "in_progress", "labels": ["faq", "x"]}
    status, moved = api["alice"]("PATCH", f"/tasks/{task['id']}", change)
    assert status == 200 and moved["status"] == "in_progress" and moved["labels"] == ["faq", "x"]
    status, listing = api["alice"]("GET", f"/groups/{cast.apollo.id}/tasks?status=in_progress")
    assert status == 200 and [t["id"] for t in listing["items"]] == [task["id"]]
    conforms(listing, "TaskList")
    assert api["alice"]("DELETE", f"/tasks/{task['id']}")[0] == 403  # not hers
    assert api["lea"]("DELETE", f"/tasks/{task['id']}")[0] == 204
    assert api["lea"]("GET", f"/tasks/{task['id']}")[0] == 404


@pytest.mark.parametrize(("group", "outsider", "list_status"), [
    ("apollo", "bob", 403), ("board", "alice", 404)])
def test_private_and_secret_tasks_are_hidden(api, cast, group, outsider, list_status):
    task = _task(api, "lea" if group == "apollo" else "admin", getattr(cast, group))
    assert api[outsider]("GET", f"/tasks/{task['id']}")[0] == 404
    assert api[outsider]("PATCH", f"/tasks/{task['id']}", {"status": "done"})[0] == 404
    assert api[outsider]("GET", f"/groups/{getattr(cast, group).id}/tasks")[0] == list_status
    assert api[outsider]("GET", f"/groups/{getattr(cast, group).id}/files")[0] == list_status


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "title"), ({"title": " "}, "title"), ({"title": "x", "due_on": "tomorrow"}, "due_on"),
    ({"title": "x", "assignee_ids": [2**40]}, "assignee_ids"), ({"title": "x", "labels": "a"}, "labels"),
    ({"title": "x", "service_group_id": True}, "service_group_id"),
    ({"title": "x", "post_id": "1"}, "post_id"),
])
def test_input_errors_name_the_field(api, cast, payload, field):
    status, data = api["lea"]("POST", f"/groups/{cast.apollo.id}/tasks", payload)
    assert status == 400 and data["error"]["field"] == field, data


def test_the_task_event_is_in_the_catch_up(api, cast):
    status, start = api["alice"]("GET", "/events?after=0")
    task = _task(api, "lea", cast.apollo)
    status, page = api["alice"]("GET", f"/events?after={start['last_event_id']}")
    events = [e for e in page["events"] if e["type"] == "task"]
    assert status == 200 and events and events[0]["id"] == task["id"]
    conforms(page, "EventPage")


def test_library_upload_versions_and_listing(api, cast):
    client, headers = api["alice"].client, api["alice"].headers

    def upload(content: bytes, **form) -> dict:
        resp = client.post(f"/api/v1/groups/{cast.apollo.id}/files", headers=headers,
                           data={"file": (io.BytesIO(content), "Guide.txt"), **form},
                           content_type="multipart/form-data")
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    first, second = upload(b"version one\n"), upload(b"version two\n")
    assert (first["version"], second["version"]) == (1, 2)
    status, listing = api["alice"]("GET", f"/groups/{cast.apollo.id}/files")
    assert status == 200
    conforms(listing, "LibraryListing")
    assert [(f["id"], f["versions"]) for f in listing["files"]] == [(second["id"], 2)]
    assert client.get(second["url"], headers=headers).data == b"version two\n"
    assert client.get(first["url"], headers=headers).data == b"version one\n"  # the old one is kept
    assert api["bob"].client.get(first["url"], headers=api["bob"].headers).status_code == 404
    bad = client.post(f"/api/v1/groups/{cast.apollo.id}/files", headers=headers,
                      data={"file": (io.BytesIO(b"x"), "run.exe")}, content_type="multipart/form-data")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "files"
