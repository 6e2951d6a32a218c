"""A photo alone is a post: published from the composer without text, it shows as a card with
its photo for the author and, live, for a colleague; with neither text nor photo the composer
says why in the form."""

from __future__ import annotations

import io
import secrets

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.helpers import chromium_missing_reason, mark_page, still_same_page

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (20, 90, 160)).save(out, "PNG")
    return out.getvalue()


def test_a_photo_alone_is_published_and_arrives_live(open_browser):
    alice, bob = open_browser("alice"), open_browser("bob")
    mark_page(bob.page)
    name = f"harbour-{secrets.token_hex(4)}.png"
    page = alice.page
    page.locator("#composer-body").click()  # the composer opens when tapped
    page.get_by_role("button", name="Publish").click()
    error = page.locator("[data-composer] [data-form-error]")
    expect(error).to_have_text("Post cannot be empty.")  # the server's words, in the form

    page.locator("[data-composer] input[type=file]").set_input_files(
        [{"name": name, "mimeType": "image/png", "buffer": _png()}])
    page.get_by_role("button", name="Publish").click()
    photo = f'[data-live-feed] .post:has(a[data-photo][data-name="{name}"])'
    mine = page.locator(photo)
    expect(mine).to_have_count(1)
    expect(error).to_be_hidden()
    expect(mine.locator(".post-body")).to_be_hidden()  # no empty text block
    expect(mine.get_by_role("img", name=f"Photo: {name}")).to_be_visible()

    theirs = bob.page.locator(photo)  # a company post: it reaches bob live
    expect(theirs).to_have_count(1)
    expect(theirs.get_by_role("img", name=f"Photo: {name}")).to_be_visible()
    assert still_same_page(bob.page) and not bob.errors
    assert [e for e in alice.errors if "400" not in e] == []  # only the refused empty post
