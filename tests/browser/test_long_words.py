"""Long unbroken words wrap on every page: no page is wider than a 390 px phone or a 1366 px
laptop screen when a post, comment, message, group, profile, file name, inbox case, search
result or notification holds a 5,000-character word (issue 16: 216 pages panned sideways).

Every page the app has is opened (the list is checked against the app's routes, so a new page
must be added here), filled with such words by ``wide_data.arrange``.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from typing import Any

import pytest
from werkzeug.exceptions import NotFound

from intranet import create_app
from intranet.platform import db
from tests.browser.helpers import PASSWORD, chromium_missing_reason, log_in
from tests.browser.wide_data import Wide, arrange

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)
# GET routes that are not pages a person reads: files, images, JSON and HTML fragments that
# pages insert into themselves (each shown inside a page listed in ``wide_data``), and the
# redirects to and from the identity provider.
NOT_PAGES = {"static", "files.download", "people.avatar_file", "health.healthz", "health.readyz",
             "inbox.count", "inbox.row", "inbox.pane", "messages.fragments", "messages.item", "posts.card",
             "posts.comment_card", "search.suggestions", "sso.oidc_start", "sso.oidc_callback",
             "people_admin.audit_csv", "people_admin.mine", "people_admin.someone",  # downloads
             "files.view", "files.thumb", "messages.thread",  # a photo, a thumbnail, a fragment
             "social.poll_fragment",
             "groups.cover",  # a group's cover picture (shown on its page and card)
             "library.download", "library.search", "library.thumb", "tasks.card"}  # download, redirect...

# When the page is too wide: the elements sticking out, outside any box that scrolls or clips.
OVERFLOW = """() => {
  const root = document.documentElement, limit = root.clientWidth;
  if (root.scrollWidth <= limit) return null;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > limit + 1 && box.width > 0 && !clipped(el)) {
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${Math.round(box.right)}px`);
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: limit, sticking_out: out.slice(0, 6)};
}"""


def _unlisted_pages(config: dict[str, str], wide: Wide) -> set[str]:
    """Endpoints of GET routes that no listed path opens."""
    app = create_app(dict(config))
    adapter = app.url_map.bind("localhost")
    opened = set()
    for path in [*wide.pages, *wide.anonymous]:
        with contextlib.suppress(NotFound):  # the error page's path
            opened.add(adapter.match(path.split("?")[0], method="GET")[0])
    with app.app_context():
        db.engine().dispose()
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and not rule.rule.startswith("/api/")
            and rule.endpoint not in NOT_PAGES} - opened


def _too_wide(page: Any, path: str, status: int) -> dict | None:
    response = page.goto(path)
    assert response is not None and response.status == status, (path[:80], response and response.status)
    page.wait_for_load_state("load")
    return page.evaluate(OVERFLOW)


def _wait_indexed(page: Any, path: str) -> None:
    """The server's indexer thread takes the new content within a second or two."""
    deadline = time.monotonic() + 30
    while True:
        page.goto(path)
        if page.locator(".result-title").count() or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert page.locator(".result-title").count(), "the search results never showed the long posts"


def _survey(page: Any, paths: list[str], refused: dict[str, int]) -> dict[str, dict]:
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            if problem := _too_wide(page, path, refused.get(path, 200)):
                found[f"{width}px {path[:70]}"] = problem
    return found


def test_no_page_is_wider_than_the_screen_with_a_5000_character_word(browser, live_server):
    token = secrets.token_hex(3)
    wide = arrange(live_server.config, token)
    assert _unlisted_pages(live_server.config, wide) == set()

    context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                  viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        log_in(page, wide.email, PASSWORD)
        _wait_indexed(page, f"/search?q=wide{token}")
        page.goto(wide.post)  # the word is really there
        assert page.locator(".post-body", has_text=wide.word[:500]).count() == 1
        too_wide = _survey(page, wide.pages, wide.refused)
        page.context.clear_cookies()
        too_wide |= _survey(page, wide.anonymous, {})
    finally:
        context.close()
    assert too_wide == {}, "\n".join(f"{where}: {what}" for where, what in sorted(too_wide.items()))
