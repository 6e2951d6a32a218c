"""Search: ``GET /api/v1/search?q=&type=&limit=&cursor=`` (plus the page's other filters)."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_login import login_required

from intranet.search.query.present import facets_of, filters_from, item_json
from intranet.search.query.search import search
from intranet.views.api import bp
from intranet.views.api.params import me, query_int


@bp.get("/search")
@login_required
def search_items() -> Response:
    """Results the reader may open, newest-N bounded, with facets over permitted matches only."""
    filters, sort = filters_from(request.args)
    limit = query_int("limit", default=20, low=1, high=100)
    result = search(me(), request.args.get("q", ""), filters, sort, request.args.get("cursor"),
                    limit=limit)
    facets = {f.arg: [{"value": v.value, "label": v.label, "count": v.count} for v in f.values]
              for f in facets_of(result, request.args)}
    return jsonify({"items": [item_json(i) for i in result.items], "facets": facets,
                    "total": result.total, "truncated": result.truncated,
                    "next_cursor": result.next_cursor, "notes": result.notes})
