"""Feed pages: who sees which posts, keyset pages, constant query counts, topics, groups,
notifications, and the page frame (CSP, no inline scripts, live catch-up cursor)."""

from __future__ import annotations

import re

from sqlalchemy import event, func, select

from intranet.actions.comments import do_add_comment, do_toggle_reaction
from intranet.actions.groups import do_remove_member
from intranet.actions.posts import do_create_post
from intranet.models import Event, Group, Notification, Post, User
from intranet.platform import db
from intranet.views import pagecache

POST_ID = re.compile(r'<article class="card post[^"]*"\s+id="post-(\d+)"')


def make_post(app, author, group, body, **kw) -> int:
    with app.app_context(), db.transaction() as s:
        g = s.get(Group, group.id) if group is not None else None
        return do_create_post(s, s.get(User, author.id), g, body, **kw).id


def feed_ids(html: str) -> list[int]:
    return [int(i) for i in POST_ID.findall(html)]


def test_home_shows_company_and_my_groups_but_no_foreign_private_posts(app, cast, make_web):
    company = make_post(app, cast.bob, None, "Company-wide hello")
    apollo = make_post(app, cast.lea, cast.apollo, "Apollo launch plan")
    coffee = make_post(app, cast.bob, cast.coffee, "Fresh beans today")
    board = make_post(app, cast.admin, cast.board, "Board minutes")
    marketing = make_post(app, cast.lea, cast.marketing_group, "Marketing weekly")

    alice = make_web().login(cast.alice).get("/")
    assert alice.status_code == 200
    assert set(feed_ids(alice.text)) == {company, apollo, marketing}
    assert "Apollo launch plan" in alice.text and "Board minutes" not in alice.text

    bob = make_web().login(cast.bob).get("/")
    assert set(feed_ids(bob.text)) == {company, coffee}
    assert "Apollo launch plan" not in bob.text and "Marketing weekly" not in bob.text
    assert board not in feed_ids(bob.text)


def test_keyset_pagination_returns_the_next_page_without_overlap(app, cast, web):
    ids = [make_post(app, cast.bob, None, f"Post number {n}") for n in range(25)]
    web.login(cast.alice)
    first = web.get("/")
    page1 = feed_ids(first.text)
    assert page1 == sorted(ids, reverse=True)[:20]
    older = re.search(r'href="(/\?before=\d+)"', first.text)
    assert older, "an 'Older posts' link"
    second = web.get(older.group(1))
    page2 = feed_ids(second.text)
    assert page2 == sorted(ids, reverse=True)[20:]
    assert not set(page1) & set(page2)
    assert not re.search(r'href="/\?before=', second.text)  # last page: no further link


def test_bad_page_cursor_is_a_clear_400(cast, web):
    response = web.login(cast.alice).get("/?before=abc")
    assert response.status_code == 400
    assert "page cursor" in response.text


def _count_home_queries(app, web) -> int:
    """Queries of a rendered home page (cards may come from their cache, the page does not)."""
    pagecache.store_of(app).new_generation()
    with app.app_context():
        engine = db.engine()
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = web.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(seen)


def _varied_posts(app, cast, n: int) -> None:
    """Posts by several authors, in several groups, with topics, reactions, comments, announcements."""
    authors = [cast.alice, cast.lea, cast.bob]
    groups = [None, cast.marketing_group, cast.apollo]
    for i in range(n):
        author = authors[i % 3]
        group = groups[i % 3] if author is not cast.bob else None
        announce = author is cast.lea and group is not None and i % 2 == 0
        post_id = make_post(app, author, group, f"Post {i} #topic{i % 4} #common", announcement=announce)
        with app.app_context(), db.transaction() as s:
            post = s.get(Post, post_id)
            do_toggle_reaction(s, s.get(User, cast.alice.id), post, "like")
            do_add_comment(s, s.get(User, cast.lea.id), post, f"comment on {i}")


def test_home_feed_query_count_does_not_grow_with_posts(app, cast, web):
    web.login(cast.alice)
    _varied_posts(app, cast, 5)
    web.get("/")  # warm-up: first request of the app (and of the cached cards)
    with_5 = _count_home_queries(app, web)
    _varied_posts(app, cast, 15)
    with_20_cold = _count_home_queries(app, web)  # 15 cards not cached yet: loaded together
    with_20 = _count_home_queries(app, web)
    assert len(feed_ids(web.get("/").text)) == 20
    assert with_5 == with_20, (with_5, with_20)
    assert with_20_cold <= with_20 + 2, (with_20_cold, with_20)  # posts + their topics, once


def test_topic_page_lists_only_readable_posts(app, cast, make_web):
    public = make_post(app, cast.alice, None, "We #Launch on Monday")
    private = make_post(app, cast.lea, cast.apollo, "Secret #launch details")
    bob = make_web().login(cast.bob)
    response = bob.get("/topics/launch")
    assert response.status_code == 200
    assert feed_ids(response.text) == [public]
    alice = make_web().login(cast.alice)
    assert set(feed_ids(alice.get("/topics/launch").text)) == {public, private}
    assert bob.get("/topics/nothing-here").status_code == 404


def test_private_group_page_shows_header_only_to_non_members(app, cast, make_web):
    make_post(app, cast.lea, cast.apollo, "Apollo internal note")
    bob = make_web().login(cast.bob)
    response = bob.get(f"/groups/{cast.apollo.id}")
    assert response.status_code == 200
    assert "Project Apollo" in response.text and "Request to join" in response.text
    assert "Apollo internal note" not in response.text and not feed_ids(response.text)
    assert 'action="/posts"' not in response.text  # no composer

    alice = make_web().login(cast.alice).get(f"/groups/{cast.apollo.id}")
    assert "Apollo internal note" in alice.text and 'action="/posts"' in alice.text
    assert "Leave" in alice.text


