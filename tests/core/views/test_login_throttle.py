"""Per-account login throttling: growing waits after failures, answered as 429 with Retry-After,
capped, cleared by a success, shared by the form and the API and by every worker (database)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from intranet import create_app
from intranet.models import LoginThrottle, utcnow
from intranet.platform import db
from tests.conftest import PASSWORD, WebClient, _config


@pytest.fixture(autouse=True)
def _no_address_limit(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"  # the per-address limit is tested elsewhere


def attempt(web, email, password="wrong guess 1"):
    return web.post("/login", data={"email": email, "password": password})


def time_passes(session):
    """The current wait is over (instead of sleeping through it)."""
    session.execute(update(LoginThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    session.commit()


def test_waits_grow_after_failures_and_are_answered_at_once(app, cast, web, session):
    assert [attempt(web, "alice@example.com").status_code for _ in range(4)] == [400, 400, 400, 400]
    blocked = attempt(web, "alice@example.com", PASSWORD)  # even the right password waits
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "1"
    assert "Too many failed attempts for this account" in blocked.text
    waits = []
    for _ in range(4):
        time_passes(session)
        assert attempt(web, "alice@example.com").status_code == 400
        waits.append(attempt(web, "alice@example.com").headers["Retry-After"])
    assert waits == ["2", "4", "8", "16"]


def test_the_wait_never_grows_past_the_cap_and_a_success_clears_it(app, cast, web, session):
    for _ in range(3):
        attempt(web, "alice@example.com")
    session.execute(update(LoginThrottle).values(failures=1000))
    session.commit()
    time_passes(session)
    attempt(web, "alice@example.com")
    assert attempt(web, "alice@example.com").headers["Retry-After"] == str(app.config["LOGIN_DELAY_MAX"])
    time_passes(session)
    assert attempt(web, "alice@example.com", PASSWORD).status_code == 302
    session.expire_all()
    assert session.scalars(select(LoginThrottle)).all() == []


def test_one_account_waiting_does_not_stop_colleagues_on_the_same_network(app, cast, make_web):
    office = make_web()
    for _ in range(5):
        attempt(office, "alice@example.com")
    assert attempt(office, "alice@example.com").status_code == 429
    assert attempt(make_web(), "bob@example.com", PASSWORD).status_code == 302


def test_unknown_addresses_are_throttled_alike(app, cast, web):
    known = [attempt(web, "alice@example.com").status_code for _ in range(5)]
    unknown = [attempt(web, "nobody@example.com").status_code for _ in range(5)]
    assert known == unknown == [400, 400, 400, 400, 429]


def test_the_api_token_exchange_shares_the_count(app, cast, web):
    for _ in range(4):
        assert web.raw.post("/api/v1/auth/token", json={"email": "Alice@Example.com",
                                                        "password": "nope"}).status_code == 401
    answer = web.raw.post("/api/v1/auth/token", json={"email": "alice@example.com", "password": PASSWORD})
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "1"
    assert answer.get_json()["error"]["code"] == "login_throttled"
    page = attempt(web, "alice@example.com", PASSWORD)
    assert page.status_code == 429


def test_every_worker_sees_the_same_count(app, cast, web, tmp_path, database_url):
    """A second app on the same database (another worker) answers 429 for the same account."""
    app.config["LOGIN_DELAY_BASE"] = 60  # a wait no busy machine outlasts while the other app starts
    for _ in range(4):
        attempt(web, "alice@example.com")
    other = create_app(_config(tmp_path / "other", database_url))
    other.config.update(LOGIN_RATE_LIMIT="1000 per minute", LOGIN_DELAY_BASE=60)
    try:
        answer = attempt(WebClient(other, other.test_client()), "alice@example.com", PASSWORD)
        assert answer.status_code == 429
    finally:
        with other.app_context():
            db.engine().dispose()
