"""The main pages load with no script error and nothing refused by the Content-Security-Policy
(no inline script, no inline style, no resource from elsewhere)."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import chromium_missing_reason, publish, wait_live

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


def visit(person, path: str) -> list[str]:
    """Open ``path`` as a person and return the problems seen there (console errors, uncaught
    exceptions, CSP violations)."""
    person.errors.clear()
    response = person.page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    person.page.wait_for_load_state("load")
    if person.page.locator("body[data-user-id]").count():
        wait_live(person.page)  # the page's modules ran and connected
    return [*person.errors, *(f"CSP: {v}" for v in person.csp_violations())]


def test_main_pages_have_no_console_errors_nor_csp_violations(open_browser, live_server):
    people = live_server.people
    visitor = open_browser(login=False)
    assert visit(visitor, "/login") == []

    alice = open_browser("alice")
    token = secrets.token_hex(4)
    card = publish(alice.page, f"Clean pages {token} with *style*", shows=token)
    card.locator(".post-time a").click()
    expect(alice.page.locator("[data-post-page]")).to_be_visible()
    post_path = alice.page.url.removeprefix(live_server.url)

    pages = ["/", "/groups", "/people", "/profile", "/profile/tokens", "/notifications",
             f"/people/{people.bob.id}", f"/groups/{people.apollo.id}", post_path, "/groups/new",
             "/messages", f"/messages/new?to={people.lea.id}&q=b", "/search?q=clean",
             "/inbox/forward", "/settings/notifications"]
    problems = {path: found for path in pages if (found := visit(alice, path))}
    assert problems == {}

    admin = open_browser("admin")
    admin_pages = ["/admin/users", "/admin/users/new", "/admin/departments", "/admin/audit", "/inbox",
                   "/inbox/dashboard", "/inbox/competitors", "/inbox/admin/sources", "/inbox/admin/rules",
                   "/inbox/services", "/admin/mail", "/admin/invitations"]
    problems = {path: found for path in admin_pages if (found := visit(admin, path))}
    assert problems == {}
