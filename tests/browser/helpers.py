"""What the browser tests share: where Chromium is, how a person logs in, how to find a post."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from intranet import create_app
from intranet.platform import db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
PASSWORD = "correct horse 42"
DEFAULT_TIMEOUT_MS = 10_000

# Records what the Content-Security-Policy refused; added before any page script runs.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


def chromium_missing_reason() -> str | None:
    """Why browser tests cannot run here, or None. CI installs chromium (``make browsers``)."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium (`make browsers`) to run browser tests"
    return None


def log_in(page: Any, email: str, password: str) -> None:
    """Through the login form, as a person does; lands on the home feed with its live link up."""
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    wait_live(page)


def wait_live(page: Any) -> None:
    """Wait until the page's Socket.IO connection is up (live.js marks the body), so that what a
    test does next is received live rather than by the catch-up on connect."""
    page.locator('body[data-live-state="online"]').wait_for(state="attached")


def publish(page: Any, text: str, *, shows: str, to: str | None = None) -> Any:
    """Write a post in the home composer (optionally to a group), publish it, and wait for the
    author's own card, found by a piece of text it ``shows``."""
    page.locator("#composer-body").fill(text)
    if to is not None:
        page.locator("[data-target-select]").select_option(label=to)
    page.get_by_role("button", name="Publish").click()
    card = feed_cards(page, shows)
    card.wait_for()
    return card


def feed_cards(page: Any, text: str) -> Any:
    """The post cards of the page's live feed that contain ``text``."""
    return page.locator("[data-live-feed] .post", has_text=text)


def mark_page(page: Any) -> None:
    """Remember this page load: ``still_same_page`` is False after any reload or navigation."""
    page.evaluate("window.__sameLoad = true")


def still_same_page(page: Any) -> bool:
    return page.evaluate("window.__sameLoad === true")


@contextmanager
def on_server_database(live_server: Any) -> Iterator[None]:
    """An app context on the live server's database, to arrange or read data through the real
    actions and queries; its connections are closed on the way out, even when the block fails
    (the server and the next test would otherwise share stale pooled connections)."""
    app = create_app(dict(live_server.config))
    with app.app_context():
        try:
            yield
        finally:
            db.engine().dispose()
