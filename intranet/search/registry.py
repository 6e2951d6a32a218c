"""Plug-in points: which kinds of objects are indexed, and which principals a user holds.

Other areas add their own content without touching the search package::

    register_kind("message", build=..., all_ids=..., hydrate=..., label=lazy_gettext("Messages"))
    register_principals(lambda user: [f"c:{cid}" for cid in my_conversation_ids(user)])

``build(session, ids)`` returns ``{id: Doc}`` for the ids that should be in the index (a missing
id is deleted from it). ``hydrate(user, ids)`` returns ``{id: Item}`` ONLY for the objects the
user may open, read through access.py: the index narrows, access decides. Principal functions
must derive from the same access rules (never a second copy of who-reads-what).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import g, has_request_context
from sqlalchemy.orm import Session

from .schema import Doc


@dataclass
class Item:
    """A search result as pages and the API show it (built from the database, not the index)."""

    kind: str
    id: int
    title: str
    text: str  # plain text the snippet is cut from
    url: str
    created_at: dt.datetime
    author: Any = None  # has .id and .name: a User, or kinds.Person for posts (lighter)
    place: str = ""  # group name, or "" for the company feed
    place_url: str = ""
    department: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    snippet_html: str = ""


Builder = Callable[[Session, list[int]], dict[int, Doc]]
AllIds = Callable[[Session], Iterable[int]]
Hydrator = Callable[[Any, list[int]], dict[int, Item]]


@dataclass
class Kind:
    name: str
    build: Builder
    all_ids: AllIds
    hydrate: Hydrator
    label: Any  # translated (lazy) plural label for facets
    children: bool = False  # deleting one also deletes documents whose parent is it


KINDS: dict[str, Kind] = {}
_PRINCIPALS: list[Callable[[Any], Iterable[str]]] = []


def register_kind(kind: str, *, build: Builder, all_ids: AllIds, hydrate: Hydrator, label: Any,
                  children: bool = False) -> None:
    KINDS[kind] = Kind(kind, build, all_ids, hydrate, label, children)


def register_principals(fn: Callable[[Any], Iterable[str]]) -> None:
    if fn not in _PRINCIPALS:
        _PRINCIPALS.append(fn)


def principals_of(user: Any) -> set[str]:
    """Every ACL value the user holds right now (read at query time, so a departure counts).

    Remembered for the rest of the request only (a results page asks twice: results and
    who-knows); never across requests."""
    cache = g.setdefault("search_principals", {}) if has_request_context() else {}
    if user.id not in cache:
        out: set[str] = set()
        for fn in _PRINCIPALS:
            out.update(fn(user))
        cache[user.id] = out
    return cache[user.id]
