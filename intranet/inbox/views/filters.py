"""Template filters of the inbox pages that need the reader's language: numbers ("1 200" in
French, "1,200" in English), days and source names."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask_babel import format_date, format_decimal

from intranet.inbox.rules.labels import source_label


def number(value: int | float | None) -> str:
    return format_decimal(value or 0)


def day_label(value: str) -> str:
    """An ISO day (the dashboard's local days) as the reader writes dates: "7 déc. 2026"."""
    return format_date(date.fromisoformat(value), "medium")


def register(app: Flask) -> None:
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["source_label"] = source_label
    app.jinja_env.filters["day_label"] = day_label
