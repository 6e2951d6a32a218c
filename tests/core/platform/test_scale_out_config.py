"""Scale-out settings: one Redis setting, and a clear start-up error when it cannot be used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import exc

from intranet import create_app
from intranet.platform import db
from intranet.platform.config import ROOT, Config, load_config, socketio_async_mode
from intranet.platform.redis_store import RedisStartupError, redacted
from tests.conftest import _config
from tests.ports import free_port
from tests.scale_out_helpers import close, redis_config, worker


def _values(tmp_path: Path, **overrides) -> dict:
    return load_config(Config, {"SECRET_KEY": "k", **overrides}, str(tmp_path))


def test_redis_url_is_also_the_message_queue_and_the_limits_storage(tmp_path, monkeypatch):
    for name in ("INTRANET_REDIS_URL", "INTRANET_SOCKETIO_MESSAGE_QUEUE", "INTRANET_RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    alone = _values(tmp_path)
    assert (alone["REDIS_URL"], alone["SOCKETIO_MESSAGE_QUEUE"]) == (None, None)
    assert alone["RATELIMIT_STORAGE_URI"] == "memory://"
    url = "redis://cache.internal:6379/2"
    shared = _values(tmp_path, REDIS_URL=url)
    assert shared["SOCKETIO_MESSAGE_QUEUE"] == shared["RATELIMIT_STORAGE_URI"] == url
    older = _values(tmp_path, SOCKETIO_MESSAGE_QUEUE=url)  # the README's former scale-out setting
    assert older["REDIS_URL"] == older["RATELIMIT_STORAGE_URI"] == url
    apart = _values(tmp_path, REDIS_URL=url, SOCKETIO_MESSAGE_QUEUE="",
                    RATELIMIT_STORAGE_URI="redis://limits.internal:6379/0")
    assert apart["SOCKETIO_MESSAGE_QUEUE"] == "" and apart["RATELIMIT_STORAGE_URI"].startswith("redis://limits")
    monkeypatch.setenv("INTRANET_REDIS_URL", url)
    assert _values(tmp_path)["REDIS_URL"] == url


def test_an_unreachable_redis_stops_the_start_with_the_url_and_what_to_do(app):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with pytest.raises(RedisStartupError) as refused:
        worker(app, **redis_config(url, REDIS_CHECK_IN_TESTS=True))
    message = str(refused.value)
    assert url in message and "does not answer" in message and "INTRANET_REDIS_URL" in message
    quiet = worker(app, **redis_config(url))  # tests skip the check unless they ask for it
    close(quiet)


def test_a_reachable_redis_passes_the_start_up_check(app, redis_url):
    other = worker(app, **redis_config(redis_url, REDIS_CHECK_IN_TESTS=True))
    close(other)


def test_a_missing_redis_package_is_a_start_up_error(app, tmp_path):
    """A process where ``import redis`` fails, as on a server installed without it."""
    script = (
        "import sys; sys.modules['redis'] = None\n"  # any import of redis now raises ImportError
        "from intranet import create_app\n"
        f"create_app({{'TESTING': True, 'SECRET_KEY': 'k', 'DATABASE_URL': 'sqlite:///{tmp_path}/x.db',"
        f" 'UPLOAD_DIR': '{tmp_path}/up', 'SEARCH_INDEX_DIR': '{tmp_path}/ix',"
        " 'REDIS_URL': 'redis://:secret@127.0.0.1:6390/0'})\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert "RedisStartupError" in run.stderr and "'redis' package is not installed" in run.stderr
    assert "redis://:***@127.0.0.1:6390/0" in run.stderr and "secret" not in run.stderr
    assert "pip install -r requirements.txt" in run.stderr


def test_passwords_are_not_shown_in_messages():
    assert redacted("redis://user:pw@host:6379/1") == "redis://user:***@host:6379/1"
    assert redacted("redis://host:6379") == "redis://host:6379"


def test_the_postgresql_pool_is_sized_by_the_settings(tmp_path, database_url):
    """DATABASE_POOL_SIZE + DATABASE_MAX_OVERFLOW connections at most; the next request waits
    DATABASE_POOL_TIMEOUT seconds, then gets the TimeoutError the app answers as 503."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (SQLite's pool is platform/sqlite/engine.py's): pytest --db=postgresql")
    app = create_app({**_config(tmp_path, database_url), "DATABASE_URL": database_url,
                      "DATABASE_POOL_SIZE": 3, "DATABASE_MAX_OVERFLOW": 2, "DATABASE_POOL_TIMEOUT": 0.2})
    with app.app_context():
        engine = db.engine()
    held = [engine.connect() for _ in range(5)]
    try:
        assert engine.pool.size() == 3
        with pytest.raises(exc.TimeoutError):
            engine.connect()
    finally:
        for connection in held:
            connection.close()
        engine.dispose()


def test_the_socket_mode_follows_the_server_and_is_never_left_to_guess(tmp_path):
    """Unpatched (gthread, ``flask run``, the workers' CLI): threading. gevent only with PostgreSQL;
    anything else (eventlet) is a start-up error rather than Flask-SocketIO's own pick."""
    assert socketio_async_mode(_values(tmp_path)) == "threading"
    assert socketio_async_mode(_values(tmp_path, SOCKETIO_ASYNC_MODE="gevent",
                                       DATABASE_URL="postgresql+psycopg://db/intranet")) == "gevent"
    with pytest.raises(RuntimeError, match="gevent worker needs PostgreSQL"):
        socketio_async_mode(_values(tmp_path, SOCKETIO_ASYNC_MODE="gevent"))
    with pytest.raises(RuntimeError, match="use auto, threading or gevent"):
        socketio_async_mode(_values(tmp_path, SOCKETIO_ASYNC_MODE="eventlet"))


def test_the_gevent_worker_on_sqlite_stops_at_start_up_with_what_to_do(tmp_path):
    """gunicorn -k gevent patches the process before loading the app: "auto" becomes gevent, and
    on SQLite (whose busy wait would stall every greenlet) the worker refuses to boot."""
    env = {"PATH": os.environ["PATH"], "INTRANET_ENV": "production", "INTRANET_SECRET_KEY": "k" * 40,
           "INTRANET_DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "INTRANET_UPLOAD_DIR": f"{tmp_path}/up",
           "INTRANET_SEARCH_INDEX_DIR": f"{tmp_path}/ix"}
    run = subprocess.run([str(ROOT / ".venv/bin/gunicorn"), "--worker-class", "gevent", "--bind",
                          f"127.0.0.1:{free_port()}", "--no-control-socket", "wsgi:app"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert "The gevent worker needs PostgreSQL" in run.stderr and "gthread worker" in run.stderr
