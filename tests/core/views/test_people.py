"""Profile, avatar, directory, colleague pages, language switcher and API tokens."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from intranet.actions.users import do_deactivate_user, do_update_profile
from intranet.models import ApiToken, User
from intranet.platform import db
from intranet.platform.auth import user_for_token


def _user(app, user_id: int) -> User:
    """Read in a fresh app context: the requests under test must not share ours (nor its g)."""
    with app.app_context():
        return db.session.get(User, user_id)


def _token_of(app, user_id: int) -> ApiToken:
    with app.app_context():
        return db.session.scalar(select(ApiToken).where(ApiToken.user_id == user_id))


def _png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(out, "PNG")
    return out.getvalue()


def _profile_data(**changes):
    data = {"name": "Alice Martin", "job_title": "Brand manager", "bio": "", "skills": "", "locale": ""}
    return {**data, **changes}


def test_profile_edit_saves_skills_and_language(app, web, cast):
    web.login(cast.alice)
    response = web.post("/profile", data=_profile_data(
        bio="I run campaigns.", skills="SEO, Python ,seo, négociation", locale="fr"))
    assert response.status_code == 302
    with app.app_context():
        alice = db.session.get(User, cast.alice.id)
        assert alice.bio == "I run campaigns."
        assert sorted(s.name for s in alice.skills) == ["négociation", "python", "seo"]
        assert alice.locale == "fr"
    page = web.get("/profile").get_data(as_text=True)
    assert '<html lang="fr">' in page and 'value="négociation, python, seo"' in page


def test_profile_errors_are_shown_on_the_form(app, web, cast):
    web.login(cast.alice)
    response = web.post("/profile", data=_profile_data(name="  ", locale="de"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a name." in html and "Not a valid choice" in html
    assert _user(app, cast.alice.id).name == "Alice Martin"


def test_profile_post_with_a_forged_csrf_token_is_refused(app, web, cast):
    web.login(cast.alice)
    response = web.raw.post("/profile", data=_profile_data(name="Hacked", csrf_token="forged"))
    assert response.status_code == 400
    assert _user(app, cast.alice.id).name == "Alice Martin"


def test_avatar_upload_is_reencoded_and_served(app, web, cast):
    web.login(cast.alice)
    response = web.post("/profile/avatar", data={"avatar": (io.BytesIO(_png()), "me.png")},
                        content_type="multipart/form-data")
    assert response.status_code == 302
    alice = _user(app, cast.alice.id)
    picture = web.get(f"/people/{alice.id}/avatar?v={alice.avatar_file}")
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    assert Image.open(io.BytesIO(picture.data)).size == (40, 30)


def test_avatar_oversized_or_not_an_image_is_refused_with_a_message(app, web, cast):
    web.login(cast.alice)
    too_big = b"\x89PNG" + b"0" * app.config["MAX_AVATAR_BYTES"]
    cases = {"too large": too_big, "not a picture": b"%PDF-1.4 definitely not an image"}
    for message, payload in cases.items():
        response = web.post("/profile/avatar", data={"avatar": (io.BytesIO(payload), "x.png")},
                            content_type="multipart/form-data")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    huge_canvas = io.BytesIO()
    Image.new("1", (7000, 6000)).save(huge_canvas, "PNG")  # 42 Mpx in a few kB: refused before decoding
    response = web.post("/profile/avatar", data={"avatar": (io.BytesIO(huge_canvas.getvalue()), "x.png")},
                        content_type="multipart/form-data")
    assert response.status_code == 400 and "at most 40 megapixels" in response.get_data(as_text=True)
    missing = web.post("/profile/avatar", data={}, content_type="multipart/form-data")
    assert missing.status_code == 400 and "Choose a picture" in missing.get_data(as_text=True)
    assert _user(app, cast.alice.id).avatar_file is None


def test_avatar_placeholder_shows_initials(web, cast):
    web.login(cast.alice)
    response = web.get(f"/people/{cast.lea.id}/avatar")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert ">LB</text>" in response.get_data(as_text=True)


def test_directory_filters_by_name_department_and_skill(app, web, cast):
    with app.app_context(), db.transaction() as s:
        do_update_profile(s, s.get(User, cast.bob.id), name="Bob Durand", job_title="Support agent",
                          bio="", skills="zendesk, python", locale=None)
    web.login(cast.alice)

    def names(query: str) -> set[str]:
        html = web.get(f"/people?{query}").get_data(as_text=True).partition('class="people-list"')[2]
        return {p.name for p in (cast.alice, cast.bob, cast.lea, cast.admin) if p.name in html}

    assert names("") == {"Alice Martin", "Bob Durand", "Léa Bernard", "Ada Admin"}
    assert names("q=dur") == {"Bob Durand"}
    assert names(f"department={cast.marketing.id}") == {"Alice Martin", "Léa Bernard"}
    assert names("skill=pyth") == {"Bob Durand"}
    assert names("q=%25") == set()  # LIKE wildcards are taken literally
    assert web.get("/people?department=abc&page=x").status_code == 200


def test_directory_and_profiles_hide_deactivated_colleagues(app, web, cast):
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, s.get(User, cast.bob.id), acting_user=s.get(User, cast.admin.id))
    web.login(cast.alice)
    assert "Bob Durand" not in web.get("/people").get_data(as_text=True)
    assert web.get(f"/people/{cast.bob.id}").status_code == 404
    assert web.get(f"/people/{cast.lea.id}").status_code == 200


def test_colleague_profile_shows_only_groups_visible_to_the_viewer(web, cast):
    web.login(cast.bob)
    html = web.get(f"/people/{cast.admin.id}").get_data(as_text=True)
    assert "Ada Admin" in html and "Board" not in html  # the secret group stays secret
    html = web.get(f"/people/{cast.lea.id}").get_data(as_text=True)
    assert "Head of marketing" in html and "Project Apollo" in html  # private groups are listed


def test_language_switcher_sets_locale_and_goes_back(app, web, cast):
    web.login(cast.alice)
    response = web.post("/language", data={"locale": "fr"}, headers={"Referer": "http://localhost/people?q=a"})
    assert response.status_code == 302 and response.headers["Location"] == "/people?q=a"
    assert _user(app, cast.alice.id).locale == "fr"
    assert web.post("/language", data={"locale": "xx"}).status_code == 400
    outside = web.post("/language", data={"locale": ""}, headers={"Referer": "https://evil.example/"})
    assert outside.headers["Location"] == "/profile"


def test_token_is_shown_once_listed_and_revocable(app, web, cast):
    web.login(cast.alice)
    created = web.post("/profile/tokens", data={"name": "nightly-export"})
    html = created.get_data(as_text=True)
    token = _token_of(app, cast.alice.id)
    clear = html.split('id="new-token"')[1].split('value="')[1].split('"')[0]
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    assert clear.startswith("itk_") and token.name == "nightly-export"
    listing = web.get("/profile/tokens").get_data(as_text=True)
    assert "nightly-export" in listing and clear not in listing and "Never" in listing
    bearer = {"Authorization": f"Bearer {clear}"}
    assert web.raw.get("/api/v1/me", headers=bearer).status_code == 200

    assert web.post(f"/profile/tokens/{token.id}/revoke").status_code == 302
    assert "nightly-export" not in web.get("/profile/tokens").get_data(as_text=True)
    with app.app_context():
        assert user_for_token(clear) is None
    assert web.raw.get("/api/v1/me", headers=bearer).status_code == 401


def test_token_of_someone_else_cannot_be_revoked(app, web, make_web, cast):
    web.login(cast.alice)
    web.post("/profile/tokens", data={"name": "mine"})
    token = _token_of(app, cast.alice.id)
    bob = make_web().login(cast.bob)
    assert bob.post(f"/profile/tokens/{token.id}/revoke").status_code == 404
    assert _token_of(app, cast.alice.id).revoked_at is None


def test_token_create_as_json(web, cast):
    web.login(cast.alice)
    response = web.post("/profile/tokens", json={"name": "ci"}, headers={"Accept": "application/json"})
    assert response.status_code == 201
    assert response.json["name"] == "ci" and response.json["token"].startswith("itk_")


def test_out_of_range_ids_are_404_or_ignored_never_500(web, cast):
    web.login(cast.alice)
    huge = "9" * 25
    assert web.get(f"/people/{huge}").status_code == 404
    assert web.get(f"/people/{huge}/avatar").status_code == 404
    assert web.get(f"/people?department={huge}").status_code == 200


def test_a_former_colleague_keeps_an_avatar_but_no_profile(app, make_web, cast):
    """Their old posts and memberships still show a picture; their profile is gone."""

    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, s.get(User, cast.bob.id), acting_user=s.get(User, cast.admin.id))
    alice = make_web().login(cast.alice)
    assert alice.get(f"/people/{cast.bob.id}/avatar").status_code == 200
    assert alice.get(f"/people/{cast.bob.id}").status_code == 404


def test_method_not_allowed_keeps_its_allow_header(web, cast):
    response = web.login(cast.alice).get("/posts/1/delete")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
