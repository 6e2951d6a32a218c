"""API authentication: tokens (issue, use, list, revoke), CSRF rules, 401s and JSON errors."""

from __future__ import annotations

import re
import sqlite3

import pytest
from sqlalchemy import select

from intranet.actions.users import do_deactivate_user
from intranet.models import ApiToken, User
from intranet.platform import db
from tests.api_helpers import bearer, conforms, error_of, issue_token
from tests.conftest import PASSWORD

TOKEN = "/api/v1/auth/token"
# the inbox webhook takes no login: its HMAC signature is the proof (tests/inbox/test_inbox_webhook.py)
PUBLIC = {"api.token_create", "api.openapi", "api.inbox_webhook", "api.password_reset"}


def test_token_is_issued_once_and_opens_the_api(app, web, cast, session):
    resp = web.raw.post(TOKEN, json={"email": "ALICE@example.com", "password": PASSWORD, "name": "cli"})
    assert resp.status_code == 201
    body = resp.get_json()
    conforms(body, "TokenCreated")
    assert body["name"] == "cli" and body["user"]["id"] == cast.alice.id
    stored = session.get(ApiToken, body["id"])
    assert stored.user_id == cast.alice.id and body["token"] not in stored.token_hash  # only the hash

    me = web.raw.get("/api/v1/me", headers=bearer(body["token"]))
    assert me.status_code == 200
    conforms(me.get_json(), "Me")
    assert me.get_json()["email"] == "alice@example.com"
    assert {g["name"]: g["role"] for g in me.get_json()["groups"]} == {"Marketing": "member",
                                                                      "Project Apollo": "member"}


def test_wrong_credentials_are_401_with_a_clear_message(web, cast):
    for payload in ({"email": "alice@example.com", "password": "nope nope"},
                    {"email": "nobody@example.com", "password": PASSWORD}):
        resp = web.raw.post(TOKEN, json=payload)
        assert resp.status_code == 401
        assert error_of(resp) == {"code": "invalid_credentials", "message": "Wrong e-mail or password."}


def test_token_request_needs_both_fields_as_strings(web, cast):
    resp = web.raw.post(TOKEN, json={"email": "alice@example.com"})
    assert resp.status_code == 400 and error_of(resp)["field"] == "password"
    resp = web.raw.post(TOKEN, json={"email": 42, "password": PASSWORD})
    assert resp.status_code == 400 and error_of(resp)["field"] == "email"
    resp = web.raw.post(TOKEN, data="{not json", content_type="application/json")
    assert resp.status_code == 400 and "not valid JSON" in error_of(resp)["message"]
    resp = web.raw.post(TOKEN, data="email=alice", content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 415 and error_of(resp)["code"] == "unsupported_media_type"


def test_deactivated_account_gets_no_token_and_its_tokens_stop(app, web, cast):
    token = issue_token(web.raw, cast.bob)
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, s.get(User, cast.bob.id), acting_user=s.get(User, cast.admin.id))
    resp = web.raw.post(TOKEN, json={"email": "bob@example.com", "password": PASSWORD})
    assert resp.status_code == 401 and error_of(resp)["code"] == "account_deactivated"
    resp = web.raw.get("/api/v1/me", headers=bearer(token))
    assert resp.status_code == 401 and error_of(resp)["code"] == "unauthorized"


def test_list_and_revoke_tokens(web, make_web, cast):
    first, second = issue_token(web.raw, cast.alice, "one"), issue_token(web.raw, cast.alice, "two")
    listed = web.raw.get("/api/v1/auth/tokens", headers=bearer(first))
    assert listed.status_code == 200
    conforms(listed.get_json(), "TokenList")
    items = listed.get_json()["items"]
    assert [t["name"] for t in items] == ["one", "two"]
    assert items[0]["last_used_at"] is not None  # the call we just made used it

    second_id = items[1]["id"]
    assert web.raw.get("/api/v1/me", headers=bearer(second)).status_code == 200  # now remembered
    bob_token = issue_token(web.raw, cast.bob)
    assert web.raw.delete(f"/api/v1/auth/tokens/{second_id}", headers=bearer(bob_token)).status_code == 404
    assert web.raw.delete(f"/api/v1/auth/tokens/{second_id}", headers=bearer(first)).status_code == 204
    assert web.raw.get("/api/v1/me", headers=bearer(second)).status_code == 401
    assert web.raw.delete(f"/api/v1/auth/tokens/{second_id}", headers=bearer(first)).status_code == 404
    assert [t["name"] for t in web.raw.get("/api/v1/auth/tokens", headers=bearer(first))
            .get_json()["items"]] == ["one"]


