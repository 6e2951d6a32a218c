"""Language: the user's profile choice, else the browser's, else English."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, current_app, request
from flask_babel import format_datetime, format_timedelta, gettext
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


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = lambda v, fmt="medium": format_datetime(v, fmt)
    app.jinja_env.filters["ago"] = ago
