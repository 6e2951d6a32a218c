"""Rendering the two pages a case shows on: its own page, and the work view (the list with the
case open beside it). Both the GET views and a refused form (re-shown with what was typed,
status 4xx) go through here, so a failed reply never loses the agent's text."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Response, make_response, render_template, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from intranet.inbox import access as access_inbox
from intranet.inbox.queries import case_page as inbox_case
from intranet.inbox.queries import cases as inbox_queries
from intranet.inbox.queries import workview as work_queries
from intranet.models import Case, User
from intranet.platform import db
from intranet.platform.errors import Invalid
from intranet.platform.inputs import parse_int
from intranet.views.common import safe_next


def case_context(user: User, item: Case, *, in_pane: bool, back: str) -> dict[str, Any]:
    return {**inbox_case.case_context(db.session(), user, item), "in_pane": in_pane, "back": back}


def render_case(user: User, item: Case, *, status: int = 200, **extra: Any) -> Response:
    context = case_context(user, item, in_pane=False, back=url_for("inbox.case", case_id=item.id))
    return make_response(render_template("inbox/case.html", **context, **extra), status)


def render_pane(user: User, item: Case, back: str | None) -> Response:
    back = back or url_for("inbox.index", case=item.id)
    return make_response(render_template("inbox/_pane.html", **case_context(user, item, in_pane=True,
                                                                          back=back)))


def open_case_arg(user: User, args: Any) -> Case | None:
    """``?case=<id>`` of the work view: the case to show beside the list (404 when not mine)."""
    raw = args.get("case") or ""
    if not raw:
        return None
    case_id = parse_int(raw, low=1)
    if case_id is None:
        raise Invalid(_("The case number must be a positive number."), field="case")
    return access_inbox.access_case(user, case_id)


def render_work(user: User, args: Any, item: Case | None, *, status: int = 200, **extra: Any) -> Response:
    """The list (its filters, my saved filters, bulk actions) and, when ``item``, the case."""
    services = access_inbox.require_inbox(user)
    filters = inbox_queries.parse_filters(args, services)
    s = db.session()
    context: dict[str, Any] = {
        "page": inbox_queries.case_page(s, user, filters), "filters": filters,
        "services": inbox_queries.services_named(s, services), "open_case": item,
        "saved": work_queries.saved_filters(s, user),
        "assignable": work_queries.assignable_people(s, access_inbox.inbox_services(user)),
        "here": url_for("inbox.index", **filters.args(), **({"case": item.id} if item else {})),
    }
    context["awaiting"] = work_queries.awaiting_approval(s, [c.id for c in context["page"].items])
    shown = {k: str(v) for k, v in filters.args().items()}
    context["current_filters"] = {f.id for f in context["saved"] if f.args == shown}
    if item is not None:
        context |= case_context(user, item, in_pane=True, back=context["here"])
    return make_response(render_template("inbox/index.html", **context, **extra), status)


def rerender(user: User, item: Case, next_value: Any, *, status: int, **extra: Any) -> Response:
    """A refused form, shown again where it was sent from (work view or case page)."""
    target = safe_next(next_value)
    parts = urlsplit(target or "")
    if target and parts.path == url_for("inbox.index"):
        return render_work(user, MultiDict(parse_qsl(parts.query)), item, status=status, **extra)
    return render_case(user, item, status=status, **extra)
