"""A post's page outside my groups catches up after a reconnect (comments and poll results
missed while offline arrive once each), and the side rail's "new" counts move live when a
colleague posts in one of my groups."""

from __future__ import annotations

import re
import secrets
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import expect

from intranet.actions.groups import do_create_group
from intranet.actions.poll_spec import parse_poll
from intranet.actions.posts import do_create_post
from intranet.models import User
from intranet.platform import db
from tests.browser.helpers import (
    chromium_missing_reason,
    feed_cards,
    mark_page,
    on_server_database,
    publish,
    still_same_page,
    wait_live,
)

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser
RECONNECT_TIMEOUT_MS = 15_000


def _open_group_with_poll(live_server: SimpleNamespace, token: str) -> int:
    """lea's public group (bob is not in it) with her poll, written through the real actions."""
    with on_server_database(live_server), db.transaction() as s:
        lea = s.get(User, live_server.people.lea.id)
        group = do_create_group(s, lea, f"Open {token}", visibility="public", kind="community")
        post = do_create_post(s, lea, group, f"Which day {token}?",
                              poll=parse_poll({"options": ["Monday", "Friday"]}))
        return post.id


def _rail_count(page: Any, name: str) -> Any:
    return page.locator("#rail [data-rail-group]", has_text=name)


def test_a_post_page_outside_my_groups_catches_up_after_a_reconnect(open_browser, live_server):
    token = secrets.token_hex(4)
    post_id = _open_group_with_poll(live_server, token)
    bob, lea = open_browser("bob"), open_browser("lea")
    bob.page.goto(f"/posts/{post_id}")
    wait_live(bob.page)
    mark_page(bob.page)
    lea.page.goto(f"/posts/{post_id}")
    wait_live(lea.page)

    bob.context.set_offline(True)
    bob.page.locator('body[data-live-state="offline"]').wait_for(state="attached")
    for text in (f"First {token}", f"Second {token}"):
        lea.page.get_by_label("Your comment").fill(text)
        lea.page.get_by_role("button", name="Comment", exact=True).click()
        expect(lea.page.locator(".comment", has_text=text)).to_be_visible()
    lea.page.get_by_label("Friday").check()
    lea.page.get_by_role("button", name="Vote").click()
    expect(lea.page.get_by_role("button", name="Change my vote")).to_be_visible()
    expect(bob.page.locator(".comment", has_text=token)).to_have_count(0)

    bob.context.set_offline(False)  # Socket.IO retries with a backoff of up to 5 s
    comments = bob.page.locator(".comment", has_text=token)
    expect(comments).to_have_count(2, timeout=RECONNECT_TIMEOUT_MS)
    expect(bob.page.locator("[data-poll-voters]")).to_have_text("1 person voted")
    texts = [re.search(r"(First|Second) " + token, t).group(0) for t in comments.all_text_contents()]
    assert texts == [f"First {token}", f"Second {token}"]
    expect(bob.page.locator(f'[data-comment-count-for="{post_id}"]')).to_have_text("2")

    lea.page.get_by_label("Your comment").fill(f"Third {token}")  # and live again, once
    lea.page.get_by_role("button", name="Comment", exact=True).click()
    expect(comments).to_have_count(3)
    expect(bob.page.locator(".comment", has_text=f"Third {token}")).to_have_count(1)
    assert still_same_page(bob.page)
    assert not [e for e in bob.errors if "ERR_INTERNET_DISCONNECTED" not in e]  # offline polls fail


def test_the_rail_counts_new_posts_in_my_groups_live(open_browser, live_server):
    token = secrets.token_hex(4)
    apollo = live_server.people.apollo.name
    alice, lea, bob = open_browser("alice"), open_browser("lea"), open_browser("bob")
    mark_page(alice.page)
    item = _rail_count(alice.page, apollo)
    before = int(item.get_attribute("data-rail-count"))
    expect(_rail_count(bob.page, apollo)).to_have_count(0)  # not his group

    publish(lea.page, f"Apollo news {token}", shows=token, to=apollo)
    expect(item).to_have_attribute("data-rail-count", str(before + 1))
    expect(item.locator(".rail-new")).to_have_text(re.compile(rf"^{before + 1}\s+new posts?$"))
    publish(alice.page, f"My own {token}", shows=f"My own {token}", to=apollo)  # mine is not new
    publish(lea.page, f"Company {token}", shows=f"Company {token}")  # not a group of the rail
    publish(lea.page, f"Apollo more {token}", shows=f"Apollo more {token}", to=apollo)
    expect(item).to_have_attribute("data-rail-count", str(before + 2))

    lea.page.once("dialog", lambda dialog: dialog.accept())
    card = feed_cards(lea.page, f"Apollo news {token}")
    card.locator(".post-menu summary").click()
    card.get_by_role("button", name="Delete").click()  # a removed post is no longer new
    expect(item).to_have_attribute("data-rail-count", str(before + 1))
    assert still_same_page(alice.page) and not alice.errors

    alice.page.goto("/")  # the server's count agrees with the live one
    expect(_rail_count(alice.page, apollo)).to_have_attribute("data-rail-count", str(before + 1))
