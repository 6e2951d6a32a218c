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

from flask import current_app
from sqlalchemy import text

from intranet.platform import db, redis_store

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


def _client(url: str) -> Any:
    """One client per URL and app, so a probe reuses its connection instead of opening one."""
    clients = current_app.extensions.setdefault(_REDIS_KEY, {})
    with _redis_lock:
        if url not in clients:
            clients[url] = redis_store.connect(url, timeout=REDIS_TIMEOUT)
        return clients[url]


def redis_check() -> Check:
    """PING every configured Redis; "not configured" (a pass) when none is."""
    urls = redis_store.by_purpose(current_app.config)
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
