"""Cached post cards (intranet.views.cardcache): reused across readers and requests, yet each page shows
its reader's state, the latest counts and content, and its own CSRF token."""

from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import force_locale, format_timedelta

from intranet.models import utcnow
from intranet.platform.i18n import ago
from intranet.views import cardcache
from tests.core.queries.test_feed import make_post

META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def card(html: str, post_id: int) -> str:
    """One card's HTML out of a page."""
    found = re.search(rf'<article [^>]*id="post-{post_id}".*?</article>', html, re.S)
    assert found, f"card {post_id} on the page"
    return found.group(0)


def pressed(card_html: str, kind: str) -> bool:
    return bool(re.search(rf'aria-pressed="true" data-kind="{kind}"', card_html))


def count(card_html: str, kind: str) -> str:
    found = re.search(rf'data-kind="{kind}".*?data-count>([^<]*)<', card_html, re.S)
    assert found
    return found.group(1)


def test_each_reader_sees_their_own_state_of_a_shared_card(app, cast, make_web):
    post_id = make_post(app, cast.bob, None, "Shared news")
    alice, bob = make_web().login(cast.alice), make_web().login(cast.bob)
    assert alice.post(f"/posts/{post_id}/react", data={"kind": "like"}).status_code == 302
    for _ in range(2):  # the second round is served from the cache
        mine, theirs = card(alice.get("/").text, post_id), card(bob.get("/").text, post_id)
        assert pressed(mine, "like") and not pressed(theirs, "like")
        assert count(mine, "like") == count(theirs, "like") == "1"
        assert f"/posts/{post_id}/edit" in theirs and f"/posts/{post_id}/edit" not in mine


def test_reaction_comment_and_edit_change_the_card(app, cast, make_web):
    post_id = make_post(app, cast.alice, None, "First version")
    alice, bob = make_web().login(cast.alice), make_web().login(cast.bob)
    before = card(bob.get("/").text, post_id)
    assert count(before, "love") == "" and "data-comment-count>0<" in before

    alice.post(f"/posts/{post_id}/react", data={"kind": "love"})
    assert count(card(bob.get("/").text, post_id), "love") == "1"

    alice.post(f"/posts/{post_id}/comments", data={"body": "A comment"})
    assert "data-comment-count>1<" in card(bob.get("/").text, post_id)

    assert alice.post(f"/posts/{post_id}/edit", data={"body": "Second version"}).status_code == 302
    after = card(bob.get("/").text, post_id)
    assert "Second version" in after and "First version" not in after and ">edited<" in after


def test_cached_cards_carry_the_current_sessions_csrf_token(app, cast, make_web):
    post_id = make_post(app, cast.bob, None, "Company update")  # the same card for alice and lea
    alice, lea = make_web().login(cast.alice), make_web().login(cast.lea)
    tokens = {}
    for name, client in (("alice", alice), ("lea", lea), ("alice-again", alice)):
        page = client.get("/").text
        meta = META_TOKEN.search(page).group(1)
        forms = FORM_TOKEN.findall(card(page, post_id))
        assert forms and set(forms) == {meta}, name
        tokens[name] = meta
        for sentinel in (cardcache.CSRF, cardcache.NEXT, cardcache.AGO):
            assert sentinel not in page
    assert tokens["alice"] != tokens["lea"]
    assert len(cardcache.cache_of(app)) == 1  # one card rendered, served to both


def test_next_field_is_the_current_page(app, cast, make_web):
    ids = [make_post(app, cast.bob, None, f"Post {n}") for n in range(22)]
    alice = make_web().login(cast.alice)
    alice.get("/")
    older = alice.get(f"/?before={ids[-1]}").text  # same cards, another page
    assert f'name="next" value="/?before={ids[-1]}"' in card(older, ids[-2])


def test_lru_keeps_the_most_recently_used_entries():
    lru = cardcache.LRU(2)
    lru.put(("a",), "A")
    lru.put(("b",), "B")
    assert lru.get(("a",)) == "A"  # now most recent
    lru.put(("c",), "C")
    assert lru.get(("b",)) is None and lru.get(("a",)) == "A" and lru.get(("c",)) == "C"
    assert len(lru) == 2


def test_memoized_relative_times_match_babel(app):
    # half a second off whole seconds, so the microseconds between the two clocks round the same way
    deltas = [timedelta(seconds=s + 0.5) for s in (61, 89, 90, 3000, 3100, 5400, 80000, 86400 * 5.9,
                                              86400 * 6, 86400 * 26, 86400 * 300, 86400 * 800)]
    with app.test_request_context("/"):
        for locale in ("en", "fr"):
            with force_locale(locale):
                for delta in deltas * 2:  # the second round reads the memo
                    now = utcnow()
                    assert ago(now - delta) == format_timedelta(-delta, add_direction=True)
