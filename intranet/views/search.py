"""The results page, "who knows", and name suggestions for mentions and group pickers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request
from flask_login import login_required

from intranet.search.query.people import suggest, who_knows
from intranet.search.query.present import facets_of, filters_from, kind_labels, search_url
from intranet.search.query.search import PAGE, search
from intranet.search.text.querylang import QuerySyntaxError
from intranet.views.common import me

bp = Blueprint("search", __name__)
SUGGEST_KINDS = {"person": ("person",), "group": ("group",), "": ("person", "group")}


@bp.route("/search", methods=["GET"])
@login_required
def results() -> Any:
    user, args = me(), request.args
    q = args.get("q", "").strip()
    page = {"q": q, "args": args, "result": None, "experts": [], "facets": [], "error": None,
            "search_url": search_url, "kind_labels": kind_labels(), "sort": "relevance"}
    if not q:
        return render_template("search/results.html", **page)
    filters, sort = filters_from(args)
    try:
        result = search(user, q, filters, sort, args.get("cursor"))
        experts = who_knows(user, q) if filters.kind in (None, "person") and not args.get("cursor") else []
    except QuerySyntaxError as exc:
        return render_template("search/results.html", **{**page, "error": exc}), 400
    offset = int(args.get("cursor") or 0)
    return render_template("search/results.html", **{
        **page, "result": result, "experts": experts, "facets": facets_of(result, args),
        "sort": sort, "offset": offset, "prev_cursor": str(max(0, offset - PAGE)) if offset else None})


@bp.route("/search/suggest", methods=["GET"])
@login_required
def suggestions() -> Any:
    """``?q=al&kind=person|group``: names for the ``@`` autocomplete and group pickers."""
    kinds = SUGGEST_KINDS.get(request.args.get("kind", ""), SUGGEST_KINDS[""])
    items = suggest(me(), request.args.get("q", ""), kinds)
    return jsonify({"items": [{
        "kind": i.kind, "id": i.id, "label": i.title, "url": i.url,
        "handle": i.extra.get("username") or i.extra.get("slug") or "",
        "detail": i.extra.get("job_title") or i.department or "",
    } for i in items]})
