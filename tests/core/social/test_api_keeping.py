"""The API of keeping and planning: bookmarks, drafts, follows (people and #topics) and scheduled
posts; each mine alone, through access (404 for what I may not see), errors in the API's shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from intranet.actions.scheduling import publish_due
from intranet.models import Bookmark
from intranet.platform import db
from tests.api_helpers import api_clients, conforms

LISTS = ["/me/bookmarks", "/me/drafts", "/me/follows", "/me/scheduled"]


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


def _walk(client, path: str, limit: int, cursor: str | None = None) -> list[dict]:
    """Every page of a list from ``cursor`` on, following ``next_cursor`` until it is null."""
    pages: list[dict] = []
    while not pages or cursor is not None:
        status, page = client("GET", f"{path}?limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200, page
        pages.append(page)
        cursor = page["next_cursor"]
        assert len(pages) <= 20, "the cursor does not move"
    return pages


def _ids(pages: list[dict]) -> list[int]:
    return [item["id"] for page in pages for item in page["items"]]


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
    assert api["bob"]("GET", "/me/follows")[1] == {"people": [], "topics": [], "next_cursor": None}
    _error(api["alice"]("PUT", f"/me/follows/people/{cast.alice.id}"), 400, "user_id")
    _error(api["alice"]("PUT", "/me/follows/people/999999"), 404)
    _error(api["alice"]("PUT", "/me/follows/topics/never-used"), 404)
    assert api["alice"]("DELETE", f"/me/follows/people/{cast.bob.id}") == (204, None)
    assert api["alice"]("DELETE", "/me/follows/topics/robots") == (204, None)
    assert api["alice"]("DELETE", "/me/follows/topics/robots")[0] == 204  # idempotent
    assert api["alice"]("GET", "/me/follows")[1] == {"people": [], "topics": [], "next_cursor": None}


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


def test_bookmarks_page_through_every_one_once(app, cast, api):
    ids = [api["bob"]("POST", "/posts", {"body": f"News {n}", "group_id": cast.coffee.id})[1]["id"]
           for n in range(7)]
    for post_id in ids:
        api["alice"]("PUT", f"/me/bookmarks/{post_id}")
    api["bob"]("PUT", f"/me/bookmarks/{ids[0]}")  # his, never in her pages
    with app.app_context(), db.transaction() as s:  # all saved in one instant: the id breaks ties
        s.execute(update(Bookmark).where(Bookmark.user_id == cast.alice.id)
                  .values(created_at=datetime(2026, 1, 5, 9, 30, tzinfo=UTC)))
    status, first = api["alice"]("GET", "/me/bookmarks?limit=3")
    assert status == 200 and conforms(first, "BookmarkList") and first["next_cursor"]
    newer = api["bob"]("POST", "/posts", {"body": "Meanwhile", "group_id": cast.coffee.id})[1]["id"]
    api["alice"]("PUT", f"/me/bookmarks/{newer}")  # saved while she pages: shifts nothing
    pages = [first, *_walk(api["alice"], "/me/bookmarks", 3, first["next_cursor"])]
    assert all(conforms(page, "BookmarkList") for page in pages)
    assert [len(page["items"]) for page in pages] == [3, 3, 1]
    assert _ids(pages) == sorted(ids, reverse=True)
    assert _ids(_walk(api["alice"], "/me/bookmarks", 3)) == [newer, *sorted(ids, reverse=True)]
    assert _ids(_walk(api["bob"], "/me/bookmarks", 3)) == [ids[0]]
    assert len(api["alice"]("GET", "/me/bookmarks")[1]["items"]) == 8  # default limit: 20


def test_drafts_page_through_every_one_once(cast, api):
    places = (None, cast.apollo.id, cast.marketing_group.id)
    for group_id in places:
        api["alice"]("PUT", "/me/drafts", {"body": f"Draft in {group_id}", "group_id": group_id})
    api["bob"]("PUT", "/me/drafts", {"body": "Bob's", "group_id": cast.coffee.id})
    pages = _walk(api["alice"], "/me/drafts", 1)
    assert all(conforms(page, "DraftList") for page in pages) and len(pages) == 3
    assert [d["body"] for page in pages for d in page["items"]] == [
        f"Draft in {group_id}" for group_id in reversed(places)]
    assert [d["body"] for page in _walk(api["bob"], "/me/drafts", 1) for d in page["items"]] == ["Bob's"]


def test_follows_page_through_every_one_once(cast, api):
    api["bob"]("POST", "/posts", {"body": "About #robots and #coffee"})
    for person in (cast.bob, cast.lea, cast.admin):
        api["alice"]("PUT", f"/me/follows/people/{person.id}")
    for name in ("robots", "coffee"):
        api["alice"]("PUT", f"/me/follows/topics/{name}")
    api["bob"]("PUT", f"/me/follows/people/{cast.lea.id}")
    pages = _walk(api["alice"], "/me/follows", 2)
    assert all(conforms(page, "FollowList") for page in pages)
    assert [(len(p["people"]), p["topics"]) for p in pages] == [(0, ["coffee", "robots"]), (2, []), (1, [])]
    assert [u["id"] for p in pages for u in p["people"]] == [cast.admin.id, cast.lea.id, cast.bob.id]
    assert [u["id"] for p in _walk(api["bob"], "/me/follows", 2) for u in p["people"]] == [cast.lea.id]


def test_scheduled_page_through_every_one_once(cast, api):
    same = _later(90)
    made = [api["lea"]("POST", "/me/scheduled", {"body": f"Later {n}", "publish_at": at})[1]["id"]
            for n, at in enumerate([_later(120), same, _later(30), same, same])]
    api["alice"]("POST", "/me/scheduled", {"body": "Hers", "publish_at": same})
    pages = _walk(api["lea"], "/me/scheduled", 2)
    assert all(conforms(page, "ScheduledList") for page in pages)
    assert [len(page["items"]) for page in pages] == [2, 2, 1]
    assert _ids(pages) == [made[2], made[1], made[3], made[4], made[0]]


@pytest.mark.parametrize("path", LISTS)
def test_bad_cursor_or_limit_is_a_clear_400(api, path):
    for query, field in [("cursor=abc", "cursor"), ("cursor=12", "cursor"), ("cursor=1-0", "cursor"),
                         ("cursor=1-2147483648", "cursor"), ("cursor=12345678901234567-1", "cursor"),
                         ("cursor=-1-5", "cursor"), ("limit=0", "limit"), ("limit=101", "limit"),
                         ("limit=x", "limit")]:
        status, data = api["alice"]("GET", f"{path}?{query}")
        _error((status, data), 400, field)
        assert field in data["error"]["message"], data
