"""Readiness checks for ``/readyz``: can this process serve requests right now?

A check answers its status (``ok``, ``error``, ``lagging``, ``not configured``), a short detail a
person reads in a probe's output, and whether it is required: the probe answers 503 as soon as
a required check fails, so a load balancer stops sending requests to a process whose database
or Redis is gone. Details never carry an exception's message (it may name hosts or users): the
class name goes out, the whole error goes to the log.

``/healthz`` stays the liveness probe and uses none of this: no database, no network.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import redis
from flask import current_app
from sqlalchemy import text

from intranet.platform import db

log = logging.getLogger(__name__)

OK, ERROR, LAGGING, NOT_CONFIGURED = "ok", "error", "lagging", "not configured"
REDIS_TIMEOUT = 1.0  # seconds to connect and to answer PING: a probe must not hang
_REDIS_KEY = "intranet.health.redis"
_redis_lock = threading.Lock()


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    required: bool = True
    data: dict[str, Any] = field(default_factory=dict)  # numbers for monitoring (e.g. search lag)

    @property
    def passed(self) -> bool:
        return not self.required or self.status in (OK, NOT_CONFIGURED)

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "detail": self.detail, "required": self.required, **self.data}


def failed(name: str, exc: BaseException, *, required: bool = True) -> Check:
    """A check that raised: logged in full, answered with the exception's class only."""
    log.warning("readiness check %s failed", name, exc_info=exc)
    return Check(name, ERROR, f"{type(exc).__name__} (details in the server log)", required)


def database() -> Check:
    """``SELECT 1`` on a connection from the app's pool."""
    began = time.perf_counter()
    try:
        with db.engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return failed("database", exc)
    return Check("database", OK, f"SELECT 1 in {(time.perf_counter() - began) * 1000:.1f} ms")


def redis_urls(config: dict[str, Any]) -> dict[str, str]:
    """The Redis servers this configuration uses, by what it uses them for."""
    found = {}
    if config.get("REDIS_URL"):
        found["presence"] = config["REDIS_URL"]
    queue = config.get("SOCKETIO_MESSAGE_QUEUE") or ""
    if queue.startswith(("redis://", "rediss://", "unix://")):
        found["message queue"] = queue
    storage = config.get("RATELIMIT_STORAGE_URI") or ""
    if storage.startswith(("redis://", "rediss://")):
        found["rate limits"] = storage
    elif storage.startswith("redis+unix://"):  # the limits library's spelling of a socket path
        found["rate limits"] = "unix://" + storage.removeprefix("redis+unix://")
    return found


def _client(url: str) -> redis.Redis:
    """One client per URL and app, so a probe reuses its connection instead of opening one."""
    clients = current_app.extensions.setdefault(_REDIS_KEY, {})
    with _redis_lock:
        if url not in clients:
            clients[url] = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT,
                                                socket_timeout=REDIS_TIMEOUT)
        return clients[url]


def redis_check() -> Check:
    """PING every configured Redis; "not configured" (a pass) when none is."""
    urls = redis_urls(current_app.config)
    if not urls:
        return Check("redis", NOT_CONFIGURED, "no Redis message queue or rate-limit storage set")
    began = time.perf_counter()
    for purpose in sorted(urls):
        try:
            _client(urls[purpose]).ping()
        except Exception as exc:
            check = failed("redis", exc)
            return Check("redis", ERROR, f"{purpose}: {check.detail}")
    ms = (time.perf_counter() - began) * 1000
    return Check("redis", OK, f"PING ({', '.join(sorted(urls))}) in {ms:.1f} ms")
