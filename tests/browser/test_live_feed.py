"""Two or three colleagues with the home page open: what one does shows up on the others' screens
without reloading, only for those allowed to read it, and nothing is lost while offline."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import chromium_missing_reason, feed_cards, mark_page, publish, still_same_page

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser
RECONNECT_TIMEOUT_MS = 15_000


def unread(page) -> int:
    """The number on the bell (0 when the badge is hidden)."""
    badge = page.locator("[data-unread-badge]")
    if not badge.is_visible():
        return 0
    return int(re.match(r"\s*(\d+)", badge.text_content()).group(1))


def test_a_post_its_reactions_and_comments_reach_a_colleague_live(open_browser):
    alice, bob = open_browser("alice"), open_browser("bob")
    mark_page(alice.page)
    mark_page(bob.page)
    bell_before = unread(bob.page)
    token = secrets.token_hex(4)

    mine = publish(alice.page, f"Launch {token}: **big news** for @bob today", shows=token)
    expect(mine.locator(".post-body strong")).to_have_text("big news")

    card = feed_cards(bob.page, token)
    expect(card).to_have_count(1)
    expect(card.locator(".post-author")).to_have_text("Alice Martin")
    expect(card.locator(".post-body strong")).to_have_text("big news")  # Markdown, rendered
    expect(card.locator(".post-body")).not_to_contain_text("**")
    expect(card.locator(".post-body a.mention")).to_have_text("@bob")
    badge = bob.page.locator("[data-unread-badge]")
    expect(badge).to_be_visible()
    expect(badge).to_have_text(re.compile(rf"^\s*{bell_before + 1}\b"))  # the mention, live

    like = card.locator('.reaction[data-kind="like"]')
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(mine.locator('.reaction[data-kind="like"] [data-count]')).to_have_text("1")
    expect(mine.locator("[data-comment-count]")).to_have_text("0")
    assert still_same_page(bob.page)

    card.locator(".comments-link").click()  # the post's own page, where comments are written
    bob.page.get_by_label("Your comment").fill(f"Congratulations {token}!")
    bob.page.get_by_role("button", name="Comment", exact=True).click()
    expect(bob.page.locator(".comment", has_text=f"Congratulations {token}!")).to_be_visible()
    expect(mine.locator("[data-comment-count]")).to_have_text("1")
    assert still_same_page(alice.page)  # everything reached alice without a reload


def test_a_private_group_post_reaches_its_members_only(open_browser, live_server):
    alice, lea, bob = open_browser("alice"), open_browser("lea"), open_browser("bob")
    token = secrets.token_hex(4)

    publish(alice.page, f"Apollo secret {token}", shows=token, to=live_server.people.apollo.name)
    expect(feed_cards(lea.page, token)).to_have_count(1)
    expect(feed_cards(lea.page, token).locator(".post-where")).to_contain_text("Project Apollo")

    publish(alice.page, f"Public after {token}", shows=f"Public after {token}")
    # bob got the public post sent after the private one: had the private one reached him, it
    # would be on his page by now
    expect(feed_cards(bob.page, f"Public after {token}")).to_have_count(1)
    expect(feed_cards(bob.page, token)).to_have_count(1)
    expect(bob.page.get_by_text(f"Apollo secret {token}")).to_have_count(0)


def test_posts_written_while_offline_appear_once_each_in_order_after_reconnecting(open_browser):
    alice, bob = open_browser("alice"), open_browser("bob")
    mark_page(bob.page)
    token = secrets.token_hex(4)

    bob.context.set_offline(True)
    bob.page.locator('body[data-live-state="offline"]').wait_for(state="attached")
    publish(alice.page, f"First {token}", shows=f"First {token}")
    publish(alice.page, f"Second {token}", shows=f"Second {token}")
    expect(bob.page.get_by_role("status")).to_have_text(re.compile("Connection lost"))
    expect(feed_cards(bob.page, token)).to_have_count(0)

    bob.context.set_offline(False)  # Socket.IO retries with a backoff of up to 5 s
    expect(feed_cards(bob.page, token)).to_have_count(2, timeout=RECONNECT_TIMEOUT_MS)
    expect(bob.page.get_by_role("status")).to_be_hidden()
    expect(feed_cards(bob.page, f"First {token}")).to_have_count(1)
    expect(feed_cards(bob.page, f"Second {token}")).to_have_count(1)
    texts = [t.strip() for t in feed_cards(bob.page, token).locator(".post-body").all_text_contents()]
    assert texts == [f"Second {token}", f"First {token}"]  # newest first, as after a reload
    assert still_same_page(bob.page)


# live.js on its own, with a stand-in socket: two server processes may deliver events out of order.
LIVE_ORDER = """async () => {
  const { startLive } = await import('/static/js/live.js');
  const handlers = {};
  const socket = {
    connected: false, on: (name, fn) => { handlers[name] = fn; }, close() {}, connect() {},
    timeout: () => ({ emitWithAck: async () => ({ ok: true, events: [], more: false }) }),
  };
  const body = document.createElement('div');
  body.dataset.userId = '1';
  body.dataset.lastEventId = '9';
  const applied = [];
  document.addEventListener('live:post', (e) => applied.push(e.detail.event_id));
  startLive({ body, ioFactory: () => socket });
  for (const id of [11, 10, 11, 9, 12, 10]) handlers.post({ event_id: id, type: 'post' });
  return applied;
}"""


def test_live_applies_a_late_event_once_and_never_one_the_page_had(open_browser):
    """11 then 10 (a late delivery from the other process): both applied; a repeat of either,
    or 9 (already on the rendered page), is not."""
    page = open_browser("alice").page
    assert page.evaluate(LIVE_ORDER) == [11, 10, 12]
