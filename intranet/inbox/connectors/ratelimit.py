"""The webhook's per-source rate limit: a fixed-window counter, in this process's memory or, with
``REDIS_URL``, in Redis (several workers then count every delivery of a source together).

flask-limiter's ``memory://`` storage starts a timer thread (to expire keys) on most hits:
~10 % of a webhook request in a profile. The webhook needs one counter per source, so a dict
under a lock does the same job (same limit syntax, ``limits.parse``, the library flask-limiter
uses; the same fixed-window strategy). Counters of past windows are overwritten, so memory stays
one entry per source. The Redis counter keeps the same windows (aligned on the clock, one key per
source and window, expiring with it): one ``INCR`` and ``EXPIRE`` per delivery.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import lru_cache
from typing import Any

from flask import Flask, current_app
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from intranet.platform import redis_store

KEY = "inbox.webhook_limits"
log = logging.getLogger(__name__)


@lru_cache(maxsize=16)
def _item(text: str) -> RateLimitItem:
    return parse(text)


def _window(item: RateLimitItem) -> int:
    return int(time.time() // item.get_expiry())


class WindowCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[object, tuple[int, int]] = {}

    def hit(self, key: object, limit: str) -> bool:
        """Count one hit; False when it goes over ``limit`` (e.g. "6000 per minute")."""
        item = _item(limit)
        window = _window(item)
        with self._lock:
            start, count = self._windows.get(key, (window, 0))
            count = count + 1 if start == window else 1
            self._windows[key] = (window, count)
        return count <= item.amount


class RedisWindowCounter:
    """The same fixed windows, counted in Redis by every worker."""

    def __init__(self, client: Any, prefix: str) -> None:
        self.client, self.prefix = client, f"{prefix}webhook-limit:"

    def hit(self, key: object, limit: str) -> bool:
        item = _item(limit)
        name = f"{self.prefix}{key}:{_window(item)}"
        pipe = self.client.pipeline()  # MULTI/EXEC: the key never lives on without its expiry
        pipe.incr(name)
        pipe.expire(name, item.get_expiry() + 1)
        try:
            count, _expiry_set = pipe.execute()
        except redis_store.RedisError:  # fail open: losing a webhook is worse than a missed limit
            log.warning("webhook rate limit: Redis failed; delivery let through", exc_info=True)
            return True
        return count <= item.amount


def check(source_id: int) -> None:
    """Count a delivery to a source; 429 when its sender goes over ``INBOX_WEBHOOK_RATE_LIMIT``."""
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return
    if not current_app.extensions[KEY].hit(source_id, config["INBOX_WEBHOOK_RATE_LIMIT"]):
        raise TooManyRequests()


def init_app(app: Flask) -> None:
    client = redis_store.client(app)
    app.extensions[KEY] = (RedisWindowCounter(client, app.config["REDIS_KEY_PREFIX"]) if client is not None
                           else WindowCounter())
