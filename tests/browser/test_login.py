"""Logging in through the form, as a colleague does on their first morning."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, chromium_missing_reason, wait_live

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


def test_wrong_password_is_refused_then_the_right_one_opens_the_home_feed(open_browser):
    page = open_browser(login=False).page
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))  # the feed is for signed-in colleagues

    page.locator("#email").fill("alice@example.com")
    page.locator("#password").fill("not my password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Wrong e-mail or password.")).to_be_visible()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Latest posts")).to_be_visible()
    expect(page.get_by_label("Write a post")).to_be_visible()
    expect(page.locator(".me-name")).to_have_text("Alice Martin")
    wait_live(page)
