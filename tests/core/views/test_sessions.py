"""Server-side logins: logout really logs out, remember-me tokens rotate, the profile signs
browsers out, and deactivation ends every login, remember-me token and socket."""

from __future__ import annotations

from datetime import timedelta

from domain_helpers import fresh
from sqlalchemy import select, update

from intranet.actions.users import do_deactivate_user
from intranet.models import LoginSession, utcnow
from intranet.platform import db
from intranet.platform.sessions import REMEMBER_COOKIE
from tests.conftest import PASSWORD


def signed_in(make_web, user, **extra):
    browser = make_web()
    answer = browser.post("/login", data={"email": user.email, "password": PASSWORD, **extra},
                          headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"})
    assert answer.status_code == 302, answer.text
    return browser


def copy_of(browser, make_web):
    """Another browser holding a copy of this one's session cookie (as a thief would)."""
    with browser.raw.session_transaction() as sess:
        values = dict(sess)
    thief = make_web()
    with thief.raw.session_transaction() as sess:
        sess.update(values)
    return thief


def remembered(make_web, value):
    browser = make_web()
    browser.raw.set_cookie(REMEMBER_COOKIE, value)
    return browser


def logins(session, user):
    session.expire_all()
    return session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()


def test_a_cookie_copied_before_logout_no_longer_works(cast, make_web, session):
    alice = signed_in(make_web, cast.alice)
    thief = copy_of(alice, make_web)
    assert thief.get("/profile").status_code == 200
    [row] = logins(session, cast.alice)
    assert row.user_agent.endswith("Firefox/140.0") and row.ip == "127.0.0.1"
    assert alice.post("/logout").status_code == 302
    assert logins(session, cast.alice) == []
    assert thief.get("/profile").status_code == 302
    assert thief.get("/api/v1/me", headers={"Accept": "application/json"}).status_code == 401


def test_remember_me_is_random_hashed_rotated_on_use_and_flagged(app, cast, make_web, session):
    alice = signed_in(make_web, cast.alice, remember="y")
    cookie = alice.raw.get_cookie(REMEMBER_COOKIE)
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    [row] = logins(session, cast.alice)
    assert cookie.value.split(".")[1] not in (row.remember_hash, row.key_hash)  # only hashes kept
    again = signed_in(make_web, cast.alice, remember="y").raw.get_cookie(REMEMBER_COOKIE)
    assert again.value != cookie.value  # random per login, not one value per person

    later = remembered(make_web, cookie.value)  # the browser restarted: no session, the cookie
    assert later.get("/profile").status_code == 200
    rotated = later.raw.get_cookie(REMEMBER_COOKIE).value
    assert rotated != cookie.value
    assert remembered(make_web, cookie.value).get("/profile").status_code == 302  # used up
    assert later.get("/profile").status_code == 200  # the session goes on without the cookie
    assert remembered(make_web, rotated).get("/profile").status_code == 200


def test_cookies_are_secure_when_configured(app, cast, make_web):
    app.config["SESSION_COOKIE_SECURE"] = True
    alice = make_web()
    answer = alice.post("/login", data={"email": cast.alice.email, "password": PASSWORD, "remember": "y"},
                        base_url="https://localhost", headers={"Referer": "https://localhost/login"})
    assert answer.status_code == 302, answer.text
    cookies = answer.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cookies} >= {"session", REMEMBER_COOKIE}
    for header in cookies:
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header, header


def test_the_profile_lists_my_browsers_and_signs_one_out(cast, make_web, socket_for):
    laptop, phone = signed_in(make_web, cast.alice), signed_in(make_web, cast.alice, remember="y")
    on_phone = socket_for(phone)
    remember = phone.raw.get_cookie(REMEMBER_COOKIE).value
    page = laptop.get("/profile/sessions").text
    assert page.count("<td>Firefox on Linux") == 2 and "this browser" in page
    with phone.raw.session_transaction() as sess:
        phone_login = sess["login_id"]
    assert laptop.post(f"/profile/sessions/{phone_login}/end").status_code == 302
    assert not on_phone.is_connected()
    assert phone.get("/profile").status_code == 302
    assert remembered(make_web, remember).get("/profile").status_code == 302  # its token went too
    assert laptop.get("/profile").status_code == 200
    bob = signed_in(make_web, cast.bob)
    with laptop.raw.session_transaction() as sess:
        mine = sess["login_id"]
    assert bob.post(f"/profile/sessions/{mine}/end").status_code == 404  # not his to end
    assert laptop.get("/profile").status_code == 200


