"""Language: the user's profile choice, else the browser's, else English."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import format_datetime, format_timedelta
from flask_login import current_user

from .models import utcnow


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) if request else None


def select_timezone() -> str:
    return current_app.config.get("TIMEZONE", "Europe/Paris")


def ago(value) -> str:
    """'5 minutes ago' in the reader's language."""
    return format_timedelta(value - utcnow(), add_direction=True)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = lambda v, fmt="medium": format_datetime(v, fmt)
    app.jinja_env.filters["ago"] = ago
