"""The pages and forms of polls, questions, saved posts, drafts, follows and scheduled posts, as a
browser without scripts uses them; bad input is a 4xx, never a 500; access answers 404."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from intranet.models import Bookmark, Draft, Follow, ScheduledPost
from intranet.platform import db

JSON = {"Accept": "application/json"}


def _count(app, model, **where) -> int:
    with app.app_context():
        return len(list(db.session.query(model).filter_by(**where)))


def test_poll_from_the_composer_form_then_vote_without_scripts(app, cast, make_web):
    alice, bob = make_web().login(cast.alice), make_web().login(cast.bob)
    resp = alice.post("/posts", data={"body": "Team lunch?", "kind": "poll",
                                      "poll_options": "Pizza\n\nSushi\n  Salad  \n"})
    assert resp.status_code == 302
    page = bob.get("/")
    assert page.status_code == 200 and "Team lunch?" in page.text and "Sushi" in page.text
    post_id = int(re.search(r'data-poll="(\d+)"', page.text).group(1))
    option = int(re.search(r'name="option_ids" value="(\d+)"', page.text).group(1))
    resp = bob.post(f"/posts/{post_id}/votes", data={"option_ids": str(option)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/posts/{post_id}")
    shown = bob.get(f"/posts/{post_id}")
    assert "1 vote" in shown.text and "Change my vote" in shown.text
    fragment = alice.get(f"/posts/{post_id}/poll")
    assert fragment.status_code == 200 and "1 person voted" in fragment.text
    assert "Vote</button>" in fragment.text  # alice has not voted: her own state, not bob's


def test_the_saved_page_pages_past_its_first_fifty(app, cast, make_web):
    alice = make_web().login(cast.alice)
    ids = [alice.post("/posts", data={"body": f"Keep {n:02d}"}, headers=JSON).json["id"] for n in range(52)]
    for post_id in ids:
        assert alice.post(f"/posts/{post_id}/bookmark", data={"saved": "1"}).status_code == 302
    first = alice.get("/saved").text
    shown = re.findall(r"Keep \d\d", first)  # the latest saved first
    assert len(shown) == 50 and shown[0] == "Keep 51" and shown[-1] == "Keep 02"
    older = re.search(r'href="(/saved\?cursor=[0-9-]+)"', first).group(1)
    rest = alice.get(older).text
    assert re.findall(r"Keep \d\d", rest) == ["Keep 01", "Keep 00"] and 'rel="next"' not in rest
    bad = alice.get("/saved?cursor=yesterday")
    assert bad.status_code == 400 and "next_cursor" in bad.text


def test_poll_form_errors_are_400_with_the_message(cast, make_web):
    alice = make_web().login(cast.alice)
    resp = alice.post("/posts", data={"body": "x", "kind": "poll", "poll_options": "only"})
    assert resp.status_code == 400 and "between 2 and 10 options" in resp.text
    resp = alice.post("/posts", data={"body": "x", "kind": "poll", "poll_options": "a\nb",
                                      "poll_closes_at": "not a date"})
    assert resp.status_code == 400
    resp = alice.post("/posts", data={"body": "x", "publish_at": "2001-01-01T10:00"})
    assert resp.status_code == 400 and "at least a minute from now" in resp.text
    resp = alice.post("/posts/1/votes", data={"option_ids": "abc"}, headers=JSON)
    assert resp.status_code in (400, 404)


def test_question_page_marks_and_shows_the_best_answer(cast, make_web):
    alice, bob = make_web().login(cast.alice), make_web().login(cast.bob)
    post_id = alice.post("/posts", data={"body": "Who knows SQL?", "kind": "question"},
                         headers=JSON).json["id"]
    comment_id = bob.post(f"/posts/{post_id}/comments", data={"body": "I do"}, headers=JSON).json["id"]
    page = alice.get(f"/posts/{post_id}")
    assert "Waiting for an answer" in page.text and "Mark as best answer" in page.text
    assert "Mark as best answer" not in bob.get(f"/posts/{post_id}").text
    assert "Mark as best answer" in alice.get(f"/comments/{comment_id}/card").text  # live-inserted
    assert bob.post(f"/posts/{post_id}/answer", data={"comment_id": str(comment_id)}).status_code == 403
    resp = alice.post(f"/posts/{post_id}/answer", data={"comment_id": str(comment_id)})
    assert resp.status_code == 302
    page = bob.get(f"/posts/{post_id}")
    assert "Best answer" in page.text and "is-answer" in page.text and "Answered" in page.text
    assert alice.post(f"/posts/{post_id}/answer", data={"comment_id": "x1"}).status_code == 400


def test_save_for_later_and_the_saved_page(app, cast, make_web):
    alice, bob = make_web().login(cast.alice), make_web().login(cast.bob)
    post_id = bob.post("/posts", data={"body": "Read me later"}, headers=JSON).json["id"]
    secret = alice.post("/posts", data={"body": "apollo only", "group_id": cast.apollo.id},
                        headers=JSON).json["id"]
    assert "Save for later" in alice.get(f"/posts/{post_id}").text
    assert alice.post(f"/posts/{post_id}/bookmark", data={"saved": "1"}).status_code == 302
    assert alice.post(f"/posts/{post_id}/bookmark", data={"saved": "1"}, headers=JSON).json == {
        "saved": True, "message": "Saved for later."}
    assert _count(app, Bookmark, user_id=cast.alice.id) == 1
    page = alice.get("/saved")
    assert page.status_code == 200 and "Read me later" in page.text
    assert bob.post(f"/posts/{secret}/bookmark", data={"saved": "1"}).status_code == 404
    assert "Read me later" not in bob.get("/saved").text
    alice.post(f"/posts/{post_id}/bookmark", data={"saved": "0"})
    assert "Read me later" not in alice.get("/saved").text


def test_drafts_are_kept_per_person_and_place_and_end_when_published(app, cast, make_web):
    alice = make_web().login(cast.alice)
    assert alice.post("/drafts", data={"body": "half a thought", "group_id": ""}, headers=JSON).json["saved"]
    assert alice.post("/drafts", data={"body": "in apollo", "group_id": cast.apollo.id},
                      headers=JSON).status_code == 200
    assert "half a thought" in alice.get("/").text
    assert "in apollo" in alice.get(f"/groups/{cast.apollo.id}").text
    assert "half a thought" not in make_web().login(cast.bob).get("/").text
    alice.post("/posts", data={"body": "the whole thought"})
    assert _count(app, Draft, user_id=cast.alice.id) == 1  # only apollo's remains
    bob = make_web().login(cast.bob)
    refused = bob.post("/drafts", data={"body": "x", "group_id": cast.apollo.id}, headers=JSON)
    assert refused.status_code == 404
    assert bob.post("/drafts", data={"body": "x", "group_id": "abc"}, headers=JSON).status_code == 400
    assert bob.post("/drafts", data={"body": "x" * 30_000}, headers=JSON).status_code == 400


def test_follow_a_person_and_a_topic_brings_their_posts_home(app, cast, make_web):
    alice, bob = make_web().login(cast.alice), make_web().login(cast.bob)
    coffee_post = bob.post("/posts", data={"body": "Espresso tips", "group_id": cast.coffee.id},
                           headers=JSON).json["id"]
    assert "Espresso tips" not in alice.get("/").text  # a public group alice is not in
    assert "Follow" in alice.get(f"/people/{cast.bob.id}").text
    assert alice.post(f"/people/{cast.bob.id}/follow", data={"following": "1"}).status_code == 302
    assert "Espresso tips" in alice.get("/").text
    assert alice.post(f"/people/{cast.alice.id}/follow", data={"following": "1"}).status_code == 400
    alice.post(f"/people/{cast.bob.id}/follow", data={"following": "0"})
    assert _count(app, Follow, follower_id=cast.alice.id) == 0
    bob.post("/posts", data={"body": "More #beans news", "group_id": cast.coffee.id})
    assert alice.post("/topics/beans/follow", data={"following": "1"}).status_code == 302
    home = alice.get("/").text
    assert "More #" in home or "beans" in home
    assert alice.post("/topics/nosuchtopic/follow", data={}).status_code == 404
    # a private group's posts never join an outsider's feed by following
    lea = make_web().login(cast.lea)
    lea.post("/posts", data={"body": "apollo #beans plan", "group_id": cast.apollo.id})
    assert "apollo #beans plan" not in bob.get("/").text
    bob.post("/topics/beans/follow", data={"following": "1"})
    assert "apollo #beans plan" not in bob.get("/").text
    assert coffee_post


def test_schedule_from_the_composer_and_cancel(app, cast, make_web):
    alice = make_web().login(cast.alice)
    when = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    resp = alice.post("/posts", data={"body": "Tomorrow's news", "publish_at": when})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/scheduled")
    page = alice.get("/scheduled")
    assert page.status_code == 200 and "Tomorrow&#39;s news" in page.text
    assert "Tomorrow" not in alice.get("/").text
    with app.app_context():
        sid = db.session.query(ScheduledPost).one().id
    bob = make_web().login(cast.bob)
    assert bob.post(f"/scheduled/{sid}/cancel").status_code == 404
    assert "Tomorrow" not in bob.get("/scheduled").text
    assert alice.post(f"/scheduled/{sid}/cancel").status_code == 302
    assert _count(app, ScheduledPost) == 0


def test_who_has_not_acknowledged_is_for_the_author_and_leads(cast, make_web, smtp_server, send_mail):
    lea, alice, bob = (make_web().login(u) for u in (cast.lea, cast.alice, cast.bob))
    post_id = lea.post("/posts", data={"body": "Read me", "group_id": cast.apollo.id, "announcement": "1"},
                       headers=JSON).json["id"]
    page = lea.get(f"/posts/{post_id}/acknowledgements")
    assert page.status_code == 200 and "Alice Martin" in page.text and "Remind them" in page.text
    assert "Who has not acknowledged" in lea.get(f"/posts/{post_id}").text
    assert alice.get(f"/posts/{post_id}/acknowledgements").status_code == 404  # a member, not a lead
    assert bob.get(f"/posts/{post_id}/acknowledgements").status_code == 404  # cannot even read it
    assert alice.post(f"/posts/{post_id}/remind").status_code == 404
    resp = lea.post(f"/posts/{post_id}/remind", headers=JSON)
    assert resp.status_code == 200 and resp.json["reminded"] == 1
    assert lea.post(f"/posts/{post_id}/remind", headers=JSON).status_code == 409  # within the hour
    assert "reminds you to acknowledge" in alice.get("/notifications").text
    assert send_mail() >= 1 and smtp_server.to("alice@example.com")
    alice.post(f"/posts/{post_id}/ack")
    assert "Everyone has acknowledged" in lea.get(f"/posts/{post_id}/acknowledgements").text
    plain = lea.post("/posts", data={"body": "not an announcement"}, headers=JSON).json["id"]
    assert lea.get(f"/posts/{plain}/acknowledgements").status_code == 404


def test_poll_fragment_and_votes_are_404_outside_the_group(cast, make_web):
    alice, bob = make_web().login(cast.alice), make_web().login(cast.bob)
    post_id = alice.post("/posts", data={"body": "Apollo poll", "group_id": cast.apollo.id, "kind": "poll",
                                         "poll_options": "a\nb"}, headers=JSON).json["id"]
    assert alice.get(f"/posts/{post_id}/poll").status_code == 200
    assert bob.get(f"/posts/{post_id}/poll").status_code == 404
    assert bob.post(f"/posts/{post_id}/votes", data={"option_ids": "1"}).status_code == 404
    assert bob.post(f"/posts/{post_id}/bookmark", data={}).status_code == 404
    assert bob.get("/posts/999999/poll").status_code == 404


def test_at_all_from_the_composer(cast, make_web):
    lea, alice = make_web().login(cast.lea), make_web().login(cast.alice)
    resp = lea.post("/posts", data={"body": "@all standup moved to 10", "group_id": cast.apollo.id})
    assert resp.status_code == 302
    assert "mentioned you" in alice.get("/notifications").text
    refused = alice.post("/posts", data={"body": "@all hello", "group_id": cast.apollo.id}, headers=JSON)
    assert refused.status_code == 403 and "@all" in refused.json["error"]["message"]
