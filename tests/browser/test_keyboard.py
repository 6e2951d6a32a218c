"""The frame with the keyboard alone: the skip link, a visible focus, the phone menu (open,
reach every section, Escape), the collapsed composer opening when reached (issue 20)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import chromium_missing_reason

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser

FOCUS_OUTLINE = "() => getComputedStyle(document.activeElement).outlineStyle"


def test_skip_link_then_composer_with_the_keyboard(open_browser):
    page = open_browser("alice").page
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert page.evaluate(FOCUS_OUTLINE) == "solid"  # the focus shows
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    composer = page.locator("[data-composer]")
    expect(composer.get_by_role("button", name="Publish")).to_be_hidden()  # collapsed until reached
    page.keyboard.press("Tab")
    expect(page.locator("#composer-body")).to_be_focused()
    expect(composer.get_by_role("button", name="Publish")).to_be_visible()
    page.keyboard.type("typed with the keyboard")
    page.keyboard.press("Shift+Tab")  # leaving it keeps it open: nothing typed is hidden
    expect(composer.get_by_role("button", name="Publish")).to_be_visible()


def test_phone_menu_reaches_every_section_and_closes_with_escape(open_browser):
    person = open_browser("admin")
    page = person.page
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/")
    rail = page.locator("#rail")
    expect(rail).to_be_hidden()
    toggle = page.locator(".topnav [data-menu-toggle]")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(rail).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    sections = rail.locator(".nav-links a")
    names = [sections.nth(i).inner_text().split("\n")[0].strip() for i in range(sections.count())]
    assert {"Home", "Groups", "People", "Messages", "Notifications", "Inbox", "Admin"} <= set(names)
    assert rail.get_by_role("button", name="Log out").is_visible()
    page.keyboard.press("Escape")
    expect(rail).to_be_hidden()
    expect(toggle).to_be_focused()

    bottom = page.get_by_role("navigation", name="Shortcuts")
    expect(bottom).to_be_visible()
    bottom.get_by_role("link", name="Menu").focus()
    page.keyboard.press("Enter")
    expect(rail).to_be_visible()
    rail.get_by_role("link", name="People").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/people$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
