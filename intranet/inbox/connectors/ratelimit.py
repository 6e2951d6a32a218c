"""The webhook's per-source rate limit: a fixed-window counter in this process's memory.

flask-limiter's ``memory://`` storage starts a timer thread (to expire keys) on most hits:
~10 % of a webhook request in a profile. The webhook needs one counter per source, so a dict
under a lock does the same job (same limit syntax, ``limits.parse``, the library flask-limiter
uses; the same fixed-window strategy; per process, like ``memory://``). Counters of past
windows are overwritten, so memory stays one entry per source.
"""

from __future__ import annotations

import threading
import time
from functools import lru_cache

from flask import Flask, current_app
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

KEY = "inbox.webhook_limits"


@lru_cache(maxsize=16)
def _item(text: str) -> RateLimitItem:
    return parse(text)


class WindowCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[object, tuple[int, int]] = {}

    def hit(self, key: object, limit: str) -> bool:
        """Count one hit; False when it goes over ``limit`` (e.g. "6000 per minute")."""
        item = _item(limit)
        window = int(time.time() // item.get_expiry())
        with self._lock:
            start, count = self._windows.get(key, (window, 0))
            count = count + 1 if start == window else 1
            self._windows[key] = (window, count)
        return count <= item.amount


def check(source_id: int) -> None:
    """Count a delivery to a source; 429 when its sender goes over ``INBOX_WEBHOOK_RATE_LIMIT``."""
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return
    if not current_app.extensions[KEY].hit(source_id, config["INBOX_WEBHOOK_RATE_LIMIT"]):
        raise TooManyRequests()


def init_app(app: Flask) -> None:
    app.extensions[KEY] = WindowCounter()
