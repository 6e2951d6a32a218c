"""Post and comment pages and forms: create, validate, permissions, reactions, pins, announcements,
and the fragments the live script fetches."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from intranet.actions.posts import do_create_post
from intranet.models import Comment, Group, Post, User
from intranet.platform import db

JSON = {"Accept": "application/json"}


def make_post(app, author, group, body, **kw) -> int:
    with app.app_context(), db.transaction() as s:
        g = s.get(Group, group.id) if group is not None else None
        return do_create_post(s, s.get(User, author.id), g, body, **kw).id


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def get_post(app, post_id: int) -> Post | None:
    with app.app_context():
        return db.session.get(Post, post_id)


def test_create_company_post_through_the_form(app, cast, web):
    web.login(cast.alice)
    response = web.post("/posts", data={"body": "Hello **everyone**", "group_id": "", "next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = web.get("/")
    assert "<strong>everyone</strong>" in page.text and "Your post is published." in page.text
    with app.app_context():
        post = db.session.scalar(select(Post))
        assert post.group_id is None and post.author_id == cast.alice.id


def test_create_group_post_and_json_answer(app, cast, web):
    web.login(cast.alice)
    response = web.post("/posts", data={"body": "Apollo update", "group_id": str(cast.apollo.id)},
                        headers=JSON)
    assert response.status_code == 201
    post_id = response.json["id"]
    assert response.json["url"] == f"/posts/{post_id}"
    assert get_post(app, post_id).group_id == cast.apollo.id


def test_empty_or_oversized_post_is_reshown_with_a_message(app, cast, web):
    web.login(cast.alice)
    empty = web.post("/posts", data={"body": "   ", "group_id": ""})
    assert empty.status_code == 400 and "cannot be empty" in empty.text
    too_long = "x" * (app.config["MAX_POST_LENGTH"] + 1)
    big = web.post("/posts", data={"body": too_long, "group_id": str(cast.apollo.id)})
    assert big.status_code == 400 and "too long" in big.text
    assert too_long in big.text  # the text is given back, not lost
    assert f'value="{cast.apollo.id}" data-can-announce="0" selected' in big.text
    as_json = web.post("/posts", data={"body": ""}, headers=JSON)
    assert as_json.status_code == 400 and as_json.json["error"]["code"] == "invalid"
    assert count(app, Post) == 0


def test_posting_to_a_group_i_am_not_in(app, cast, web):
    web.login(cast.alice)
    public = web.post("/posts", data={"body": "hi", "group_id": str(cast.coffee.id)})
    assert public.status_code == 403 and "Join this group" in public.text
    web.login(cast.bob)
    private = web.post("/posts", data={"body": "hi", "group_id": str(cast.apollo.id)})
    assert private.status_code == 403
    secret = web.post("/posts", data={"body": "hi", "group_id": str(cast.board.id)})
    assert secret.status_code == 404
    assert web.post("/posts", data={"body": "hi", "group_id": "abc"}).status_code == 400
    assert count(app, Post) == 0


def test_only_leads_and_admins_may_announce(app, cast, make_web):
    alice = make_web().login(cast.alice)
    assert 'name="announcement"' not in alice.get("/").text
    refused = alice.post("/posts", data={"body": "Listen!", "group_id": "", "announcement": "1"})
    assert refused.status_code == 403
    lea_home = make_web().login(cast.lea).get("/").text
    assert 'name="announcement"' in lea_home
    assert f'value="{cast.apollo.id}" data-can-announce="1"' in lea_home
    assert 'value="" data-can-announce="0"' in lea_home  # the company feed is for admins


def test_script_in_markdown_is_escaped(app, cast, web):
    web.login(cast.alice)
    response = web.post("/posts", data={"body": "Look <script>alert('x')</script> here"}, headers=JSON)
    page = web.get(response.json["url"])
    assert "&lt;script&gt;alert" in page.text
    assert "<script>alert" not in page.text


def test_reaction_toggle_as_json(app, cast, web):
    post_id = make_post(app, cast.bob, None, "React to me")
    web.login(cast.alice)
    on = web.post(f"/posts/{post_id}/react", data={"kind": "love"}, headers=JSON)
    assert on.status_code == 200 and on.json == {"on": True, "counts": {"love": 1}}
    page = web.get(f"/posts/{post_id}").text
    assert re.search(r'class="reaction"\s+aria-pressed="true" data-kind="love"', page)
    off = web.post(f"/posts/{post_id}/react", data={"kind": "love"}, headers=JSON)
    assert off.json == {"on": False, "counts": {}}
    bad = web.post(f"/posts/{post_id}/react", data={"kind": "angry"}, headers=JSON)
    assert bad.status_code == 400 and "Unknown reaction" in bad.json["error"]["message"]
    plain = web.post(f"/posts/{post_id}/react", data={"kind": "like", "next": "/"})
    assert plain.status_code == 302 and plain.headers["Location"] == "/"


def test_comment_add_show_and_delete(app, cast, make_web):
    post_id = make_post(app, cast.bob, None, "Comment on me")
    alice = make_web().login(cast.alice)
    added = alice.post(f"/posts/{post_id}/comments", data={"body": "Nice *idea*"})
    assert added.status_code == 302
    with app.app_context():
        comment_id = db.session.scalar(select(Comment.id))
    assert added.headers["Location"].endswith(f"/posts/{post_id}#comment-{comment_id}")
    page = alice.get(f"/posts/{post_id}").text
    assert "Nice <em>idea</em>" in page and f'id="comment-{comment_id}"' in page
    card = alice.get(f"/comments/{comment_id}/card")
    assert card.status_code == 200 and card.text.lstrip().startswith("<li")

    empty = alice.post(f"/posts/{post_id}/comments", data={"body": ""})
    assert empty.status_code == 400 and "cannot be empty" in empty.text and "Comment on me" in empty.text

    lea = make_web().login(cast.lea)
    assert lea.post(f"/comments/{comment_id}/delete").status_code == 403
    gone = alice.post(f"/comments/{comment_id}/delete", headers=JSON)
    assert gone.status_code == 200 and gone.json["deleted"] is True and gone.json["message"]
    assert count(app, Comment) == 0
    assert alice.get(f"/comments/{comment_id}/card").status_code == 404


def test_comment_as_json_and_edit_by_author(app, cast, make_web):
    post_id = make_post(app, cast.bob, None, "Post")
    alice = make_web().login(cast.alice)
    created = alice.post(f"/posts/{post_id}/comments", data={"body": "first"}, headers=JSON)
    assert created.status_code == 201
    comment_id = created.json["id"]
    assert make_web().login(cast.bob).get(f"/comments/{comment_id}/edit").status_code == 403
    assert alice.get(f"/comments/{comment_id}/edit").status_code == 200
    edited = alice.post(f"/comments/{comment_id}/edit", data={"body": "second"})
    assert edited.status_code == 302
    assert "second" in alice.get(f"/posts/{post_id}").text


def test_moderator_removes_a_comment(app, cast, make_web):
    post_id = make_post(app, cast.alice, cast.apollo, "Apollo post")
    alice = make_web().login(cast.alice)
    comment_id = alice.post(f"/posts/{post_id}/comments", data={"body": "oops"}, headers=JSON).json["id"]
    lea = make_web().login(cast.lea)
    assert f'action="/comments/{comment_id}/delete"' in lea.get(f"/posts/{post_id}").text
    assert lea.post(f"/comments/{comment_id}/delete").status_code == 302
    assert count(app, Comment) == 0


def test_edit_post_by_author_only(app, cast, make_web):
    post_id = make_post(app, cast.alice, None, "Original text")
    bob = make_web().login(cast.bob)
    assert bob.get(f"/posts/{post_id}/edit").status_code == 403
    assert bob.post(f"/posts/{post_id}/edit", data={"body": "hacked"}).status_code == 403
    alice = make_web().login(cast.alice)
    form = alice.get(f"/posts/{post_id}/edit")
    assert form.status_code == 200 and "Original text" in form.text
    bad = alice.post(f"/posts/{post_id}/edit", data={"body": ""})
    assert bad.status_code == 400 and "cannot be empty" in bad.text
    ok = alice.post(f"/posts/{post_id}/edit", data={"body": "Better text"})
    assert ok.status_code == 302 and ok.headers["Location"] == f"/posts/{post_id}"
    assert get_post(app, post_id).body == "Better text"
    assert "edited" in alice.get(f"/posts/{post_id}").text


def test_delete_by_lead_not_by_others(app, cast, make_web):
    post_id = make_post(app, cast.alice, cast.apollo, "To be removed")
    company = make_post(app, cast.alice, None, "Company post")
    bob = make_web().login(cast.bob)
    assert bob.post(f"/posts/{company}/delete").status_code == 403
    lea = make_web().login(cast.lea)
    response = lea.post(f"/posts/{post_id}/delete", data={"next": f"/posts/{post_id}"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/groups/{cast.apollo.id}"  # not the page just deleted
    assert get_post(app, post_id) is None
    assert lea.get(f"/posts/{post_id}").status_code == 404


def test_pin_by_lead_shows_pinned_section(app, cast, make_web):
    post_id = make_post(app, cast.alice, cast.apollo, "Read me first")
    alice = make_web().login(cast.alice)
    assert alice.post(f"/posts/{post_id}/pin", data={"pinned": "1"}).status_code == 403
    lea = make_web().login(cast.lea)
    pinned = lea.post(f"/posts/{post_id}/pin", data={"pinned": "1"}, headers=JSON)
    assert pinned.json["pinned"] is True and pinned.json["message"]
    page = alice.get(f"/groups/{cast.apollo.id}").text
    assert 'id="pinned-title"' in page and "badge-pinned" in page
    unpinned = lea.post(f"/posts/{post_id}/pin", headers=JSON)  # no value: toggles
    assert unpinned.json["pinned"] is False
    assert get_post(app, post_id).pinned_at is None


def test_announcement_acknowledgement_count_for_the_author(app, cast, make_web):
    post_id = make_post(app, cast.lea, cast.marketing_group, "New brand guide", announcement=True)
    alice = make_web().login(cast.alice)
    card = alice.get(f"/posts/{post_id}/card").text
    assert "Acknowledge" in card and "data-ack-count" not in card
    ack = alice.post(f"/posts/{post_id}/ack", headers=JSON)
    assert ack.status_code == 200 and ack.json["acknowledged"] is True and ack.json["acks"] is None
    assert "You acknowledged" in alice.get(f"/posts/{post_id}/card").text
    assert alice.post(f"/posts/{post_id}/ack", headers=JSON).status_code == 409
    lea_card = make_web().login(cast.lea).get(f"/posts/{post_id}/card").text
    assert re.search(r"data-ack-count>1</strong>\s*acknowledged", lea_card)


def test_card_fragment_and_pages_are_404_for_hidden_posts(app, cast, make_web):
    private = make_post(app, cast.lea, cast.apollo, "Apollo secret")
    bob = make_web().login(cast.bob)
    for url in [f"/posts/{private}/card", f"/posts/{private}", f"/posts/{private}/edit", "/posts/999/card"]:
        assert bob.get(url).status_code == 404, url
    assert bob.post(f"/posts/{private}/react", data={"kind": "like"}).status_code == 404
    assert bob.post(f"/posts/{private}/comments", data={"body": "hi"}).status_code == 404
    alice_card = make_web().login(cast.alice).get(f"/posts/{private}/card")
    assert alice_card.status_code == 200
    assert alice_card.text.lstrip().startswith("<article") and "<html" not in alice_card.text


def test_forms_refuse_offsite_next(app, cast, web):
    post_id = make_post(app, cast.bob, None, "x")
    response = web.login(cast.alice).post(f"/posts/{post_id}/react",
                                          data={"kind": "like", "next": "//evil.example/"})
    assert response.headers["Location"] == f"/posts/{post_id}"


def test_post_without_csrf_is_refused(app, cast, web):
    web.login(cast.alice)
    response = web.raw.post("/posts", data={"body": "no token"})
    assert response.status_code == 400 and count(app, Post) == 0
