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

from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet.access import forget_memberships, memberships, remember_memberships
from intranet.access import version as access_version
from intranet.access.visibility import forget_scopes
from intranet.models import User
from intranet.platform import db
from intranet.search.index.schema import Doc


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


PRINCIPALS_CACHE = "intranet.search.principals"  # app.extensions: user id -> (version, set)
MEMBERSHIPS_CACHE = "intranet.search.memberships"  # user id -> (version, {group id: role})
KINDS: dict[str, Kind] = {}
_PRINCIPALS: list[Callable[[Any], Iterable[str]]] = []


def register_kind(kind: str, *, build: Builder, all_ids: AllIds, hydrate: Hydrator, label: Any,
                  children: bool = False) -> None:
    KINDS[kind] = Kind(kind, build, all_ids, hydrate, label, children)


def register_principals(fn: Callable[[Any], Iterable[str]]) -> None:
    if fn not in _PRINCIPALS:
        _PRINCIPALS.append(fn)


def principals_of(user: Any) -> set[str]:
    """Every ACL value the user holds right now (a departure counts at the next search).

    Remembered for the rest of the request (a results page asks twice: results and
    who-knows), and across requests under the access version (``access_version``), which
    every transaction changing memberships, groups, conversations or inbox roles moves."""
    cache = g.setdefault("search_principals", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = _versioned(user) if has_app_context() else _compute(user)
    return cache[user.id]


def _compute(user: Any) -> set[str]:
    out: set[str] = set()
    for fn in _PRINCIPALS:
        out.update(fn(user))
    return out


def _versioned(user: Any) -> frozenset[str]:
    """The principals cached for the current access version, or computed and cached.

    The version is read BEFORE computing, from fresh reads (the unit of work's cached
    memberships and services are dropped first, and the user's admin flag is read again): a
    change that commits after the version was read moves it again, so a stale set is never
    stored under a version that is still current.
    The memberships read with them are kept too, under the same version: hydration checks
    each result against them (``access.mine_params``) in the same request."""
    cached: dict[int, tuple[int, frozenset[str]]] = current_app.extensions.setdefault(
        PRINCIPALS_CACHE, {})
    roles: dict[int, tuple[int, dict]] = current_app.extensions.setdefault(MEMBERSHIPS_CACHE, {})
    now = access_version.version(db.session)
    found, mine = cached.get(user.id), roles.get(user.id)
    if found is not None and found[0] == now:
        if mine is not None and mine[0] == now:
            remember_memberships(user, mine[1])
        return found[1]
    forget_memberships()
    forget_scopes()
    is_admin = db.session.scalar(select(User.is_admin).where(User.id == user.id))
    out = frozenset(_compute(user))
    if is_admin == user.is_admin:  # else the object is older than the version: do not keep
        cached[user.id] = (now, out)
        roles[user.id] = (now, dict(memberships(user)))
    return out
