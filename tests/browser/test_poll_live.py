"""A poll written in the composer, voted on in one browser, its results moving in another without
a reload; and the post page of a question, where the best answer is chosen."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import chromium_missing_reason, feed_cards, mark_page, still_same_page

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


def test_a_vote_in_one_browser_moves_the_results_in_another(open_browser):
    alice, bob = open_browser("alice"), open_browser("bob")
    mark_page(alice.page)
    token = secrets.token_hex(4)

    page = alice.page
    page.locator("#composer-body").fill(f"Lunch poll {token}")
    page.locator("[data-composer-more] summary").click()
    page.get_by_label("Poll", exact=True).check()
    page.locator("textarea[name=poll_options]").fill("Pizza\nSushi\nSalad")
    page.get_by_role("button", name="Publish").click()
    mine = feed_cards(page, token)
    expect(mine.locator(".poll-option")).to_have_count(3)
    expect(mine.locator("[data-poll-voters]")).to_have_text("0 people voted")

    card = feed_cards(bob.page, token)  # arrived live on bob's home page
    expect(card.locator(".poll-option")).to_have_count(3)
    card.get_by_label("Sushi").check()
    card.get_by_role("button", name="Vote").click()
    expect(feed_cards(bob.page, token).get_by_role("button", name="Change my vote")).to_be_visible()

    sushi = mine.locator(".poll-option", has_text="Sushi")
    expect(sushi.locator(".poll-count")).to_contain_text("1 vote")
    expect(mine.locator("[data-poll-voters]")).to_have_text("1 person voted")
    expect(mine.get_by_role("button", name="Vote")).to_be_visible()  # alice's own state: not voted
    assert still_same_page(alice.page)

    bob_card = feed_cards(bob.page, token)
    bob_card.get_by_label("Pizza").check()
    bob_card.get_by_role("button", name="Change my vote").click()
    expect(mine.locator(".poll-option", has_text="Pizza").locator(".poll-count")).to_contain_text("1 vote")
    expect(sushi.locator(".poll-count")).to_contain_text("0 votes")
    assert still_same_page(alice.page) and not alice.errors and not bob.errors


def test_what_i_type_is_kept_as_a_draft_on_the_server(open_browser):
    carol = open_browser("carol")
    token = secrets.token_hex(4)
    box = carol.page.locator("#composer-body")
    with carol.page.expect_response(lambda r: r.url.endswith("/drafts") and r.ok):
        box.fill(f"Half-written {token}")
    other = open_browser("carol")  # another browser of the same person
    expect(other.page.locator("#composer-body")).to_have_value(f"Half-written {token}")
    other.page.locator("#composer-body").click()  # the composer opens when tapped
    other.page.get_by_role("button", name="Publish").click()
    expect(feed_cards(other.page, token)).to_have_count(1)
    expect(other.page.locator("#composer-body")).to_have_value("")  # not back to the draft
    other.page.reload()
    expect(other.page.locator("#composer-body")).to_have_value("")  # publishing ended the draft
