"""Reactions on messages (live), replies as threads (live), the conversation list beside the
open conversation and search within a conversation: API, pages without JavaScript, bad input
(4xx, never 500) and access (participants only, 404 for everyone else)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.api_helpers import conforms
from tests.core.realtime.test_messaging_live import people, received, send, start


@pytest.fixture
def webs(make_web: Any, cast: Any) -> dict[str, Any]:
    return {name: make_web().login(getattr(cast, name)) for name in ("alice", "bob", "lea", "admin")}


def test_reactions_reach_participants_live_and_only_them(app: Flask, cast: Any, make_web: Any,
                                                          socket_for: Any) -> None:
    p = people(cast, make_web, socket_for, "alice", "bob", "lea")
    alice, bob, lea = p["alice"][0], p["bob"][0], p["lea"][0]
    cid = start(alice, cast.bob)
    mid = send(alice, cid, "Lunch at noon?")
    received(p["alice"][1]), received(p["bob"][1])
    res = bob.post(f"/api/v1/messages/{mid}/reactions", json={"kind": "like"})
    assert res.status_code == 201 and res.get_json() == {"kind": "like", "reactions": {"like": 1}}
    events = [e for e in received(p["alice"][1], "message") if e["op"] == "react"]
    assert events and events[0]["id"] == mid and events[0]["kind"] == "like" and events[0]["on"] is True
    assert conforms(events[0], "MessageEvent")
    assert not [e for e in received(p["lea"][1]) if e.get("type") == "message"]  # not hers
    message = alice.get(f"/api/v1/messages/{mid}").get_json()
    assert conforms(message, "Message")
    assert message["reactions"] == {"like": 1} and message["my_reactions"] == []
    assert bob.get(f"/api/v1/messages/{mid}").get_json()["my_reactions"] == ["like"]
    assert bob.post(f"/api/v1/messages/{mid}/reactions", json={"kind": "like"}).status_code == 409
    assert bob.post(f"/api/v1/messages/{mid}/reactions", json={"kind": "poop"}).status_code == 400
    assert bob.post(f"/api/v1/messages/{mid}/reactions", json={}).status_code == 400
    assert bob.post(f"/api/v1/messages/{mid}/reactions", data="x",
                    content_type="application/json").status_code == 400
    assert lea.post(f"/api/v1/messages/{mid}/reactions", json={"kind": "like"}).status_code == 404
    assert bob.post("/api/v1/messages/999999/reactions", json={"kind": "like"}).status_code == 404
    assert bob.delete(f"/api/v1/messages/{mid}/reactions/like").status_code == 204
    assert bob.delete(f"/api/v1/messages/{mid}/reactions/like").status_code == 404
    assert bob.delete(f"/api/v1/messages/{mid}/reactions/poop").status_code == 400
    # the page's button, without JavaScript: a toggle, back to the conversation
    page = bob.post(f"/messages/{cid}/react/{mid}", data={"kind": "love"})
    assert page.status_code in (302, 303)
    html = bob.get(f"/messages/{cid}").get_data(as_text=True)
    assert 'aria-pressed="true"' in html and "❤️" in html
    assert lea.post(f"/messages/{cid}/react/{mid}", data={"kind": "love"}).status_code == 404


def test_replies_form_a_thread_delivered_live(app: Flask, cast: Any, make_web: Any,
                                               socket_for: Any) -> None:
    p = people(cast, make_web, socket_for, "alice", "bob")
    alice, bob = p["alice"][0], p["bob"][0]
    cid = start(alice, cast.bob)
    root = send(alice, cid, "Which slides for Monday?")
    received(p["bob"][1])
    res = bob.post(f"/api/v1/conversations/{cid}/messages", json={"body": "The blue ones", "reply_to": root})
    assert res.status_code == 201, res.get_json()
    reply = res.get_json()
    assert conforms(reply, "Message") and reply["reply_to_id"] == root
    [event] = [e for e in received(p["alice"][1], "message") if e.get("reply_to")]
    assert event["reply_to"] == root and conforms(event, "MessageEvent")
    # replying to a reply answers its root: threads are one level deep
    again = alice.post(f"/api/v1/conversations/{cid}/messages", json={"body": "OK", "reply_to": reply["id"]})
    assert again.get_json()["reply_to_id"] == root
    thread = alice.get(f"/api/v1/messages/{root}/replies").get_json()
    assert [m["body"] for m in thread["items"]] == ["The blue ones", "OK"] and not thread["more"]
    assert conforms(thread, "ReplyPage")
    parent = alice.get(f"/api/v1/messages/{root}").get_json()
    assert parent["reply_count"] == 2 and parent["last_reply_at"]
    # the page: the timeline shows the root with its count; the thread opens beside it
    html = alice.get(f"/messages/{cid}").get_data(as_text=True)
    assert "2 replies" in html and "The blue ones" not in html
    html = alice.get(f"/messages/{cid}?thread={root}").get_data(as_text=True)
    assert "The blue ones" in html and 'data-thread-composer' in html
    panel = alice.get(f"/messages/{cid}/thread/{root}").get_data(as_text=True)
    assert "The blue ones" in panel and f'value="{root}"' in panel
    # the thread composer without JavaScript
    sent = bob.post(f"/messages/{cid}/send", data={"body": "Sent from the form", "reply_to": str(root)})
    assert sent.status_code in (302, 303) and f"thread={root}" in sent.headers["Location"]
    assert alice.get(f"/api/v1/messages/{root}").get_json()["reply_count"] == 3


@pytest.mark.parametrize(("reply_to", "status"), [(999999, 400), ("abc", 400), (True, 400), (-1, 400)])
def test_bad_thread_roots_are_400(app: Flask, cast: Any, webs: Any, reply_to: Any, status: int) -> None:
    cid = start(webs["alice"], cast.bob)
    res = webs["alice"].post(f"/api/v1/conversations/{cid}/messages",
                             json={"body": "Hi", "reply_to": reply_to})
    assert res.status_code == status and res.get_json()["error"]["code"]


def test_thread_roots_of_other_conversations_and_deleted_ones_are_refused(app: Flask, cast: Any,
                                                                          webs: Any) -> None:
    alice, bob, lea = webs["alice"], webs["bob"], webs["lea"]
    mine = start(alice, cast.bob)
    theirs = start(lea, cast.admin)
    elsewhere = send(lea, theirs, "Private to lea and admin")
    res = alice.post(f"/api/v1/conversations/{mine}/messages", json={"body": "Hi", "reply_to": elsewhere})
    assert res.status_code == 400
    root = send(alice, mine, "Soon gone")
    assert bob.post(f"/api/v1/messages/{root}/reactions", json={"kind": "sad"}).status_code == 201
    assert alice.delete(f"/api/v1/messages/{root}").status_code == 204
    assert bob.get(f"/api/v1/messages/{root}").get_json()["reactions"] == {}  # erased with it
    res = bob.post(f"/api/v1/conversations/{mine}/messages", json={"body": "Hi", "reply_to": root})
    assert res.status_code == 400
    assert bob.post(f"/api/v1/messages/{root}/reactions", json={"kind": "like"}).status_code == 409
    assert lea.get(f"/api/v1/messages/{root}/replies").status_code == 404
    assert alice.get(f"/messages/{mine}?thread={elsewhere}").status_code == 404
    assert alice.get(f"/messages/{mine}?thread=abc").status_code == 400
    assert lea.get(f"/messages/{mine}/thread/{root}").status_code == 404
    for bad in ("abc", "0", str(elsewhere)):  # the page form: a clear 400 too
        assert alice.post(f"/messages/{mine}/send", data={"body": "x", "reply_to": bad}).status_code == 400


def test_search_within_a_conversation(app: Flask, cast: Any, webs: Any) -> None:
    alice, lea = webs["alice"], webs["lea"]
    cid = start(alice, cast.bob)
    for text in ("The budgets for Q3 are ready", "Lunch?", "budget approuvé par Léa", "100% sure"):
        send(alice, cid, text)

    def found(q: str) -> list[str]:
        res = alice.get(f"/api/v1/conversations/{cid}/search", query_string={"q": q})
        assert res.status_code == 200 and conforms(res.get_json(), "MessageSearch")
        return [m["body"] for m in res.get_json()["items"]]

    assert found("BUDGET") == ["budget approuvé par Léa", "The budgets for Q3 are ready"]  # stems
    assert found("budget q3") == ["The budgets for Q3 are ready"]  # every word
    assert found("lea approuve") == ["budget approuvé par Léa"]  # accents folded
    assert found("budget -léa") == ["The budgets for Q3 are ready"]
    assert found('"lunch" OR sure') == ["100% sure", "Lunch?"]
    assert found("dinner") == []
    assert alice.get(f"/api/v1/conversations/{cid}/search?q=%20").status_code == 400
    assert alice.get(f"/api/v1/conversations/{cid}/search").status_code == 400
    assert alice.get(f"/api/v1/conversations/{cid}/search?q={'x' * 201}").status_code == 400
    assert alice.get(f"/api/v1/conversations/{cid}/search?q=-alone").status_code == 400  # no word
    assert lea.get(f"/api/v1/conversations/{cid}/search?q=budget").status_code == 404
    html = alice.get(f"/messages/{cid}?q=budget").get_data(as_text=True)
    assert "2 messages found" in html and "Show in the conversation" in html
    assert alice.get(f"/messages/{cid}?q=-alone").status_code == 400


def test_the_list_of_my_conversations_is_beside_the_open_one(app: Flask, cast: Any, webs: Any) -> None:
    alice = webs["alice"]
    first = start(alice, cast.bob)
    second = start(alice, cast.lea, cast.bob, title="Launch team")
    html = alice.get(f"/messages/{first}").get_data(as_text=True)
    assert "data-conversation-list" in html and "Launch team" in html
    assert f'href="/messages/{first}" aria-current="page"' in html
    assert f'href="/messages/{second}" aria-current' not in html
