"""Whole feed pages, reused for the same reader while the database has not changed.

A home page is a pure function of the database, its reader and their language and time zone, and
the URL, except for what ``cardcache`` already renders as sentinels: the CSRF token and the
relative times ("5 minutes ago"). So a page rendered once can be served again, with this request's
token and times filled in, for as long as *nothing at all* was written to the database: no post,
comment, reaction, edit, deletion, membership, rename, notification or event, by anyone. That is
coarser than tracking what a page shows, and therefore cannot miss a change that matters (a hidden
post never shows from a cache; another person's change appears on the next load). It pays off
while pages are re-read between writes; any write brings back the full render (cards still cached).

How "nothing was written" is known, without trusting that every write goes through our code:
SQLite's ``PRAGMA data_version`` changes, on a connection, whenever *another* connection commits
(ours in the pool, or another process such as the CLI or a second worker). The store keeps one
connection of its own that never writes, only asks that (~7 µs, under a lock); any difference
starts a new *generation*, which empties the store. Pages are stored under the generation read
*before* their data, so a stored page is never older than its key. Other databases (or an
in-memory SQLite) have no such counter: there, nothing is cached.

A hit costs what ``/healthz`` costs plus the copy: no query, no template, not even the user's row
(see ``cached_page``). Never cached: requests with flashed messages (the page shows and consumes
them), API-token requests, and anything but a 200 page from the view.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from intranet.models import utcnow
from intranet.platform import db
from intranet.platform.extensions import login_manager
from intranet.platform.i18n import ago
from intranet.platform.sessions import LOGIN_KEY
from intranet.platform.sqlite.data_version import DataVersion
from intranet.views.cardcache import AGO, CSRF, LRU, RECORDING, ago_sentinel

EXTENSION = "intranet.pagecache"
MAX_PAGES = 256  # per process, ~100-130 KB each, all of one generation
_SENTINELS = re.compile(f"({CSRF}|{AGO}@[^@]*@)")


class PageStore:
    """The pages of the current generation; a new generation drops them all."""

    def __init__(self, size: int, database: str | None) -> None:
        self.generation = 0
        self.hits = 0
        self._pages = LRU(size)
        self._lock = threading.Lock()
        self._version = DataVersion(database) if database else None  # None: never cache
        self._seen: int | None = None

    def current_generation(self) -> int | None:
        """The generation after looking for commits since the last look; None: do not cache."""
        if self._version is None:
            return None
        with self._lock:
            version = self._version.read()
            if version is None:
                return None  # the page is rendered as usual, and fails there if it must
            if version != self._seen:
                self._seen = version
                self._new_generation()
            return self.generation

    def new_generation(self) -> None:
        with self._lock:
            self._new_generation()

    def _new_generation(self) -> None:
        self.generation += 1
        self._pages.clear()

    def get(self, key: tuple, generation: int) -> tuple | None:
        page = self._pages.get((generation, key))
        if page is not None:
            self.hits += 1
        return page

    def put(self, key: tuple, generation: int, page: tuple) -> None:
        with self._lock:
            if generation == self.generation:  # else written meanwhile: the page may be stale
                self._pages.put((generation, key), page)

    def __len__(self) -> int:
        return len(self._pages)


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve the view's page from the store while the database is unchanged.

    Goes *above* ``login_required``: a stored page was rendered for this session's user while
    they were signed in and active, and nothing was written since (not a deactivation, not a
    changed language), so a hit needs neither the user's row nor the view. A miss runs the
    view (and ``login_required``) as usual.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        reader = _reader()
        store = store_of(current_app)
        generation = store.current_generation() if reader is not None else None
        if generation is None:
            return view(*args, **kwargs)
        key = (request.endpoint, reader, request.full_path, request.headers.get("Accept-Language"),
               str(get_timezone()))
        page = store.get(key, generation)
        if page is None:
            setattr(g, RECORDING, True)  # cards and csrf_token() keep their sentinels
            try:
                body = view(*args, **kwargs)
            finally:
                setattr(g, RECORDING, False)
            if not isinstance(body, str):
                return body  # a redirect (signed out, deactivated) or an error: never stored
            page = (str(get_locale()), _split(body))
            if _reader() == reader and current_user.get_id() == reader.split(":", 1)[0]:
                store.put(key, generation, page)
        return Response(_fill(*page), mimetype="text/html")

    return wrapper


def _reader() -> str | None:
    """The user id Flask-Login would load for this request and its login's key, read from the
    session without loading the user (pages are kept per signed-in browser: ending a login is a
    write, which empties the store, and a copy of an ended login's cookie never matches a page
    kept for another login); None when the page must not come from the store (not a plain
    signed-in GET, a message to flash, an API token, or a session that Flask-Login's protection
    refuses)."""
    if request.method != "GET" or g.get("token_auth") or "_flashes" in session:
        return None
    reader, key = session.get("_user_id"), session.get(LOGIN_KEY)
    if reader is None or not isinstance(key, str) or login_manager._session_protection_failed():
        return None
    return f"{reader}:{key}"


def _split(body: str) -> tuple:
    """Literal text as UTF-8 (even items) and what each sentinel stands for (odd items): None
    for the CSRF token, the datetime for a relative time."""
    parts = _SENTINELS.split(body)
    return tuple(p.encode() if i % 2 == 0 else
                 (None if p == CSRF else datetime.fromisoformat(p[len(AGO) + 1:-1]))
                 for i, p in enumerate(parts))


def _fill(locale: str, parts: tuple) -> bytes:
    """The page for this request: its CSRF token, relative times as of now."""
    token, now = str(escape(generate_csrf())).encode(), utcnow()
    return b"".join([p if i % 2 == 0 else token if p is None else str(escape(ago(p, locale, now))).encode()
                     for i, p in enumerate(parts)])


def _csrf_token() -> str:
    """Templates' ``csrf_token()``: Flask-WTF's, or the sentinel while a page is recorded."""
    return CSRF if g.get(RECORDING) else generate_csrf()


def _ago_filter(value: datetime) -> str:
    """Templates' ``|ago``: a sentinel while a page is recorded, so no relative time anywhere on
    a stored page (cards, or whatever the frame shows later) stays frozen at its first render."""
    return ago_sentinel(value) if g.get(RECORDING) else ago(value)


def store_of(app: Any) -> PageStore:
    return app.extensions[EXTENSION]


def _sqlite_file(app: Flask) -> str | None:
    url = app.extensions[db.ENGINE_KEY].url
    plain_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    return url.database if plain_file and not url.query else None


def init_app(app: Flask, size: int = MAX_PAGES) -> None:
    """One store per app (tests run several apps), per process. After db, Flask-WTF and i18n."""
    app.extensions[EXTENSION] = PageStore(size, _sqlite_file(app))
    app.jinja_env.globals["csrf_token"] = _csrf_token
    app.jinja_env.filters["ago"] = _ago_filter
    # Flask-WTF also puts its ``csrf_token`` in every template context; a later processor wins
    app.context_processor(lambda: {"csrf_token": _csrf_token})
