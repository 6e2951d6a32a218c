"""Language: the user's profile choice, else the browser's, else English."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, current_app, g, request
from flask_babel import format_datetime, format_timedelta, get_translations, gettext
from flask_login import current_user

from .models import utcnow

JUST_NOW = timedelta(minutes=1)


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) if request else None


def select_timezone() -> str:
    return current_app.config.get("TIMEZONE", "Europe/Paris")


def ago(value: datetime) -> str:
    """'5 minutes ago' / 'il y a 5 minutes' in the reader's language.

    Under a minute reads "just now" rather than Babel's "0 seconds ago" (or "in 2 seconds" when
    a clock is slightly ahead): a post that just appeared live should not look odd.
    """
    delta = value - utcnow()
    if delta > -JUST_NOW:
        return gettext("just now")
    return format_timedelta(delta, add_direction=True)


def request_translations() -> object:
    """The request's catalog, looked up once per request.

    Flask-Babel resolves context, domain, locale and cache on every ``gettext`` (~15 µs); a feed
    page with 20 post cards translates ~1,500 strings, so that alone cost a third of the page.
    Kept as ``babel_translations`` on Flask-Babel's request namespace, which ``flask_babel.refresh()``
    clears, so a language change within a request is still honoured.
    """
    ctx = g.get("_flask_babel")
    cached = getattr(ctx, "babel_translations", None)
    if cached is None:
        cached = get_translations()
        ctx = g.get("_flask_babel")
        if ctx is not None:
            ctx.babel_translations = cached
    return cached


def _install_fast_gettext(app: Flask) -> None:
    """Templates' ``_``/``gettext``/``ngettext`` through the per-request catalog."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def init_app(app: Flask) -> None:
    _install_fast_gettext(app)
    app.jinja_env.filters["datetime"] = lambda v, fmt="medium": format_datetime(v, fmt)
    app.jinja_env.filters["ago"] = ago
