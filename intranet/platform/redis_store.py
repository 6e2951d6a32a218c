"""The Redis of a scale-out deployment (``REDIS_URL``): one client per app, checked at start-up.

Several web processes must behave as one: what a single process keeps in memory goes through
Redis instead when ``REDIS_URL`` is set: presence, typing and focus (``platform.presence``), the
rate-limit counters (flask-limiter's storage, the inbox webhook's per-source limit) and, through
Flask-SocketIO's message queue, the events every process sends to its own sockets.

A missing ``redis`` package or a Redis that does not answer is a start-up error naming the URL and
what to do (``init_app``), not a log line about a listener "giving up" minutes later. The check
runs once, in ``create_app``; tests skip it unless they set ``REDIS_CHECK_IN_TESTS``.
Only this module and the readiness probe (``platform.health``) import the ``redis`` client (an
import-linter contract).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, current_app

try:
    import redis
except ImportError:  # only an error when REDIS_URL is set: see ``init_app``
    redis = None  # type: ignore[assignment]

EXTENSION = "intranet.redis"
SCHEMES = ("redis://", "rediss://", "unix://")
CONNECT_TIMEOUT = 2.0  # seconds: a Redis that does not answer fails the start quickly
SOCKET_TIMEOUT = 5.0  # seconds per command: a stuck Redis must not hang requests for ever

if redis is not None:
    RedisError: type[Exception] = redis.RedisError
else:
    class RedisError(Exception):  # type: ignore[no-redef]
        """Stands for ``redis.RedisError`` when the package is missing (nothing raises it)."""


class RedisStartupError(RuntimeError):
    """Redis is configured but cannot be used: the message says which URL and what to do."""


def is_redis_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SCHEMES)


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def by_purpose(config: dict[str, Any]) -> dict[str, str]:
    """Every Redis the app will talk to, by what it is used for: ``REDIS_URL`` (presence), and the
    message queue and rate-limit storage (the same server unless they were set apart)."""
    found = {}
    for purpose, key in (("presence", "REDIS_URL"), ("message queue", "SOCKETIO_MESSAGE_QUEUE"),
                         ("rate limits", "RATELIMIT_STORAGE_URI")):
        value = config.get(key) or ""
        if isinstance(value, str) and value.startswith("redis+unix://"):  # the limits library's spelling
            value = "unix://" + value.removeprefix("redis+unix://")
        if is_redis_url(value):
            found[purpose] = value
    return found


def urls(config: dict[str, Any]) -> list[str]:
    """The distinct Redis servers of ``by_purpose``."""
    return list(dict.fromkeys(by_purpose(config).values()))


def connect(url: str, timeout: float | None = None) -> Any:
    """A client with a connection pool (thread-safe); connects lazily. ``timeout``: the same limit
    to connect and per command (a probe's), else the app's."""
    return redis.Redis.from_url(url, socket_connect_timeout=timeout or CONNECT_TIMEOUT,
                                socket_timeout=timeout or SOCKET_TIMEOUT, health_check_interval=30)


def check(url: str) -> None:
    """Raise ``RedisStartupError`` unless the client package is installed and ``url`` answers."""
    if redis is None:
        raise RedisStartupError(
            f"Redis is configured ({redacted(url)}) but the 'redis' package is not installed in this "
            "environment: run 'pip install -r requirements.txt' (or unset INTRANET_REDIS_URL and "
            "INTRANET_SOCKETIO_MESSAGE_QUEUE to run a single process without Redis).")
    client = connect(url)
    try:
        client.ping()
    except RedisError as exc:
        raise RedisStartupError(
            f"Redis at {redacted(url)} does not answer ({exc}). Start it or fix INTRANET_REDIS_URL "
            "(and INTRANET_SOCKETIO_MESSAGE_QUEUE / INTRANET_RATELIMIT_STORAGE_URI if set apart); "
            "several workers need it to share presence, rate limits and events.") from exc
    finally:
        client.close()


def init_app(app: Flask) -> None:
    """Check every configured Redis (skipped under TESTING unless ``REDIS_CHECK_IN_TESTS``), then
    keep a client for ``REDIS_URL``. Runs before the extensions that would connect later."""
    configured = urls(app.config)
    if redis is None and configured:
        check(configured[0])  # raises: the package is missing
    if not app.testing or app.config.get("REDIS_CHECK_IN_TESTS"):
        for url in configured:
            check(url)
    if app.config.get("REDIS_URL"):
        app.extensions[EXTENSION] = connect(app.config["REDIS_URL"])


def client(app: Flask | None = None) -> Any:
    """The app's Redis client (``None`` without ``REDIS_URL``)."""
    return (app or current_app).extensions.get(EXTENSION)
