"""Search in a real browser: type a query in the top bar, narrow by a facet, open a result;
and the composer's @mention autocomplete, fed by the same index."""

from __future__ import annotations

import re
import secrets
import time

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import chromium_missing_reason, publish

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser
INDEX_WAIT_S = 10


def results_for(page, count: int):
    """The results list once the indexer thread has caught up (reload until it has)."""
    deadline = time.monotonic() + INDEX_WAIT_S
    results = page.locator("li.result")
    while results.count() < count and time.monotonic() < deadline:
        time.sleep(0.2)
        page.reload()
    expect(results).to_have_count(count)
    return results


def test_type_a_query_filter_by_a_facet_and_open_a_result(open_browser):
    alice = open_browser("alice")
    page = alice.page
    token = f"zq{secrets.token_hex(3)}"
    publish(page, f"Les réunions {token} du projet", shows=token, to="Project Apollo")
    publish(page, f"Meeting {token} for everyone: réunion générale", shows=f"Meeting {token}")

    page.locator("#nav-search-q").fill(f"{token} reunion")
    page.locator("#nav-search-q").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    results = results_for(page, 2)
    expect(results.locator("mark").first).to_be_visible()

    page.locator('[data-facet="group"] a', has_text="Project Apollo").click()
    results = results_for(page, 1)
    expect(results.first).to_contain_text("du projet")
    expect(page.locator('[data-facet="group"] a[aria-current="true"]')).to_contain_text("Project Apollo")

    results.first.locator("a.result-title").click()
    page.wait_for_url(re.compile(r"/posts/\d+$"))
    expect(page.locator(".post-body")).to_contain_text(f"Les réunions {token}")
    assert alice.errors == [] and alice.csp_violations() == []


def test_mention_autocomplete_in_the_composer(open_browser):
    alice = open_browser("alice")
    page = alice.page
    composer = page.locator("#composer-body")
    composer.click()
    composer.press_sequentially("Merci @bo", delay=30)
    option = page.locator("[data-mention-list] [role='option']", has_text="Bob Durand")
    expect(option).to_be_visible()
    composer.press("Enter")
    expect(composer).to_have_value("Merci @bob ")
    assert alice.errors == [] and alice.csp_violations() == []
