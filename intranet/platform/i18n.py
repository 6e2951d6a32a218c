"""Language: the user's profile choice, else the browser's, else English. Time zone: the
profile's, else the company's."""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.dates import TIMEDELTA_UNITS
from flask import Flask, current_app, g, request
from flask_babel import format_datetime, format_timedelta, get_locale, get_translations, gettext
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from intranet.models import utcnow
from intranet.platform.time_zones import company_zone, is_zone, reader_zone_label

JUST_NOW = timedelta(minutes=1)
TIMEDELTA_THRESHOLD = 0.85  # Flask-Babel's default, which ``ago`` uses


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) if request else None


def select_timezone() -> str:
    """The reader's own zone from their profile, else the company's (``time_zones``)."""
    if current_user and current_user.is_authenticated and is_zone(current_user.timezone):
        return current_user.timezone
    return company_zone()


def ago(value: datetime, locale: str | None = None, now: datetime | None = None) -> str:
    """'5 minutes ago' / 'il y a 5 minutes' in the reader's language (``locale``: the request's,
    when the caller already has it; looking it up costs ~9 µs, and a feed page has ~25 cards;
    ``now``: the same instant for every time on a page).

    Under a minute reads "just now" rather than Babel's "0 seconds ago" (or "in 2 seconds" when
    a clock is slightly ahead): a post that just appeared live should not look odd.
    """
    delta = value - (now or utcnow())
    if delta > -JUST_NOW:
        return gettext("just now")
    key = (locale or str(get_locale()), *_timedelta_shape(delta))
    text = _AGO_TEXTS.get(key)
    if text is None:
        text = _AGO_TEXTS[key] = format_timedelta(delta, add_direction=True)
    return text


# Babel's text for a delta depends only on its direction, unit and rounded count (see
# ``babel.dates.format_timedelta``), and formatting one costs ~40 µs: a feed page shows ~25.
_AGO_TEXTS: dict[tuple, str] = {}


def _timedelta_shape(delta: timedelta) -> tuple[bool, str, int]:
    """Babel's choice of unit and count for ``format_timedelta(delta)`` (threshold 0.85, down to
    seconds), without formatting."""
    seconds = int(delta.days * 86400 + delta.seconds)
    for unit, secs_per_unit in TIMEDELTA_UNITS:
        value = abs(seconds) / secs_per_unit
        if value >= TIMEDELTA_THRESHOLD or unit == "second":
            if unit == "second" and value > 0:
                value = max(1, value)
            return seconds >= 0, unit, round(value)
    raise AssertionError("unreachable: seconds is the last unit")


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
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"] = _template_gettext


@pass_context
def _template_gettext(context: Context, string: str, **variables: object) -> str:
    """Jinja's new-style ``gettext`` (escaped ``%(name)s`` variables under autoescape), minus the two
    ``context.call`` hops of its ``_`` alias and wrapper: a feed page's frame calls it ~30 times."""
    text = request_translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def init_app(app: Flask) -> None:
    _install_fast_gettext(app)
    app.jinja_env.filters["datetime"] = lambda v, fmt="medium": format_datetime(v, fmt)
    app.jinja_env.filters["ago"] = ago
    app.jinja_env.globals["time_zone_name"] = reader_zone_label
