"""Two colleagues chat live in their browsers: a conversation started from a profile, messages
both ways without reloading, the typing indicator, read receipts, unread counts and the badge."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import chromium_missing_reason, mark_page, still_same_page, wait_live

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


def test_two_colleagues_chat_live(open_browser, live_server):
    alice, bob = open_browser("alice"), open_browser("bob")
    token = secrets.token_hex(4)
    bob.page.goto("/messages")
    wait_live(bob.page)
    mark_page(bob.page)

    alice.page.goto(f"/people/{live_server.people.bob.id}")
    alice.page.get_by_role("button", name="Message").click()
    alice.page.wait_for_url(re.compile(r"/messages/\d+$"))
    wait_live(alice.page)
    expect(alice.page.get_by_role("heading", level=1)).to_have_text("Bob Durand")

    composer = alice.page.get_by_label("Message", exact=True)
    composer.fill(f"Hello **Bob** {token}")
    composer.press("Enter")
    expect(alice.page.locator(".message", has_text=token)).to_have_count(1)
    expect(composer).to_have_value("")

    # bob, on his conversation list: the conversation comes to the top with its unread count
    item = bob.page.locator(".conversation-item", has_text="Alice Martin")
    expect(item.locator("[data-conversation-unread]")).to_have_text(re.compile(r"^\s*\d+"))
    expect(item.locator(".conversation-preview")).to_contain_text(token)
    expect(bob.page.locator("[data-messages-badge]")).to_be_visible()
    assert still_same_page(bob.page)

    item.locator(".conversation-title").click()
    bob.page.wait_for_url(re.compile(r"/messages/\d+$"))
    wait_live(bob.page)
    expect(bob.page.locator(".message", has_text=token).locator(".message-body strong")).to_have_text("Bob")
    expect(bob.page.locator("[data-messages-badge]")).to_be_hidden()  # reading cleared it
    expect(alice.page.locator("[data-read-by]")).to_have_text("Read by Bob Durand")

    mark_page(alice.page)
    bob_box = bob.page.get_by_label("Message", exact=True)
    bob_box.press_sequentially("Hi Alice", delay=20)
    expect(alice.page.locator("[data-typing]")).to_have_text(re.compile("Bob Durand is typing"))
    bob_box.press("Enter")
    reply = alice.page.locator(".message", has_text="Hi Alice")
    expect(reply).to_have_count(1)
    texts = [t.strip() for t in alice.page.locator(".message .message-body").all_text_contents()]
    assert texts[-2:] == [f"Hello Bob {token}", "Hi Alice"]  # in order, each once
    expect(bob.page.locator("[data-read-by]")).to_have_text("Read by Alice Martin")
    assert still_same_page(alice.page)
    assert alice.errors == [] and bob.errors == []
    assert alice.csp_violations() == [] and bob.csp_violations() == []
