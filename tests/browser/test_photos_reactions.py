"""Photos and message reactions in the browser: a photo attached to a post shows as a thumbnail
and opens in the lightbox from the keyboard (Enter, arrows, Tab kept inside, Esc gives focus
back); a reaction on a message reaches the other person's open conversation live."""

from __future__ import annotations

import io
import re
import secrets

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.helpers import chromium_missing_reason, mark_page, still_same_page, wait_live

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(out, "PNG")
    return out.getvalue()


def test_attach_photos_and_open_the_lightbox_with_the_keyboard(open_browser):
    alice = open_browser("alice")
    page = alice.page
    token = secrets.token_hex(4)
    page.locator("#composer-body").fill(f"Team day {token}")
    page.locator("[data-composer] input[type=file]").set_input_files([
        {"name": "one.png", "mimeType": "image/png", "buffer": _png((200, 40, 40))},
        {"name": "two.png", "mimeType": "image/png", "buffer": _png((40, 200, 40))},
    ])
    page.get_by_role("button", name="Publish").click()
    card = page.locator("[data-live-feed] .post", has_text=token)
    photos = card.locator("[data-photo-grid] a[data-photo]")
    expect(photos).to_have_count(2)
    thumb = photos.first.locator("img")
    expect(thumb).to_have_attribute("src", re.compile(r"/files/\d+/thumb/[0-9a-f]{64}$"))
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())

    photos.first.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog[data-lightbox]")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-lightbox-caption]")).to_have_text("one.png")
    expect(dialog.locator("[data-lightbox-position]")).to_have_text("1 of 2")
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(dialog.locator("[data-lightbox-caption]")).to_have_text("two.png")
    expect(dialog.locator("[data-lightbox-image]")).to_have_attribute("src", re.compile(r"/files/\d+/view$"))
    page.keyboard.press("ArrowRight")  # wraps round
    expect(dialog.locator("[data-lightbox-caption]")).to_have_text("one.png")
    for _ in range(6):  # Tab never leaves the dialog
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.closest('dialog[data-lightbox]') !== null")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(photos.first).to_be_focused()  # focus given back to the photo it opened from
    assert not alice.errors


def test_a_reaction_on_a_message_arrives_live(open_browser, live_server):
    alice, bob = open_browser("alice"), open_browser("bob")
    token = secrets.token_hex(4)
    alice.page.goto(f"/people/{live_server.people.bob.id}")
    alice.page.get_by_role("button", name="Message").click()
    alice.page.wait_for_url(re.compile(r"/messages/\d+$"))
    wait_live(alice.page)
    composer = alice.page.get_by_label("Message", exact=True)
    composer.fill(f"Coffee at 4? {token}")
    composer.press("Enter")
    mine = alice.page.locator("[data-messages] .message", has_text=token)
    expect(mine).to_have_count(1)
    mark_page(alice.page)

    bob.page.goto(alice.page.url)
    wait_live(bob.page)
    message = bob.page.locator("[data-messages] .message", has_text=token)
    message.get_by_label("Add a reaction").click()
    message.get_by_role("button", name="Thanks").click()
    expect(message.locator('.message-reactions > .reaction[aria-pressed="true"]')).to_contain_text("1")

    live = mine.locator(".message-reactions > .reaction", has_text="🙏")
    expect(live).to_contain_text("1")  # arrived without a reload
    expect(live).to_have_attribute("aria-pressed", "false")
    assert still_same_page(alice.page)

    # a reply in a thread arrives live too: the root's count, and the open thread
    mine.get_by_role("link", name="Reply").click()
    thread = alice.page.locator("[data-thread]")
    expect(thread).to_be_visible()
    expect(alice.page.get_by_label("Reply in the thread")).to_be_focused()
    message.get_by_role("link", name="Reply").click()
    bob.page.get_by_label("Reply in the thread").fill(f"Yes! {token}")
    bob.page.locator("[data-thread-composer]").get_by_role("button", name="Reply").click()
    expect(thread.locator("[data-thread-replies] .message", has_text=f"Yes! {token}")).to_have_count(1)
    expect(mine.get_by_role("link", name="1 reply")).to_be_visible()
    assert still_same_page(alice.page)
    assert not alice.errors and not bob.errors
