"""/healthz (liveness, the benchmarks' floor) and /readyz (readiness: database, Redis, search lag)."""

from __future__ import annotations

import shutil
import subprocess
import time
from typing import Any

import pytest
import redis

from intranet import create_app
from intranet.platform import db
from intranet.platform.redis_store import by_purpose as redis_urls
from tests.conftest import _config
from tests.ports import free_port


def test_healthz_says_ok_without_login(web):
    response = web.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json" and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # no session work on the floor route


def test_readyz_on_the_embedded_default_is_ready_without_redis(web):
    """Ready without Redis. The search check is not pinned to "nothing pending": on PostgreSQL a
    row written while the test began was seen pending (0.1 s old), which is the check working."""
    response = web.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database"]["detail"].startswith("SELECT 1 in ")
    assert body["checks"]["redis"] == {"status": "not configured", "required": True,
                                       "detail": "no Redis message queue or rate-limit storage set"}
    search = body["checks"]["search"]  # its lag is measured below; here only: never required
    assert search["status"] == "ok" and search["required"] is False and search["pending"] >= 0
    assert "Set-Cookie" not in response.headers and response.headers["Cache-Control"] == "no-store"


def test_readyz_reports_the_search_lag_without_failing(app, web, cast, drain_index):
    app.config["READYZ_SEARCH_LAG_SECONDS"] = 0.0  # any lag is "lagging"
    time.sleep(0.01)
    response = web.get("/readyz")
    search = response.get_json()["checks"]["search"]
    assert response.status_code == 200  # the index is derived data: late, not unavailable
    assert search["status"] == "lagging" and search["pending"] > 0 and search["lag_seconds"] >= 0
    assert search["detail"].startswith(f"{search['pending']} pending, oldest ")
    drain_index()
    search = web.get("/readyz").get_json()["checks"]["search"]
    assert search == {"status": "ok", "detail": "nothing pending", "required": False, "pending": 0,
                      "lag_seconds": 0.0}


def test_readyz_is_503_when_the_database_cannot_be_opened(tmp_path):
    app = create_app(_settings(tmp_path, f"sqlite:///{tmp_path}/no/such/dir.db"))
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503 and body["status"] == "error"
    assert body["checks"]["database"]["status"] == "error"
    assert body["checks"]["database"]["detail"] == "OperationalError (details in the server log)"
    assert body["checks"]["search"]["status"] == "error"  # reported, never required
    assert app.test_client().get("/healthz").status_code == 200  # alive all the same


def _settings(tmp_path: Any, url: str, **settings: Any) -> dict[str, Any]:
    """The tests' configuration on ``url`` (set explicitly whatever _config's second argument is)."""
    return {**_config(tmp_path, url), "DATABASE_URL": url, **settings}



@pytest.fixture
def redis_url(tmp_path: Any) -> Any:
    """A throwaway redis-server on a free port, nothing saved to disk."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.05)
    yield url
    client.close()
    proc.terminate()
    proc.wait(10)


def _app_with(tmp_path: Any, template_db: Any, **settings: Any) -> Any:
    db_file = tmp_path / "intranet.db"
    shutil.copy(template_db, db_file)
    return create_app(_settings(tmp_path, f"sqlite:///{db_file}", **settings))


def test_readyz_pings_the_configured_redis(tmp_path, template_db, redis_url):
    app = _app_with(tmp_path, template_db, RATELIMIT_STORAGE_URI=redis_url)
    response = app.test_client().get("/readyz")
    check = response.get_json()["checks"]["redis"]
    assert response.status_code == 200, response.get_json()
    assert check["status"] == "ok" and check["detail"].startswith("PING (rate limits) in ")
    with app.app_context():
        db.engine().dispose()


def test_readyz_is_503_when_redis_does_not_answer(tmp_path, template_db):
    nobody = f"redis://127.0.0.1:{free_port()}/0"
    app = _app_with(tmp_path, template_db, RATELIMIT_STORAGE_URI=nobody)
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503 and body["status"] == "error"
    assert body["checks"]["redis"]["status"] == "error"
    assert body["checks"]["redis"]["detail"] == "rate limits: ConnectionError (details in the server log)"
    assert body["checks"]["database"]["status"] == "ok"
    with app.app_context():
        db.engine().dispose()


def test_readyz_knows_every_place_redis_is_configured():
    assert redis_urls({"SOCKETIO_MESSAGE_QUEUE": None, "RATELIMIT_STORAGE_URI": "memory://"}) == {}
    assert redis_urls({"SOCKETIO_MESSAGE_QUEUE": "redis://r:6379/0",
                       "RATELIMIT_STORAGE_URI": "redis+unix:///run/redis/redis.sock"}) == {
        "message queue": "redis://r:6379/0", "rate limits": "unix:///run/redis/redis.sock"}
    assert redis_urls({"SOCKETIO_MESSAGE_QUEUE": "kafka://k:9092"}) == {}  # not ours to ping
    assert redis_urls({"REDIS_URL": "redis://r:6379/0"}) == {"presence": "redis://r:6379/0"}
