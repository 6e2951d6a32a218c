"""The nav's language switcher: a colleague reads the whole frame in French, then in English."""

from __future__ import annotations

import re

import pytest
from babel.support import Translations
from playwright.sync_api import expect

from intranet.platform.config import ROOT
from tests.browser.helpers import chromium_missing_reason

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


def french(text: str) -> str:
    """What the app's compiled French catalog says for ``text`` (itself while none is compiled)."""
    return Translations.load(str(ROOT / "intranet" / "translations"), ["fr"]).gettext(text)


def test_switching_to_french_and_back(open_browser):
    page = open_browser("carol").page
    home_link = page.locator(".nav-links a[href='/']")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(home_link).to_have_text("Home")

    page.get_by_role("button", name="FR", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="FR", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(home_link).to_have_text(french("Home"))
    expect(page).to_have_url(re.compile(r"/$"))  # back on the page where the switch was pressed
    if french("Home") != "Home":  # the catalog is compiled: the labels are really translated
        expect(page.get_by_label(french("Write a post"))).to_be_visible()  # the composer, collapsed

    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(home_link).to_have_text("Home")
    expect(page.get_by_label("Write a post")).to_be_visible()