def test_sign_out_everywhere_ends_every_login_token_and_socket(cast, make_web, socket_for, session):
    laptop, phone = signed_in(make_web, cast.alice), signed_in(make_web, cast.alice, remember="y")
    remember = phone.raw.get_cookie(REMEMBER_COOKIE).value
    sockets = [socket_for(laptop), socket_for(phone)]
    bob = signed_in(make_web, cast.bob)
    answer = laptop.post("/profile/sessions/end-all")
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert [sc.is_connected() for sc in sockets] == [False, False]
    for browser in (laptop, phone, remembered(make_web, remember)):
        assert browser.get("/profile").status_code == 302
    assert logins(session, cast.alice) == []
    assert bob.get("/profile").status_code == 200  # other people are not touched


def test_deactivation_ends_every_login_and_remember_me_token(app, cast, make_web, socket_for, session):
    alice = signed_in(make_web, cast.alice, remember="y")
    remember = alice.raw.get_cookie(REMEMBER_COOKIE).value
    live = socket_for(alice)
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, fresh(s, cast.alice), acting_user=fresh(s, cast.admin))
    assert not live.is_connected()
    assert logins(session, cast.alice) == []
    assert remembered(make_web, remember).get("/profile").status_code == 302


def test_a_forged_or_malformed_remember_cookie_is_ignored(cast, make_web):
    alice = signed_in(make_web, cast.alice, remember="y")
    row_id = alice.raw.get_cookie(REMEMBER_COOKIE).value.split(".")[0]
    for value in (f"{row_id}.guess", "x.y", "99999999999999999999.z", "", "."):
        assert remembered(make_web, value).get("/profile").status_code == 302
    assert alice.get("/profile").status_code == 200


def test_an_unused_login_ends_unless_remembered(app, cast, make_web, session):
    idle, kept = signed_in(make_web, cast.alice), signed_in(make_web, cast.alice, remember="y")
    hours = app.config["SESSION_IDLE_HOURS"] + 1
    session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(hours=hours)))
    session.commit()
    assert idle.get("/profile").status_code == 302
    assert kept.get("/profile").status_code == 200  # remembered: its token is still valid


def test_the_api_lists_and_ends_my_sessions(app, cast, make_web, socket_for):
    laptop, phone = signed_in(make_web, cast.alice), signed_in(make_web, cast.alice, remember="y")
    on_phone = socket_for(phone)
    items = laptop.get("/api/v1/me/sessions").get_json()["items"]
    assert [(i["device"], i["current"], i["remembered"]) for i in items] == [
        ("Firefox on Linux", False, True), ("Firefox on Linux", True, False)]
    assert laptop.delete(f"/api/v1/me/sessions/{items[0]['id']}").status_code == 204
    assert not on_phone.is_connected() and phone.get("/profile").status_code == 302
    assert laptop.delete(f"/api/v1/me/sessions/{items[0]['id']}").status_code == 404
    answer = laptop.post("/api/v1/me/sessions/end-all")
    assert answer.status_code == 200 and answer.get_json() == {"ended_sessions": 1}
    assert laptop.get("/api/v1/me/sessions").status_code == 401


def test_a_socket_never_spends_the_remember_me_token(app, cast, make_web, socket_for):
    """A socket's handshake cannot send the rotated cookie back: its page signs in first."""
    value = signed_in(make_web, cast.alice, remember="y").raw.get_cookie(REMEMBER_COOKIE).value
    browser = remembered(make_web, value)
    socket = socket_for(browser)
    assert not socket.is_connected()
    assert browser.get("/profile").status_code == 200  # the cookie still works for the page
