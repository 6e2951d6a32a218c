"""Log in and out, self-registration, rate limiting, CSRF and open-redirect refusal."""

from __future__ import annotations

from sqlalchemy import select

from intranet.actions.users import do_deactivate_user
from intranet.models import User
from intranet.platform import db
from tests.conftest import PASSWORD


def _login(web, email="alice@example.com", password=PASSWORD, **extra):
    return web.post("/login", data={"email": email, "password": password, **extra})


def test_login_page_has_labelled_fields(web, cast):
    page = web.get("/login?next=/people")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<label for="email">' in html and '<label for="password">' in html
    assert 'value="/people"' in html


def test_login_success_sets_session_and_follows_next(web, cast):
    response = _login(web, next="/people?q=bob")
    assert response.status_code == 302
    assert response.headers["Location"] == "/people?q=bob"
    assert web.get("/profile").status_code == 200


def test_login_failure_says_so_without_saying_which_part(web, cast):
    wrong_password = _login(web, password="nope nope nope")
    unknown_email = _login(web, email="nobody@example.com")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 400
        assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert web.get("/profile").status_code == 302  # still logged out


def test_deactivated_account_cannot_log_in(app, web, cast):
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, s.get(User, cast.alice.id), acting_user=s.get(User, cast.admin.id))
    response = _login(web)
    assert response.status_code == 403
    assert "deactivated" in response.get_data(as_text=True)


def test_open_redirects_are_refused(web, cast):
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = _login(web, next=evil)
        assert response.status_code == 302
        assert response.headers["Location"] == "/", evil
        web.post("/logout")


def test_login_is_rate_limited_with_a_clear_message(app, web, cast):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for n in range(limit):  # many accounts from one address (one account alone waits sooner)
        assert _login(web, email=f"person{n}@example.com", password="wrong password").status_code == 400
    response = _login(web)  # even the right password waits
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_logout_is_a_post_with_csrf(web, cast):
    web.login(cast.alice)
    assert web.get("/logout").status_code == 405
    forged = web.raw.post("/logout", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    assert web.get("/profile").status_code == 200  # the forged post did nothing
    assert web.post("/logout").status_code == 302
    assert web.get("/profile").status_code == 302


def test_register_with_an_allowed_domain(app, web):
    """The account exists once the address is confirmed (tests/core/mail/test_invitations.py)."""
    response = web.post("/register", data={"name": "Zoé Petit", "email": "Zoe@Example.com",
                                           "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 202
    assert "We sent a link to zoe@example.com" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "zoe@example.com")) is None
    assert web.get("/profile").status_code == 302  # not logged in


def test_register_with_another_domain_is_refused(app, web):
    response = web.post("/register", data={"name": "Eve", "email": "eve@elsewhere.org",
                                           "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 403
    assert "not open for this e-mail domain" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "eve@elsewhere.org")) is None


def test_register_shows_field_errors(web, cast):
    response = web.post("/register", data={"name": "", "email": "alice@example.com",
                                           "password": "short", "confirm": "other"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a name." in html and "8 to 200 characters" in html and "passwords differ" in html
