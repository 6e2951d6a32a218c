"""Every page fits a 390 px phone and a 1366 px laptop as each role sees it, and axe-core finds
no serious or critical accessibility problem on any page, in English and in French (issue 20).

The pages are those of ``wide_data`` (the long-words survey), so a page another lane adds there
is checked here too. One browser, one login per role; axe-core is the vendored copy served from
``static/vendor/axe/`` (a same-origin script, which the Content-Security-Policy allows).
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.helpers import PASSWORD, chromium_missing_reason, log_in
from tests.browser.test_long_words import OVERFLOW, WIDTHS, _wait_indexed
from tests.browser.wide_data import Wide, arrange

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser

AXE_URL = "/static/vendor/axe/axe.min.js"
# Serious and critical violations only, by rule, with a few of the offending elements.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.nodes.length}): ` +
         v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | '));
}"""


def _open(page: Any, path: str, status: int | None) -> None:
    try:
        response = page.goto(path)
    except PlaywrightError:  # the page before reloaded itself (a finished import) meanwhile
        response = page.goto(path)
    assert response is not None, path[:80]
    if status is not None:
        assert response.status == status, (path[:80], response.status)
    else:  # another role's page: shown or refused, never broken
        assert response.status in (200, 403, 404), (path[:80], response.status)
    page.wait_for_load_state("load")


def _widths(page: Any, role: str, wide: Wide) -> dict[str, Any]:
    """The pages wider than the screen, as ``role`` sees them, at both widths."""
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in wide.pages:
            _open(page, path, wide.refused.get(path, 200 if role == "admin" else None))
            if problem := page.evaluate(OVERFLOW):
                found[f"{role} {width}px {path[:70]}"] = problem
    return found


def _axe(page: Any, paths: list[str], refused: dict[str, int], label: str) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        _open(page, path, refused.get(path, 200))
        page.add_script_tag(url=AXE_URL)
        if violations := page.evaluate(AXE_RUN):
            found[f"{label} {path[:70]}"] = violations
    return found


def _set_language(page: Any, code: str) -> None:
    page.goto("/profile")
    page.locator(f'.lang-form button[value="{code}"]').click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == code


def _report(found: dict[str, Any]) -> str:
    return "\n".join(f"{where}: {what}" for where, what in sorted(found.items()))


@pytest.fixture(scope="module")
def wide(live_server: Any) -> Wide:
    return arrange(live_server.config, secrets.token_hex(3))


def test_every_page_fits_the_screen_for_every_role(browser, live_server, wide):
    too_wide: dict[str, Any] = {}
    for role, email in wide.roles.items():
        context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                      viewport={"width": 1366, "height": 900})
        try:
            page = context.new_page()
            log_in(page, email, PASSWORD)
            if role == "admin":
                _wait_indexed(page, f"/search?q=wide{wide.token}")
            too_wide |= _widths(page, role, wide)
        finally:
            context.close()
    assert too_wide == {}, _report(too_wide)


def test_axe_finds_no_serious_violation_in_either_language(browser, live_server, wide):
    """English at 1366 px and French at 390 px: both languages, both layouts, every page."""
    found: dict[str, list[str]] = {}
    for locale, width in (("en-GB", 1366), ("fr-FR", 390)):  # the pages before logging in
        context = browser.new_context(base_url=live_server.url, locale=locale,
                                      viewport={"width": width, "height": 900})
        try:
            found |= _axe(context.new_page(), wide.anonymous, {}, f"anonymous {locale} {width}px")
        finally:
            context.close()
    context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                  viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        log_in(page, wide.email, PASSWORD)
        _wait_indexed(page, f"/search?q=wide{wide.token}")
        found |= _axe(page, wide.pages, wide.refused, "en 1366px")
        _set_language(page, "fr")
        page.set_viewport_size({"width": 390, "height": 900})
        found |= _axe(page, wide.pages, wide.refused, "fr 390px")
        page.set_viewport_size({"width": 1366, "height": 900})
        _set_language(page, "en")  # the server's other tests read this person in English
    finally:
        context.close()
    assert found == {}, _report(found)
