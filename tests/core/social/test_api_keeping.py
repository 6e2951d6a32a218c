"""The API of keeping and planning: bookmarks, drafts, follows (people and #topics) and scheduled
posts; each mine alone, through access (404 for what I may not see), errors in the API's shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from intranet.actions.scheduling import publish_due
from tests.api_helpers import api_clients, conforms


@pytest.fixture
def api(app, cast):
    return api_clients(app, cast)


def _error(answer: tuple[int, dict], status: int, field: str | None = None) -> None:
    code, data = answer
    assert code == status, data
    assert conforms(data, "Error")
    if field is not None:
        assert data["error"]["field"] == field


def _later(minutes: int = 30) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


def test_bookmarks_list_add_remove(cast, api):
    public = api["bob"]("POST", "/posts", {"body": "Coffee news", "group_id": cast.coffee.id})[1]["id"]
    secret = api["lea"]("POST", "/posts", {"body": "Apollo plan", "group_id": cast.apollo.id})[1]["id"]
    status, saved = api["alice"]("PUT", f"/me/bookmarks/{public}")
    assert status == 200 and conforms(saved, "BookmarkResult") and saved["saved"] is True
    assert api["alice"]("PUT", f"/me/bookmarks/{public}")[0] == 200  # idempotent
    api["alice"]("PUT", f"/me/bookmarks/{secret}")
    status, listed = api["alice"]("GET", "/me/bookmarks")
    assert status == 200 and conforms(listed, "BookmarkList")
    assert [p["id"] for p in listed["items"]] == [secret, public]
    assert api["bob"]("GET", "/me/bookmarks")[1]["items"] == []  # mine alone
    _error(api["bob"]("PUT", f"/me/bookmarks/{secret}"), 404)  # not his to read
    _error(api["bob"]("PUT", "/me/bookmarks/999999"), 404)
    assert api["alice"]("DELETE", f"/me/bookmarks/{public}") == (204, None)
    assert api["alice"]("DELETE", f"/me/bookmarks/{public}")[0] == 204
    assert [p["id"] for p in api["alice"]("GET", "/me/bookmarks")[1]["items"]] == [secret]


def test_drafts_kept_per_place_and_discarded(cast, api):
    status, kept = api["alice"]("PUT", "/me/drafts", {"body": "Half a thought"})
    assert status == 200 and conforms(kept, "DraftResult") and kept["draft"]["group"] is None
    api["alice"]("PUT", "/me/drafts", {"body": "Apollo idea", "group_id": cast.apollo.id})
    status, listed = api["alice"]("GET", "/me/drafts")
    assert status == 200 and conforms(listed, "DraftList")
    assert [(d["group"] and d["group"]["id"], d["body"]) for d in listed["items"]] == [
        (cast.apollo.id, "Apollo idea"), (None, "Half a thought")]
    assert api["alice"]("PUT", "/me/drafts", {"body": "  "})[1] == {"draft": None}  # discarded
    api["alice"]("POST", "/posts", {"body": "Published", "group_id": cast.apollo.id})  # ends it
    assert api["alice"]("GET", "/me/drafts")[1]["items"] == []
    _error(api["bob"]("PUT", "/me/drafts", {"body": "x", "group_id": cast.apollo.id}), 404)
    _error(api["bob"]("PUT", "/me/drafts", {"body": "x", "group_id": cast.board.id}), 404)
    _error(api["bob"]("PUT", "/me/drafts", {"body": 3}), 400, "body")
    _error(api["bob"]("PUT", "/me/drafts", {}), 400, "body")
    _error(api["bob"]("PUT", "/me/drafts", {"body": "x", "group_id": "1"}), 400, "group_id")
    _error(api["bob"]("PUT", "/me/drafts", {"body": "x" * 20_001}), 400, "body")


def test_follow_people_and_topics(cast, api):
    status, followed = api["alice"]("PUT", f"/me/follows/people/{cast.bob.id}")
    assert status == 200 and conforms(followed, "FollowPersonResult")
    assert followed["user"]["id"] == cast.bob.id
    api["bob"]("POST", "/posts", {"body": "About #Robots today"})
    status, topic = api["alice"]("PUT", "/me/follows/topics/%23robots")
    assert status == 200 and conforms(topic, "FollowTopicResult") and topic["topic"] == "robots"
    status, mine = api["alice"]("GET", "/me/follows")
    assert status == 200 and conforms(mine, "FollowList")
    assert ([p["id"] for p in mine["people"]], mine["topics"]) == ([cast.bob.id], ["robots"])
    assert api["bob"]("GET", "/me/follows")[1] == {"people": [], "topics": []}
    _error(api["alice"]("PUT", f"/me/follows/people/{cast.alice.id}"), 400, "user_id")
    _error(api["alice"]("PUT", "/me/follows/people/999999"), 404)
    _error(api["alice"]("PUT", "/me/follows/topics/never-used"), 404)
    assert api["alice"]("DELETE", f"/me/follows/people/{cast.bob.id}") == (204, None)
    assert api["alice"]("DELETE", "/me/follows/topics/robots") == (204, None)
    assert api["alice"]("DELETE", "/me/follows/topics/robots")[0] == 204  # idempotent
    assert api["alice"]("GET", "/me/follows")[1] == {"people": [], "topics": []}


def test_scheduled_posts_create_list_cancel_and_publish(app, cast, api):
    status, row = api["lea"]("POST", "/me/scheduled", {
        "body": "Monday's all-hands", "group_id": cast.apollo.id, "announcement": True,
        "publish_at": _later()})
    assert status == 201 and conforms(row, "ScheduledPost") and row["announcement"] is True
    status, poll = api["lea"]("POST", "/me/scheduled", {
        "body": "Lunch?", "publish_at": _later(60), "poll": {"options": ["Pizza", "Salad"]}})
    assert status == 201 and poll["kind"] == "poll" and poll["poll"]["options"] == ["Pizza", "Salad"]
    status, listed = api["lea"]("GET", "/me/scheduled")
    assert status == 200 and conforms(listed, "ScheduledList")
    assert [r["id"] for r in listed["items"]] == [row["id"], poll["id"]]
    assert api["alice"]("GET", "/me/scheduled")[1]["items"] == []
    _error(api["alice"]("DELETE", f"/me/scheduled/{row['id']}"), 404)  # not hers
    assert api["lea"]("DELETE", f"/me/scheduled/{poll['id']}") == (204, None)
    _error(api["lea"]("DELETE", f"/me/scheduled/{poll['id']}"), 404)
    with app.app_context():  # its time comes: the scheduler publishes it as a post
        assert publish_due(now=datetime.now(UTC) + timedelta(hours=1)) == 1
    assert api["lea"]("GET", "/me/scheduled")[1]["items"] == []
    feed = api["alice"]("GET", f"/groups/{cast.apollo.id}/posts")[1]["items"]
    assert [(p["body"], p["is_announcement"]) for p in feed] == [("Monday's all-hands", True)]


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"body": "x"}, 400, "publish_at"),
    ({"body": "x", "publish_at": "tomorrow"}, 400, "publish_at"),
    ({"body": "x", "publish_at": 5}, 400, "publish_at"),
    ({"body": "x", "publish_at": "2020-01-01T00:00:00Z"}, 400, "publish_at"),
    ({"body": "", "publish_at": "LATER"}, 400, "body"),
    ({"publish_at": "LATER"}, 400, "body"),
    ({"body": "x", "publish_at": "LATER", "kind": "essay"}, 400, "kind"),
    ({"body": "x", "publish_at": "LATER", "poll": {"options": ["one"]}}, 400, None),
    ({"body": "x", "publish_at": "LATER", "group_id": "7"}, 400, "group_id"),
    ({"body": "x", "publish_at": "LATER", "announcement": "yes"}, 400, "announcement"),
    ({"body": "x", "publish_at": "LATER", "group_id": 999999}, 404, None),
])
def test_scheduling_refusals_are_clear(cast, api, payload, status, field):
    payload = {k: _later() if v == "LATER" else v for k, v in payload.items()}
    _error(api["bob"]("POST", "/me/scheduled", payload), status, field)
    assert api["bob"]("GET", "/me/scheduled")[1]["items"] == []


def test_scheduling_in_a_group_i_am_not_in_is_forbidden(cast, api):
    _error(api["alice"]("POST", "/me/scheduled", {"body": "x", "publish_at": _later(),
                                                   "group_id": cast.coffee.id}), 403)
    _error(api["bob"]("POST", "/me/scheduled", {"body": "x", "publish_at": _later(),
                                                 "announcement": True}), 403)