def test_secret_group_is_404_for_outsiders(cast, web):
    assert web.login(cast.bob).get(f"/groups/{cast.board.id}").status_code == 404
    assert web.get("/groups/99999").status_code == 404


def test_public_group_page_readable_by_non_member_with_join_button(app, cast, web):
    make_post(app, cast.bob, cast.coffee, "Espresso tasting on Friday")
    response = web.login(cast.alice).get(f"/groups/{cast.coffee.id}")
    assert "Espresso tasting on Friday" in response.text
    assert f'action="/groups/{cast.coffee.id}/join"' in response.text
    assert 'action="/posts"' not in response.text  # only members post


def test_group_page_links_members_and_settings_for_leads(cast, make_web):
    lea = make_web().login(cast.lea).get(f"/groups/{cast.apollo.id}")
    assert f"/groups/{cast.apollo.id}/settings" in lea.text
    assert 'name="announcement"' in lea.text
    alice = make_web().login(cast.alice).get(f"/groups/{cast.apollo.id}")
    assert f"/groups/{cast.apollo.id}/settings" not in alice.text
    assert f"/groups/{cast.apollo.id}/members" in alice.text
    assert 'name="announcement"' not in alice.text


def test_notifications_page_and_mark_all_read(app, cast, web):
    post_id = make_post(app, cast.bob, None, "Thanks @alice for the help")
    web.login(cast.alice)
    page = web.get("/notifications")
    assert page.status_code == 200
    assert "Bob Durand mentioned you" in page.text
    assert "is-unread" in page.text and f"/posts/{post_id}" in page.text
    assert re.search(r"data-unread-badge>1<", page.text)

    done = web.post("/notifications/read")
    assert done.status_code == 302
    page = web.get("/notifications")
    assert "is-unread" not in page.text
    assert re.search(r"data-unread-badge hidden>0<", page.text)


def test_mark_one_read_as_json(app, cast, web):
    make_post(app, cast.bob, None, "Hi @alice")
    make_post(app, cast.bob, None, "Hi again @alice")
    with app.app_context():
        first = db.session.scalar(select(func.min(Notification.id))
                                  .where(Notification.user_id == cast.alice.id))
    response = web.login(cast.alice).post("/notifications/read", data={"ids": str(first)},
                                          headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json == {"changed": 1, "unread": 1}


def test_notification_hides_a_post_the_reader_lost_access_to(app, cast, web):
    post_id = make_post(app, cast.lea, cast.apollo, "Launch date is the 14th, @alice")
    with app.app_context(), db.transaction() as s:
        lea, alice = s.get(User, cast.lea.id), s.get(User, cast.alice.id)
        do_remove_member(s, lea, s.get(Group, cast.apollo.id), alice)
    page = web.login(cast.alice).get("/notifications")
    assert page.status_code == 200
    assert "Launch date" not in page.text
    assert f"/posts/{post_id}" not in page.text and "Project Apollo" not in page.text
    assert "can no longer see" in page.text


def test_pages_send_csp_and_contain_no_inline_script_or_style(app, cast, web):
    post_id = make_post(app, cast.alice, None, "Hello <script>alert(1)</script> #csp")
    web.login(cast.alice)
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    for url in ["/", f"/groups/{cast.apollo.id}", "/topics/csp", f"/posts/{post_id}",
                f"/posts/{post_id}/edit", "/notifications", "/posts/424242"]:
        response = web.get(url)
        csp = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp, url
        assert not inline_script.search(response.text), url
        assert not re.search(r"\sstyle=", response.text), url
        assert not re.search(r"\son[a-z]+=", response.text, re.I), url


def test_body_carries_the_newest_visible_event_id(app, cast, make_web):
    make_post(app, cast.bob, None, "Company news")
    make_post(app, cast.lea, cast.apollo, "Apollo only")
    with app.app_context():
        newest = db.session.scalar(select(func.max(Event.id)))
        bob_visible = db.session.scalar(select(func.max(Event.id)).where(
            Event.group_id.is_(None), Event.user_id.is_(None)))
    alice = make_web().login(cast.alice).get("/").text
    bob = make_web().login(cast.bob).get("/").text
    assert f'data-last-event-id="{newest}"' in alice
    assert f'data-last-event-id="{bob_visible}"' in bob and bob_visible < newest
    assert f'data-user-id="{cast.bob.id}"' in bob


def test_anonymous_visitor_is_sent_to_login(web):
    response = web.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_error_page_renders_in_the_frame_for_anonymous_and_signed_in(cast, make_web):
    anonymous = make_web().get("/no/such/page")
    assert anonymous.status_code == 404 and "does not exist" in anonymous.text
    assert "data-user-id" not in anonymous.text and "socket.io" not in anonymous.text
    signed_in = make_web().login(cast.alice).get("/posts/12345")
    assert signed_in.status_code == 404 and 'class="topnav"' in signed_in.text


def test_html_lang_follows_the_reader(cast, make_web):
    french = make_web().login(cast.bob).get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert '<html lang="fr">' in french.text
    assert re.search(r'value="fr" lang="fr" class="lang"\s+aria-pressed="true"', french.text)
    english = make_web().login(cast.bob).get("/", headers={"Accept-Language": "en"})
    assert '<html lang="en">' in english.text
