"""Template filters of the inbox pages that need the reader's language: numbers ("1 200" in
French, "1,200" in English) and source names."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal

from intranet.inbox.rules.labels import source_label


def number(value: int | float | None) -> str:
    return format_decimal(value or 0)


def register(app: Flask) -> None:
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["source_label"] = source_label
