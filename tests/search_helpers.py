"""Search as a given person, inside an app context, the way the views call it."""

from __future__ import annotations

from typing import Any

from flask import Flask

from intranet.models import User
from intranet.platform import db
from intranet.search.query.search import Filters, Result, search


def search_as(app: Flask, user: Any, q: str, **kw: Any) -> Result:
    filters = kw.pop("filters", None) or Filters()
    with app.app_context():
        reader = db.session.get(User, user.id)
        return search(reader, q, filters, **kw)


def keys(result: Result) -> list[tuple[str, int]]:
    return [(i.kind, i.id) for i in result.items]


def found(app: Flask, user: Any, q: str, **kw: Any) -> set[tuple[str, int]]:
    return set(keys(search_as(app, user, q, **kw)))
