"""Accounts: creation rules, profiles, avatars, deactivation, API tokens, self-registration."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from domain_helpers import act, fresh
from PIL import Image
from sqlalchemy import select

from intranet.actions.users import (
    check_self_registration,
    do_create_token,
    do_create_user,
    do_deactivate_user,
    do_reactivate_user,
    do_revoke_token,
    do_set_avatar,
    do_update_profile,
)
from intranet.models import ApiToken, User
from intranet.platform import db
from intranet.platform.auth import check_password, user_for_token
from intranet.platform.errors import Conflict, Forbidden, Invalid, NotFound

PASSWORD = "correct horse 42"


def picture(fmt: str = "PNG", size: tuple[int, int] = (800, 400), mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, "red" if mode == "RGB" else 1).save(buf, fmt)
    return buf.getvalue()


# --- creating accounts ----------------------------------------------------------------------

def test_create_user(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        user = do_create_user(s, "  Mia.Rossi@Example.com ", "Mia Rossi", PASSWORD, job_title="Designer",
                              acting_user=fresh(s, cast.admin))
    assert (user.email, user.username, user.name, user.job_title) == (
        "mia.rossi@example.com", "mia.rossi", "Mia Rossi", "Designer")
    assert user.password_hash != PASSWORD and check_password(user, PASSWORD)
    assert user.is_active_account and not user.is_admin and user.department_id is None
    assert ch.audits == [("user.create", "user", user.id, {"email": "mia.rossi@example.com"})]
    assert ch.outbox == [("person", user.id, "upsert")]
    assert ch.events == []


def test_usernames_stay_unique(app, cast):
    with app.app_context(), db.transaction() as s:
        first = do_create_user(s, "alice@other.org", "Alice Two", PASSWORD)
        second = do_create_user(s, "alice@third.org", "Alice Three", PASSWORD)
    assert (first.username, second.username) == ("alice2", "alice3")


@pytest.mark.parametrize("email", ["alice@example.com", "ALICE@example.COM", " alice@example.com "])
def test_duplicate_email_conflicts(app, cast, email):
    with pytest.raises(Conflict) as err, app.app_context(), db.transaction() as s:
        do_create_user(s, email, "Alice Again", PASSWORD)
    assert err.value.field == "email"


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "two@@example.com", "sp ace@example.com",
                                   None, 7])
def test_bad_email_is_invalid(app, cast, email):
    with pytest.raises(Invalid), app.app_context(), db.transaction() as s:
        do_create_user(s, email, "Someone", PASSWORD)


@pytest.mark.parametrize("password", ["", "short", "1234567", None, 12345678, "x" * 201])
def test_weak_or_silly_password_is_invalid(app, cast, password):
    with pytest.raises(Invalid) as err, app.app_context(), db.transaction() as s:
        do_create_user(s, "new@example.com", "Someone", password)
    assert err.value.field == "password"
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "new@example.com")) is None


def test_self_registration_domains(app):
    with app.app_context():
        check_self_registration("someone@EXAMPLE.com")
        for email in ("someone@elsewhere.com", "", None, "example.com@evil.org"):
            with pytest.raises(Forbidden):
                check_self_registration(email)


# --- profiles -------------------------------------------------------------------------------

def test_update_profile(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        do_update_profile(s, fresh(s, cast.alice), name="Alice M.", job_title="CMO", bio="Hello",
                          skills="SEO, seo ,Copywriting,, Français", locale="fr")
    assert ch.outbox == [("person", cast.alice.id, "upsert")]
    with app.app_context():
        alice = db.session.get(User, cast.alice.id)
        assert (alice.name, alice.job_title, alice.bio, alice.locale) == ("Alice M.", "CMO", "Hello", "fr")
        assert [sk.name for sk in alice.skills] == ["copywriting", "français", "seo"]
    with app.app_context(), db.transaction() as s:  # skills are shared rows
        do_update_profile(s, fresh(s, cast.bob), name="Bob", job_title="", bio="", skills=["seo"], locale="")
    with app.app_context():
        seo = db.session.get(User, cast.alice.id).skills[2]
        assert db.session.get(User, cast.bob.id).skills == [seo]


@pytest.mark.parametrize(("kw", "field"), [
    ({"locale": "de"}, "locale"), ({"name": ""}, "name"),
    ({"skills": [f"s{i}" for i in range(31)]}, "skills"),
])
def test_profile_is_validated(app, cast, kw, field):
    args = {"name": "Alice", "job_title": "", "bio": "", "skills": [], "locale": None, **kw}
    with pytest.raises(Invalid) as err, app.app_context(), db.transaction() as s:
        do_update_profile(s, fresh(s, cast.alice), **args)
    assert err.value.field == field


# --- avatars --------------------------------------------------------------------------------

def avatar_path(app, user) -> Path:
    with app.app_context():
        name = db.session.get(User, user.id).avatar_file
    return Path(app.config["UPLOAD_DIR"]) / "avatars" / name


@pytest.mark.parametrize(("fmt", "size"), [("PNG", (800, 400)), ("JPEG", (300, 900)), ("GIF", (64, 64)),
                                           ("WEBP", (512, 512))])
def test_avatar_is_reencoded_as_a_small_png(app, cast, fmt, size):
    with app.app_context(), db.transaction() as s:
        do_set_avatar(s, fresh(s, cast.alice), picture(fmt, size))
    path = avatar_path(app, cast.alice)
    assert path.name.startswith(f"{cast.alice.id}-") and path.suffix == ".png"
    with Image.open(path) as img:
        assert img.format == "PNG"
        assert max(img.size) <= 256
        assert img.size[0] / img.size[1] == pytest.approx(size[0] / size[1], rel=0.05)


def test_new_avatar_replaces_the_old_file_after_commit(app, cast):
    with app.app_context(), db.transaction() as s:
        do_set_avatar(s, fresh(s, cast.alice), picture())
    first = avatar_path(app, cast.alice)
    with app.app_context(), db.transaction() as s:
        do_set_avatar(s, fresh(s, cast.alice), picture("JPEG"))
    assert not first.exists() and avatar_path(app, cast.alice).exists()


@pytest.mark.parametrize("data", [
    b"hello, I am a text file",
    b"%PDF-1.4 not a picture",
    b"",
    b"\x89PNG\r\n\x1a\n" + b"\0" * 100,  # a PNG signature and garbage
])
def test_avatar_rejects_what_is_not_a_picture(app, cast, data):
    with pytest.raises(Invalid) as err, app.app_context(), db.transaction() as s:
        do_set_avatar(s, fresh(s, cast.alice), data)
    assert err.value.field == "avatar"
    with app.app_context():
        assert db.session.get(User, cast.alice.id).avatar_file is None


def test_avatar_rejects_unsupported_formats(app, cast):
    with pytest.raises(Invalid), app.app_context(), db.transaction() as s:
        do_set_avatar(s, fresh(s, cast.alice), picture("BMP"))


def test_avatar_rejects_oversize_uploads(app, cast):
    big = picture() + b"\0" * app.config["MAX_AVATAR_BYTES"]
    with pytest.raises(Invalid), app.app_context(), db.transaction() as s:
        do_set_avatar(s, fresh(s, cast.alice), big)


def test_avatar_rejects_huge_dimensions(app, cast):
    # a few kilobytes on disk, but 50 million pixels (200 MB once decoded as RGBA)
    bomb = picture("PNG", (10_000, 5_000), mode="1")
    assert len(bomb) < app.config["MAX_AVATAR_BYTES"]
    with pytest.raises(Invalid), app.app_context(), db.transaction() as s:
        do_set_avatar(s, fresh(s, cast.alice), bomb)


# --- deactivation ---------------------------------------------------------------------------

def test_deactivation_publishes_nothing_and_is_audited(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        do_deactivate_user(s, fresh(s, cast.bob), acting_user=fresh(s, cast.admin))
    assert ch.events == [] and ch.rows == []
    assert ch.audits == [("user.deactivate", "user", cast.bob.id, {})]
    assert ch.outbox == [("person", cast.bob.id, "delete")]
    with app.app_context():
        assert db.session.get(User, cast.bob.id).is_active_account is False
    with act(app, captured_events) as (s, ch):
        do_reactivate_user(s, fresh(s, cast.bob), acting_user=fresh(s, cast.admin))
    assert ch.audits == [("user.reactivate", "user", cast.bob.id, {})]
    assert ch.outbox == [("person", cast.bob.id, "upsert")]
    with app.app_context():
        assert db.session.get(User, cast.bob.id).is_active_account is True


def test_admins_cannot_deactivate_themselves(app, cast):
    with pytest.raises(Conflict), app.app_context(), db.transaction() as s:
        do_deactivate_user(s, fresh(s, cast.admin), acting_user=fresh(s, cast.admin))


# --- API tokens -----------------------------------------------------------------------------

def test_token_lifecycle(app, cast):
    with app.app_context(), db.transaction() as s:
        token, clear = do_create_token(s, fresh(s, cast.alice), "  My script ")
    assert clear.startswith("itk_") and token.name == "My script"
    assert token.token_hash != clear and clear not in token.token_hash
    with app.app_context():
        assert user_for_token(clear).id == cast.alice.id
        assert db.session.get(ApiToken, token.id).last_used_at is not None
        assert user_for_token(clear + "x") is None
    with pytest.raises(NotFound), app.app_context(), db.transaction() as s:
        do_revoke_token(s, fresh(s, cast.bob), token.id)  # not bob's
    with app.app_context(), db.transaction() as s:
        do_revoke_token(s, fresh(s, cast.alice), token.id)
    with app.app_context():
        assert user_for_token(clear) is None
    with pytest.raises(NotFound), app.app_context(), db.transaction() as s:
        do_revoke_token(s, fresh(s, cast.alice), token.id)  # already revoked


def test_token_of_a_deactivated_user_stops_working(app, cast):
    with app.app_context(), db.transaction() as s:
        _token, clear = do_create_token(s, fresh(s, cast.bob), "")
        do_deactivate_user(s, fresh(s, cast.bob), acting_user=fresh(s, cast.admin))
    with app.app_context():
        assert user_for_token(clear) is None
