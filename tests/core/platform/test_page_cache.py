"""Whole home pages served again from intranet.views.pagecache while nothing was written: any change, by
anyone, through the app or from another process, shows on the reader's next load; a post the
reader lost access to never shows from the cache; tokens, times and flashed messages stay per request."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import text

from intranet.models import utcnow
from intranet.platform import db
from intranet.platform.i18n import ago
from intranet.views import pagecache
from intranet.views.cardcache import AGO, CSRF, RECORDING, ago_sentinel
from tests.core.platform.test_card_cache import FORM_TOKEN, META_TOKEN, card, count
from tests.core.queries.test_feed import feed_ids, make_post

TOKENS = re.compile(r'(csrf-token" content="|name="csrf_token" value=")[^"]+')

# Whole pages are cached only where SQLite's data_version says nothing changed.
pytestmark = pytest.mark.sqlite_only


def home(client, **kw) -> str:
    response = client.get("/", **kw)
    assert response.status_code == 200
    return response.text


def cached_home(app, client, **kw) -> str:
    """The home page, asserting it came from the store."""
    hits = pagecache.store_of(app).hits
    page = home(client, **kw)
    assert pagecache.store_of(app).hits == hits + 1, "served from the page cache"
    return page


def fresh_home(app, client) -> str:
    """The home page, asserting it was rendered (something changed since the last one)."""
    hits = pagecache.store_of(app).hits
    page = home(client)
    assert pagecache.store_of(app).hits == hits, "rendered, not served from the page cache"
    return page


def without_tokens(page: str) -> str:
    return TOKENS.sub(r"\1", page)


def test_an_unchanged_page_is_served_again_with_this_requests_token_and_times(app, cast, make_web):
    post_id = make_post(app, cast.bob, None, "Company update")
    alice, alice_elsewhere = make_web().login(cast.alice), make_web().login(cast.alice)
    first = fresh_home(app, alice)
    again = cached_home(app, alice)
    assert without_tokens(again) == without_tokens(first)
    assert post_id in feed_ids(again) and "just now" in card(again, post_id)

    fresh_home(app, alice_elsewhere)  # same reader, another browser: pages are kept per login
    other = cached_home(app, alice_elsewhere)  # then its own page, with its own token
    for page in (again, other):
        assert CSRF not in page and AGO not in page
        assert set(FORM_TOKEN.findall(page)) == {META_TOKEN.search(page).group(1)}
    assert META_TOKEN.search(other).group(1) != META_TOKEN.search(again).group(1)


def test_a_copied_cookie_gets_no_kept_page_once_its_login_ended(app, cast, make_web):
    """Logging out deletes the login row (a write: the store empties) and another browser's pages
    are kept under its own login: a copy of the ended login's cookie gets the login page."""
    alice, thief, other = make_web().login(cast.alice), make_web(), make_web().login(cast.alice)
    home(alice)
    with alice.raw.session_transaction() as sess:
        copied = dict(sess)
    assert alice.post("/logout").status_code == 302
    home(other)
    cached_home(app, other)
    with thief.raw.session_transaction() as sess:
        sess.update(copied)
    assert thief.get("/").status_code == 302


def test_changes_by_another_person_show_on_the_next_load(app, cast, make_web):
    post_id = make_post(app, cast.bob, None, "First version")
    alice, bob = make_web().login(cast.alice), make_web().login(cast.bob)
    home(alice)
    cached_home(app, alice)
    steps = [
        (lambda: bob.post("/posts", data={"body": "Brand new post"}), lambda p: "Brand new post" in p),
        (lambda: bob.post(f"/posts/{post_id}/react", data={"kind": "love"}),
         lambda p: count(card(p, post_id), "love") == "1"),
        (lambda: bob.post(f"/posts/{post_id}/comments", data={"body": "A comment"}),
         lambda p: "data-comment-count>1<" in card(p, post_id)),
        (lambda: bob.post(f"/posts/{post_id}/edit", data={"body": "Second version"}),
         lambda p: "Second version" in card(p, post_id)),
        (lambda: bob.post(f"/posts/{post_id}/delete"), lambda p: post_id not in feed_ids(p)),
    ]
    for act, shows in steps:
        assert act().status_code in (201, 302)
        assert shows(fresh_home(app, alice))
        assert shows(cached_home(app, alice))


def test_a_post_i_can_no_longer_read_never_shows_from_the_cache(app, cast, make_web):
    secret = make_post(app, cast.lea, cast.apollo, "Apollo launch plan")
    alice, lea = make_web().login(cast.alice), make_web().login(cast.lea)
    home(alice)
    assert secret in feed_ids(cached_home(app, alice))
    assert lea.post(f"/groups/{cast.apollo.id}/members/{cast.alice.id}/remove").status_code == 302
    page = fresh_home(app, alice)
    assert secret not in feed_ids(page) and "Apollo launch plan" not in page
    assert "Project Apollo" not in page  # nor in the composer or the sidebar
    assert secret not in feed_ids(cached_home(app, alice))


