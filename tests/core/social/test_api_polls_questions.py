"""Polls and questions through the API: create, vote, best answer; every bad input is a 4xx in
the API's error shape, never a 500; access rules (404 for what one may not read)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from intranet.models import Poll
from intranet.platform import db
from tests.api_helpers import api_clients, conforms, error_of


@pytest.fixture
def api(app, cast):
    return api_clients(app, cast)


def _poll(api, who="alice", group=None, **poll) -> dict:
    payload = {"body": "Where for lunch?", "group_id": group.id if group else None,
               "poll": {"options": ["Pizza", "Sushi", "Salad"], **poll}}
    status, data = api[who]("POST", "/posts", payload)
    assert status == 201, data
    conforms(data, "Post")
    return data


def test_single_choice_poll_vote_change_and_withdraw(cast, api):
    post = _poll(api)
    assert post["kind"] == "poll" and post["poll"]["multiple"] is False and post["poll"]["voters"] == 0
    ids = [o["id"] for o in post["poll"]["options"]]
    assert [o["label"] for o in post["poll"]["options"]] == ["Pizza", "Sushi", "Salad"]
    status, data = api["bob"]("POST", f"/posts/{post['id']}/votes", {"option_ids": [ids[1]]})
    assert status == 200 and conforms(data, "Post")
    assert [(o["count"], o["mine"]) for o in data["poll"]["options"]] == [(0, False), (1, True), (0, False)]
    assert "voter_names" not in data["poll"]["options"][1]  # votes are private by default
    status, data = api["bob"]("POST", f"/posts/{post['id']}/votes", {"option_ids": [ids[0]]})
    assert [o["count"] for o in data["poll"]["options"]] == [1, 0, 0] and data["poll"]["voters"] == 1
    status, data = api["lea"]("GET", f"/posts/{post['id']}")
    assert data["poll"]["voted"] is False and data["poll"]["voters"] == 1
    status, data = api["bob"]("POST", f"/posts/{post['id']}/votes", {"option_ids": []})
    assert status == 200 and data["poll"]["voters"] == 0


def test_multiple_choice_with_names_shown(cast, api):
    post = _poll(api, multiple=True, votes_shown=True)
    ids = [o["id"] for o in post["poll"]["options"]]
    status, data = api["bob"]("POST", f"/posts/{post['id']}/votes", {"option_ids": ids[:2]})
    assert status == 200
    assert [o["voter_names"] for o in data["poll"]["options"]] == [["Bob Durand"], ["Bob Durand"], []]


def test_bad_poll_input_is_400_naming_the_field(cast, api):
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    cases = (
        ({"options": ["only one"]}, "poll.options"), ({"options": "a,b"}, "poll.options"),
        ({"options": ["a", 3]}, "poll.options"), ({"options": ["Same", "same"]}, "poll.options"),
        ({"options": [str(i) for i in range(11)]}, "poll.options"),
        ({"options": ["a", "x" * 201]}, "poll.options"),
        ({"options": ["a", "b"], "multiple": "yes"}, "poll.multiple"),
        ({"options": ["a", "b"], "closes_at": "tomorrow"}, "poll.closes_at"),
        ({"options": ["a", "b"], "closes_at": "2001-01-01T00:00:00Z"}, "poll.closes_at"),
        ({"options": ["a", "b"], "closes_at": 5}, "poll.closes_at"),
        ([1, 2], "poll"), ("poll", "poll"),
    )
    for poll, field in cases:
        status, data = api["alice"]("POST", "/posts", {"body": "Vote", "poll": poll})
        assert status == 400 and data["error"]["field"] == field, (poll, data)
    status, data = api["alice"]("POST", "/posts", {"body": "Q", "kind": "question",
                                                   "poll": {"options": ["a", "b"], "closes_at": later}})
    assert status == 400 and data["error"]["field"] == "kind"
    for kind in ("poll", "essay", 3):
        status, data = api["alice"]("POST", "/posts", {"body": "x", "kind": kind})
        assert status == 400, data


def test_bad_votes_are_4xx(app, cast, api):
    post = _poll(api)
    other = _poll(api)
    url = f"/posts/{post['id']}/votes"
    mine = post["poll"]["options"][0]["id"]
    for body, status_wanted in (({}, 400), ({"option_ids": "1"}, 400), ({"option_ids": [True]}, 400),
                                ({"option_ids": [other["poll"]["options"][0]["id"]]}, 400),
                                ({"option_ids": [mine, post["poll"]["options"][1]["id"]]}, 400),
                                ({"option_ids": [10**12]}, 400)):
        resp = api["bob"].client.post(f"/api/v1{url}", json=body, headers=api["bob"].headers)
        assert resp.status_code == status_wanted, (body, resp.get_json())
        error_of(resp)
    plain = api["alice"]("POST", "/posts", {"body": "no poll"})[1]
    assert api["bob"]("POST", f"/posts/{plain['id']}/votes", {"option_ids": []})[0] == 404
    assert api["bob"]("POST", "/posts/999999/votes", {"option_ids": []})[0] == 404


def test_closed_poll_refuses_votes(app, cast, api):
    post = _poll(api, closes_at=(datetime.now(UTC) + timedelta(hours=1)).isoformat())
    with app.app_context(), db.transaction() as s:
        s.get(Poll, post["id"]).closes_at = datetime.now(UTC) - timedelta(minutes=1)
    status, data = api["bob"]("POST", f"/posts/{post['id']}/votes",
                              {"option_ids": [post["poll"]["options"][0]["id"]]})
    assert status == 409 and data["error"]["code"] == "conflict"
    assert api["bob"]("GET", f"/posts/{post['id']}")[1]["poll"]["closed"] is True


def test_private_group_poll_is_404_for_outsiders(cast, api):
    post = _poll(api, group=cast.apollo)
    option = post["poll"]["options"][0]["id"]
    assert api["bob"]("POST", f"/posts/{post['id']}/votes", {"option_ids": [option]})[0] == 404
    assert api["bob"]("GET", f"/posts/{post['id']}")[0] == 404
    assert api["lea"]("POST", f"/posts/{post['id']}/votes", {"option_ids": [option]})[0] == 200


def test_question_best_answer_by_author_or_lead_only(cast, api):
    status, q = api["alice"]("POST", "/posts", {"body": "How do I reset the robot?", "kind": "question",
                                                "group_id": cast.marketing_group.id})
    assert status == 201 and q["kind"] == "question" and q["answer_comment_id"] is None
    _, c1 = api["lea"]("POST", f"/posts/{q['id']}/comments", {"body": "Hold the button 10 s."})
    _, c2 = api["alice"]("POST", f"/posts/{q['id']}/comments", {"body": "Thanks!"})
    status, data = api["admin"]("POST", f"/posts/{q['id']}/answer", {"comment_id": c1["id"]})
    assert status == 200 and data["answer_comment_id"] == c1["id"]  # admins moderate every group
    status, data = api["alice"]("POST", f"/posts/{q['id']}/answer", {"comment_id": c2["id"]})
    assert status == 200 and data["answer_comment_id"] == c2["id"]
    status, data = api["lea"]("POST", f"/posts/{q['id']}/answer", {"comment_id": None})
    assert status == 200 and data["answer_comment_id"] is None  # lea leads the department group


def test_answer_refusals(cast, api):
    _, q = api["alice"]("POST", "/posts", {"body": "Which colour?", "kind": "question"})
    _, c = api["bob"]("POST", f"/posts/{q['id']}/comments", {"body": "Blue"})
    _, plain = api["alice"]("POST", "/posts", {"body": "Not a question"})
    _, other = api["bob"]("POST", f"/posts/{plain['id']}/comments", {"body": "hm"})
    assert api["bob"]("POST", f"/posts/{q['id']}/answer", {"comment_id": c["id"]})[0] == 403
    for body in ({}, {"comment_id": "1"}, {"comment_id": True}, {"comment_id": other["id"]},
                 {"comment_id": 10**12}):
        status, data = api["alice"]("POST", f"/posts/{q['id']}/answer", body)
        assert status == 400, (body, data)
    assert api["alice"]("POST", f"/posts/{plain['id']}/answer", {"comment_id": other["id"]})[0] == 400
    assert api["alice"]("POST", "/posts/999999/answer", {"comment_id": None})[0] == 404


def test_deleting_the_best_answer_unanswers_the_question(cast, api):
    _, q = api["alice"]("POST", "/posts", {"body": "Anyone?", "kind": "question"})
    _, c = api["bob"]("POST", f"/posts/{q['id']}/comments", {"body": "Me"})
    api["alice"]("POST", f"/posts/{q['id']}/answer", {"comment_id": c["id"]})
    assert api["bob"]("DELETE", f"/comments/{c['id']}")[0] == 204
    assert api["alice"]("GET", f"/posts/{q['id']}")[1]["answer_comment_id"] is None
