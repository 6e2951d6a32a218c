"""INTRANET_LOCAL_PASSWORDS=off: the login form without password fields (unless LDAP asks for the
directory's), every password page and endpoint a clear 403, the break-glass administrator's local
password still working, on the web and the API."""

from __future__ import annotations

import pytest

from intranet.views.sso import PASSWORD_RULES
from tests.conftest import PASSWORD

JSON = {"Accept": "application/json"}


@pytest.fixture
def off(app):
    app.config.update(LOCAL_PASSWORDS=False, BREAK_GLASS_ADMIN="Admin@example.com",
                      OIDC_ISSUER="https://id.example.com", OIDC_PROVIDER_NAME="Example ID")
    return app


def _login(web, email, password=PASSWORD, **kw):
    return web.post("/login", data={"email": email, "password": password}, **kw)


def test_login_page_shows_the_provider_and_no_password(web, off):
    html = web.get("/login").get_data(as_text=True)
    assert "Sign in with Example ID" in html
    assert 'type="password"' not in html and "Create one with your work e-mail" not in html
    assert "Administrator sign-in" in html
    assert 'type="password"' in web.get("/login?local=1").get_data(as_text=True)  # break glass


def test_a_local_password_is_refused_with_a_clear_message(web, cast, off):
    page = _login(web, "alice@example.com")
    assert page.status_code == 403
    assert "Passwords are turned off here: sign in with Example ID." in page.get_data(as_text=True)
    api = _login(web, "alice@example.com", headers=JSON)
    assert api.status_code == 403 and api.get_json()["error"]["code"] == "local_passwords_off"
    assert web.get("/profile").status_code == 302


def test_the_break_glass_admin_still_signs_in_and_only_an_admin(app, web, cast, off):
    assert _login(web, "admin@example.com").status_code == 302
    assert web.get("/profile").status_code == 200
    web.post("/logout")
    app.config["BREAK_GLASS_ADMIN"] = "alice@example.com"  # not an administrator
    assert _login(web, "alice@example.com").status_code == 400


@pytest.mark.parametrize("method,url,body", [
    ("GET", "/register", None),
    ("POST", "/register", {"email": "new@example.com", "name": "New", "password": "x" * 12}),
    ("POST", "/api/v1/auth/token", {"email": "alice@example.com", "password": PASSWORD}),
])
def test_password_endpoints_answer_403(web, cast, off, method, url, body):
    response = web.raw.open(url, method=method, json=body, headers={**JSON, "X-CSRFToken": web.csrf_token()})
    assert response.status_code == 403, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "local_passwords_off"


def test_every_password_route_is_guarded(app):
    """A page or endpoint added later that takes or sets a password must be listed in
    PASSWORD_RULES, or it would stay open with passwords off."""
    rules = {r.rule for r in app.url_map.iter_rules()}
    about_passwords = {r for r in rules if "password" in r or r in {"/register", "/api/v1/auth/token"}}
    assert about_passwords and about_passwords <= set(PASSWORD_RULES)


def test_the_break_glass_admin_still_gets_an_api_token(web, cast, off):
    response = web.raw.post("/api/v1/auth/token", json={"email": "admin@example.com", "password": PASSWORD})
    assert response.status_code == 201 and response.get_json()["token"]


def test_with_ldap_the_form_asks_for_the_directory_password(web, cast, off, directory):
    assert 'type="password"' in web.get("/login").get_data(as_text=True)
    assert _login(web, "alice@example.com").status_code == 400  # a local account: not in the directory
    assert _login(web, "jdupont", "jeanne-pass").status_code == 302


def test_passwords_on_change_nothing(web, cast):
    html = web.get("/login").get_data(as_text=True)
    assert 'type="password"' in html and "Administrator sign-in" not in html
    assert web.get("/register").status_code == 200


def test_passwords_off_in_french(web, cast, off):
    french = {"Accept-Language": "fr"}
    assert "Connexion administrateur" in web.get("/login", headers=french).get_data(as_text=True)
    refused = _login(web, "alice@example.com", headers=french)
    message = "Les mots de passe sont désactivés ici : connectez-vous avec Example ID."
    assert refused.status_code == 403 and message in refused.get_data(as_text=True)
