"""Rendered post cards, reused across requests and readers.

A feed page is ~25 cards, and rendering them was ~70 % of the page's time, yet a card's HTML is a
pure function of a small *state*: the post (id, creation/edit time, pin), its author's and group's
names, the language, its counts, and the reader's own relation to it (my reactions, acknowledged,
may edit/moderate, am I the author). That state is the cache key, so a cached card can never show
something stale: when anything shown changes, the key changes.

What differs per request is never cached: the CSRF token, the ``next`` field and the relative time
("5 minutes ago") are rendered as per-process random sentinels (nobody can type them in a post)
and substituted, escaped, on every use. While ``pagecache`` records a whole page, the token and
the times stay sentinels (the time then carries its datetime), for the page cache to fill in.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, g, render_template, request
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from intranet.platform import db
from intranet.platform.i18n import ago
from intranet.queries import cards
from intranet.queries.cards import CardState

if TYPE_CHECKING:
    from intranet.queries.feed import PostView

CSRF = "csrf" + secrets.token_hex(16)
NEXT = "next" + secrets.token_hex(16)
AGO = "ago" + secrets.token_hex(16)
_SENTINELS = re.compile(f"({CSRF}|{NEXT}|{AGO})")
MAX_CARDS = 4096
EXTENSION = "intranet.cardcache"
RECORDING = "_page_recording"  # on ``g`` while pagecache renders a page to keep


class LRU:
    """A bounded, thread-safe least-recently-used map (gunicorn runs 8 threads per process)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> object | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple, value: object) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def cached_card(view: PostView) -> Markup:
    """The ``post_card`` macro's HTML for this request, rendered at most once per state."""
    state = cards.state_of(view, current_user)
    key = (state, _reader_format())
    parts = _cache().get(key) if state.kind == "post" else None
    if parts is None:
        parts = _render(view)
        if state.kind == "post":
            _cache().put(key, parts)
    return _personal(parts, state, key[1][0])


def render_cards(states: list[CardState]) -> list[Markup]:
    """Cards for these states, loading full posts only for those not cached (one query)."""
    cache, locale = _cache(), _reader_format()
    found = {s.id: cache.get((s, locale)) if s.kind == "post" else None for s in states}
    missing = [s for s in states if found[s.id] is None]
    if missing:
        views = cards.views_for(db.session(), missing)
        for state in missing:
            view = views.get(state.id)
            if view is None:
                continue  # deleted since the state was read
            found[state.id] = parts = _render(view)
            if state.kind == "post" and cards.state_of(view, current_user) == state:  # not edited
                cache.put((state, locale), parts)
    return [_personal(found[s.id], s, locale[0]) for s in states if found[s.id] is not None]


def _reader_format() -> tuple[str, str]:
    """Language and time zone: the card's words and its absolute date depend on them."""
    return str(get_locale()), str(get_timezone())


def _cache() -> LRU:
    return current_app.extensions[EXTENSION]


def _render(view: PostView) -> tuple[str, ...]:
    """The card's HTML split at its sentinels (odd items), so each use is one ``join``
    rather than three passes of ``str.replace`` over the whole card."""
    html = render_template("posts/_cached_card.html", view=view, csrf_token=lambda: CSRF,
                           next_url=NEXT, ago_text=AGO)
    return tuple(_SENTINELS.split(html))


def _personal(parts: tuple[str, ...], state: CardState, locale: str) -> Markup:
    """This request's CSRF token, ``next`` and relative time in a cached card, escaped as Jinja would."""
    token, next_url = _request_values()
    if g.get(RECORDING):
        token, when = CSRF, ago_sentinel(state.created_at)
    else:
        when = str(escape(ago(state.created_at, locale)))
    values = {CSRF: token, NEXT: next_url, AGO: when}
    return Markup("".join([values[p] if i % 2 else p for i, p in enumerate(parts)]))


def ago_sentinel(when: datetime) -> str:
    """A relative time for ``pagecache`` to compute when it serves the page (the datetime is
    ours, never user text)."""
    return f"{AGO}@{when.isoformat()}@"


def _request_values() -> tuple[str, str]:
    """This request's CSRF token and ``next`` value, escaped, computed once per request."""
    values = g.get("_card_request_values")
    if values is None:
        values = g._card_request_values = (str(escape(generate_csrf())),
                                           str(escape(request.full_path.rstrip("?"))))
    return values


def init_app(app: Flask, size: int = MAX_CARDS) -> None:
    """One cache per app (tests run several apps whose post ids overlap), per process."""
    app.extensions[EXTENSION] = LRU(size)
    app.jinja_env.globals["cached_card"] = cached_card
    app.jinja_env.globals["render_cards"] = render_cards


def cache_of(app: Any) -> LRU:
    return app.extensions[EXTENSION]
