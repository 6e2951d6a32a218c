"""OpenID Connect sign-in against a real provider on 127.0.0.1 (tests/oidc_provider.py, Authlib's
authorization server), the app driven through its test client and the provider through HTTP:
PKCE and nonce sent, state checked, accounts created from the claims and updated."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from intranet.models import User
from tests import oidc_provider

CALLBACK = "http://localhost/login/oidc/callback"


@pytest.fixture
def provider(app) -> Iterator[oidc_provider.Provider]:
    accounts = [
        oidc_provider.Account("u-1001", "marie-pass", {"name": "Marie Curie", "email": "marie@example.com",
                                                        "email_verified": True, "job_title": "Chimiste",
                                                        "department": "Recherche"}),
        oidc_provider.Account("u-1002", "pierre-pass", {"name": "Pierre Curie", "email": "pierre@example.com",
                                                         "email_verified": False}),
    ]
    server = oidc_provider.start(accounts, CALLBACK)
    app.config.update(oidc_provider.settings(server))
    yield server
    server.stop()


def _sign_in(web, provider, username, password, *, next_url="/people"):
    """The browser's round trip: our redirect, the provider's login form, back to our callback."""
    start = web.get(f"/login/oidc?next={next_url}")
    assert start.status_code == 302
    authorize = start.headers["Location"]
    assert authorize.startswith(f"{provider.issuer}/authorize?")
    login = requests.post(authorize, data={"username": username, "password": password},
                          allow_redirects=False, timeout=10)
    assert login.status_code == 302, login.text
    back = urlsplit(login.headers["Location"])
    return web.get(f"{back.path}?{back.query}")


def _account(session, email):
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def test_login_page_offers_the_provider(web, provider):
    html = web.get("/login").get_data(as_text=True)
    assert "Sign in with Example ID" in html and 'href="/login/oidc' in html


def test_sign_in_creates_the_account_from_the_claims_with_pkce_and_nonce(web, session, provider):
    response = _sign_in(web, provider, "u-1001", "marie-pass")
    assert response.status_code == 302 and response.headers["Location"] == "/people"
    assert web.get("/profile").status_code == 200
    sent = provider.seen[-1]
    assert sent["code_challenge_method"] == "S256" and sent["code_challenge"] and sent["nonce"]
    assert sent["state"] and sent["scope"] == "openid email profile"
    user = _account(session, "marie@example.com")
    assert (user.name, user.job_title, user.department.name) == ("Marie Curie", "Chimiste", "Recherche")
    assert (user.auth_source, user.external_id) == ("oidc", "u-1001")


def test_claims_changed_at_the_provider_follow_on_the_next_sign_in(web, session, provider):
    assert _sign_in(web, provider, "u-1001", "marie-pass").status_code == 302
    web.post("/logout")
    provider.accounts["u-1001"].claims.update(job_title="Directrice", email="m.curie@example.com")
    assert _sign_in(web, provider, "u-1001", "marie-pass").status_code == 302
    user = _account(session, "m.curie@example.com")
    assert user.job_title == "Directrice" and user.external_id == "u-1001"


def test_a_forged_or_replayed_callback_is_refused(web, session, provider):
    start = web.get("/login/oidc")
    login = requests.post(start.headers["Location"], data={"username": "u-1001", "password": "marie-pass"},
                          allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(login.headers["Location"]).query)["code"][0]
    forged = web.get(f"/login/oidc/callback?code={code}&state=not-the-state")
    assert forged.status_code == 400
    assert "did not complete" in forged.get_data(as_text=True)
    assert web.get("/profile").status_code == 302
    assert _account(session, "marie@example.com") is None


def test_the_provider_saying_no_is_a_clear_refusal(web, provider):
    web.get("/login/oidc")
    denied = web.get("/login/oidc/callback?error=access_denied&state=x")
    assert denied.status_code == 400
    assert "The sign-in with Example ID did not complete" in denied.get_data(as_text=True)


def test_an_unverified_e_mail_is_refused(web, session, provider):
    assert _sign_in(web, provider, "u-1002", "pierre-pass").status_code == 400
    assert _account(session, "pierre@example.com") is None


def test_a_provider_that_does_not_answer_is_a_503(app, web, provider):
    provider.stop()
    app.config["OIDC_ISSUER"] = "http://127.0.0.1:9"  # discard port: nothing listens
    response = web.get("/login/oidc")
    assert response.status_code == 503
    assert "Example ID does not answer" in response.get_data(as_text=True)


def test_without_settings_there_is_no_such_page(web):
    assert web.get("/login/oidc").status_code == 404
    assert "Sign in with" not in web.get("/login").get_data(as_text=True)


def test_login_page_in_french(web, provider):
    html = web.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert "Se connecter avec Example ID" in html