def test_bearer_writes_need_no_csrf_but_cookie_writes_do(web, make_web, cast):
    token = issue_token(web.raw, cast.alice)
    resp = web.raw.post("/api/v1/posts", json={"body": "by token"}, headers=bearer(token))
    assert resp.status_code == 201
    post_id = resp.get_json()["id"]

    browser = make_web().login(cast.alice)
    resp = browser.raw.post("/api/v1/posts", json={"body": "forged"})
    assert resp.status_code == 400 and error_of(resp)["code"] == "csrf"
    resp = browser.raw.delete(f"/api/v1/posts/{post_id}")
    assert resp.status_code == 400 and error_of(resp)["code"] == "csrf"
    assert browser.get(f"/api/v1/posts/{post_id}").status_code == 200  # still there
    assert browser.get("/api/v1/feed").status_code == 200  # reads need no CSRF token
    resp = browser.post("/api/v1/posts", json={"body": "from the page"})
    assert resp.status_code == 201 and resp.get_json()["author"]["id"] == cast.alice.id


def test_a_cookie_does_not_rescue_a_bad_bearer_token(web, cast):
    web.login(cast.alice)
    resp = web.get("/api/v1/me", headers=bearer("itk_not-a-token"))
    assert resp.status_code == 401


def test_token_endpoint_is_rate_limited(app, web, cast):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for n in range(limit):  # many accounts from one address (one account alone waits sooner)
        assert web.raw.post(TOKEN, json={"email": f"person{n}@example.com", "password": "bad guess"}
                            ).status_code == 401
    resp = web.raw.post(TOKEN, json={"email": "alice@example.com", "password": PASSWORD})
    assert resp.status_code == 429 and error_of(resp)["code"] == "rate_limited"


def _sample_url(rule) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "like" if m.group(1) in ("kind", "name") else "1", rule.rule)


def test_every_endpoint_but_the_public_ones_wants_authentication(app, web, cast):
    """Anonymous reads and bad-token calls of any kind get a JSON 401 (never data, never a page)."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    assert len(rules) > 25
    for rule in rules:
        url = _sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint in PUBLIC:
                continue
            resp = web.raw.open(url, method=method, json={}, headers=bearer("itk_wrong"))
            assert resp.status_code == 401, (method, url)
            assert error_of(resp)["code"] == "unauthorized"
            if method == "GET":
                assert web.raw.get(url).status_code == 401, url


def test_http_errors_on_api_paths_are_json(app, web, cast):
    token = issue_token(web.raw, cast.alice)
    resp = web.raw.get("/api/v1/nothing-here", headers=bearer(token))
    assert resp.status_code == 404 and error_of(resp)["code"] == "not_found"
    resp = web.raw.put("/api/v1/feed", headers=bearer(token))
    assert resp.status_code == 405 and error_of(resp)["code"] == "method_not_allowed"
    app.config["MAX_CONTENT_LENGTH"] = 1000
    resp = web.raw.post("/api/v1/posts", json={"body": "x" * 2000}, headers=bearer(token))
    assert resp.status_code == 413 and error_of(resp)["code"] == "too_large"
    resp = web.raw.post("/api/v1/posts", data="body", content_type="text/plain", headers=bearer(token))
    assert resp.status_code == 415
    resp = web.raw.post("/api/v1/posts", json=["not", "an", "object"], headers=bearer(token))
    assert resp.status_code == 400 and "JSON object" in error_of(resp)["message"]


@pytest.mark.sqlite_only
def test_a_busy_database_does_not_refuse_a_valid_token(app, cast, session):
    """Recording a token's last use is bookkeeping: when another writer holds the database
    (a restart's thousand reconnects), the request is still served and the touch waits."""


    client = app.test_client()
    token = issue_token(client, cast.alice)
    row = session.scalar(select(ApiToken).where(ApiToken.user_id == cast.alice.id))
    with app.app_context():
        path = db.engine().url.database
    other = sqlite3.connect(path, timeout=0)
    other.execute(f"UPDATE api_tokens SET last_used_at = NULL WHERE id = {row.id}")
    other.commit()
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock past our busy timeout
    try:
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    finally:
        other.rollback()
        other.close()
    session.expire_all()
    assert session.get(ApiToken, row.id).last_used_at is None  # recorded at a later use


@pytest.mark.sqlite_only
def test_a_write_waiting_too_long_for_the_database_answers_503_with_retry_after(app, web, cast):
    """Another process holds SQLite's write lock past the busy timeout (5 s): the post is not
    lost in a 500, the client is told to come back."""
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    web.login(cast.alice)  # signing in writes its login row: before the lock is taken
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        answer = web.post("/api/v1/posts", json={"body": "Waiting in line"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "2"
    assert answer.get_json()["error"]["code"] == "busy"
