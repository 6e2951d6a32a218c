"""The mail settings page on a phone (390 px) and by keyboard alone: no sideways scrolling, and a
choice made with Tab, arrow keys and Enter is saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import chromium_missing_reason

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


def test_the_settings_page_fits_a_phone_and_works_by_keyboard(open_browser):
    lea = open_browser("lea")
    page = lea.page
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/settings/notifications")
        expect(page.get_by_role("heading", name="Notification settings")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
    digest = page.get_by_label("The most active posts I have not read, and what I chose for the digest")
    digest.focus()
    page.keyboard.press("ArrowDown")  # weekly -> the next choice is none: off, daily, weekly
    page.keyboard.press("Home")
    expect(digest).to_have_value("off")
    never = page.get_by_label("Comments on my posts: Never by mail")
    never.focus()
    page.keyboard.press("Space")
    expect(never).to_be_checked()
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(page.get_by_label("Comments on my posts: Never by mail")).to_be_checked()
    expect(page.get_by_label("The most active posts I have not read, and what I chose for the digest")
           ).to_have_value("off")
    assert lea.errors == [] and lea.csp_violations() == []
