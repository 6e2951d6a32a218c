"""Request arguments -> filters, and results -> what pages and the API show (names, links).

Facet values are ids in the index; their names are read here from the database, only for the
values that survived the ACL (so a facet can never name a group the reader cannot read).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CompoundSelect, bindparam, literal, select, union_all

from intranet.models import Department, Group, User
from intranet.platform import db
from intranet.platform.errors import Invalid
from intranet.platform.inputs import parse_int
from intranet.search.query.search import PERIODS, SORTS, Filters, Result
from intranet.search.registry import KINDS, Item

ARGS = ("q", "type", "group", "department", "author", "date", "sort")
PERIOD_LABELS = {"week": _l("Past week"), "month": _l("Past month"), "year": _l("Past year"),
                 "older": _l("Older")}
TOP = 8
NAMED = {"group": Group, "department": Department, "author": User}  # facets named from the DB
# (facet, query-string argument, label): labels are translated only for facets that are shown
FACET_SPEC = (("kind", "type", _l("Type")), ("group", "group", _l("Group")),
              ("department", "department", _l("Department")), ("author", "author", _l("Author")),
              ("period", "date", _l("Date")))


def _int_arg(args: Any, name: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    value = parse_int(raw)
    if value is None:
        raise Invalid(_("%(name)s must be a whole number.", name=name), field=name)
    return value


def filters_from(args: Any) -> tuple[Filters, str]:
    """Filters and sort from query-string arguments; bad values are a clear 400."""
    kind = (args.get("type") or "").strip() or None
    if kind is not None and kind not in KINDS:
        raise Invalid(_("Unknown type of result."), field="type")
    period = (args.get("date") or "").strip() or None
    if period is not None and period not in PERIODS:
        raise Invalid(_("Unknown period."), field="date")
    sort = (args.get("sort") or "relevance").strip()
    if sort not in SORTS:
        raise Invalid(_("Sort by relevance or newest."), field="sort")
    return Filters(kind=kind, group=_int_arg(args, "group"),
                   department=_int_arg(args, "department"), author=_int_arg(args, "author"),
                   period=period), sort


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    arg: str  # query-string argument
    label: str
    values: list[FacetValue]


def _names(top: dict[str, dict[str, int]]) -> dict[str, dict[str, str]]:
    """Names of the listed groups, departments and authors, in one built-once query."""
    params = {name: [n for i in top[name] if (n := parse_int(i)) is not None] for name in NAMED}
    out: dict[str, dict[str, str]] = {name: {} for name in NAMED}
    if any(params.values()):
        for facet, oid, label in db.read(_names_statement(), params):
            out[facet][str(oid)] = label
    return out


@lru_cache(maxsize=1)
def _names_statement() -> CompoundSelect:
    return union_all(*(select(literal(name), model.id, model.name).where(
        model.id.in_(bindparam(name, expanding=True))) for name, model in NAMED.items()))


def facets_of(result: Result, args: Any) -> list[Facet]:
    """The facet lists of a results page, most frequent first, the chosen value marked."""
    f = result.facets
    if not result.total and not f.counted():
        return []
    top = {name: dict(f.most_common(name, TOP)) for name in f}  # value -> count, most first
    names = {
        "kind": {k: str(KINDS[k].label) for k in top["kind"] if k in KINDS},
        **_names(top),
        "period": {k: str(PERIOD_LABELS[k]) for k in top["period"] if k in PERIOD_LABELS},
    }
    out = []
    for name, arg, label in FACET_SPEC:
        chosen = str(args.get(arg) or "")
        values = [FacetValue(v, names[name].get(v, v), n, v == chosen)
                  for v, n in top[name].items() if v in names[name]]
        if name == "period":
            values.sort(key=lambda fv: list(PERIOD_LABELS).index(fv.value))
        if values:
            out.append(Facet(arg, str(label), values))
    return out


def search_url(args: Any, **changes: Any) -> str:
    """The results page with these arguments changed (None removes one); paging restarts."""
    params = {k: args.get(k) for k in ARGS if args.get(k)}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return url_for("search.results", **params)


def kind_labels() -> dict[str, str]:
    return {name: str(kind.label) for name, kind in KINDS.items()}


def item_json(item: Item) -> dict[str, Any]:
    """The API's shape of a result."""
    return {"kind": item.kind, "id": item.id, "title": item.title,
            "snippet_html": str(item.snippet_html), "url": item.url,
            "created_at": item.created_at.isoformat()}