def test_writes_from_another_process_show_on_the_next_load(app, cast, make_web):
    """The CLI, a second worker or an administrator's sqlite3 shell: no hook of ours runs there."""
    kept = make_post(app, cast.bob, None, "Before the outside change")
    secret = make_post(app, cast.lea, cast.apollo, "Apollo launch plan")
    alice = make_web().login(cast.alice)
    home(alice)
    cached_home(app, alice)
    with app.app_context():
        path = db.engine().url.database
    with sqlite3.connect(path) as outside:
        outside.execute("UPDATE users SET name = 'Robert Outside' WHERE id = ?", (cast.bob.id,))
        outside.execute("DELETE FROM memberships WHERE user_id = ? AND group_id = ?",
                        (cast.alice.id, cast.apollo.id))
    outside.close()
    page = fresh_home(app, alice)
    assert "Robert Outside" in card(page, kept) and secret not in feed_ids(page)


def test_only_a_commit_starts_a_new_generation(app, cast):
    store = pagecache.store_of(app)
    with app.app_context():
        first = store.current_generation()
        db.session().execute(text("SELECT count(*) FROM posts")).scalar()
        assert store.current_generation() == first  # reads change nothing
        db.session().execute(text("UPDATE users SET name = 'Bobby' WHERE id = :id"), {"id": cast.bob.id})
        db.session().rollback()
        assert store.current_generation() == first  # nor does a write rolled back
        db.session().execute(text("UPDATE users SET name = 'Bobby' WHERE id = :id"), {"id": cast.bob.id})
        db.session().commit()
        assert store.current_generation() == first + 1


def test_a_stored_page_needs_a_signed_in_active_reader(app, cast, make_web):
    """Hits skip loading the user: signing out and deactivation must still end access."""
    alice, admin = make_web().login(cast.alice), make_web().login(cast.admin)
    home(alice)
    cached_home(app, alice)
    assert alice.post("/logout").status_code == 302
    assert alice.get("/").status_code == 302  # to the login page, not the stored page
    alice.login(cast.alice)
    assert "You are logged out." in home(alice)  # a flashed message: rendered, not from the store
    home(alice)  # signing in again wrote its login row: rendered once more, then kept
    cached_home(app, alice)
    assert admin.post(f"/admin/users/{cast.alice.id}/deactivate").status_code == 302
    assert "/login" in alice.get("/").headers["Location"]
    assert "/login" in alice.get("/").headers["Location"]


def test_a_changed_language_is_a_new_page(app, cast, web):
    web.login(cast.alice)
    assert '<html lang="en">' in home(web)
    assert web.post("/language", data={"locale": "fr"}).status_code == 302
    assert '<html lang="fr">' in home(web)


def test_flashed_messages_are_shown_once_even_when_the_page_is_cached(app, cast, web):
    web.login(cast.alice)
    home(web)
    cached_home(app, web)
    with web.raw.session_transaction() as sess:
        sess["_flashes"] = [("success", "Flashed just for you")]
    assert "Flashed just for you" in home(web)
    assert "Flashed just for you" not in cached_home(app, web)


def test_each_language_has_its_own_page(app, cast, web):
    web.login(cast.alice)  # no language chosen in her profile: the browser's applies
    english = home(web, headers={"Accept-Language": "en"})
    french = home(web, headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in english and '<html lang="fr">' in french
    assert '<html lang="fr">' in cached_home(app, web, headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in cached_home(app, web, headers={"Accept-Language": "en"})


def test_relative_times_are_computed_when_the_page_is_served(app):
    when = utcnow() - timedelta(hours=3)
    body = f'<meta content="{CSRF}"><time>{ago_sentinel(when)}</time>'
    page = pagecache._split(body)
    with app.test_request_context("/"):
        filled = pagecache._fill("en", page).decode()
        assert filled == f'<meta content="{pagecache.generate_csrf()}"><time>{ago(when, "en")}</time>'
    assert ago(when, "en") == "3 hours ago"


def test_relative_times_outside_cards_are_not_frozen_either(app):
    """Any ``|ago`` on a recorded page (the frame may show times one day) is filled when served."""
    when = utcnow() - timedelta(minutes=5)
    template = app.jinja_env.from_string("<p>{{ when|ago }}</p>")
    with app.test_request_context("/"):
        assert template.render(when=when) == "<p>5 minutes ago</p>"
        setattr(g, RECORDING, True)
        recorded = template.render(when=when)
        setattr(g, RECORDING, False)
        assert pagecache._fill("en", pagecache._split(recorded)) == b"<p>5 minutes ago</p>"
