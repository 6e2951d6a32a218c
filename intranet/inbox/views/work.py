"""The work view: the case list with the open case beside it, bulk actions, saved filters.

Without script every part is a link or a form (``/inbox?case=<id>`` opens a case beside the
list; each form comes back here); ``static/js/workview.js`` adds the pane that opens without a
reload, keyboard shortcuts and the selection bar.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from intranet.inbox import access as access_inbox
from intranet.inbox.actions import workview as work_actions
from intranet.inbox.queries import cases as inbox_queries
from intranet.inbox.views import pages
from intranet.inbox.views.cases import bp
from intranet.platform import db
from intranet.platform.errors import DomainError, Invalid
from intranet.platform.inputs import parse_int
from intranet.platform.web import wants_json
from intranet.views.common import done, form_data, me, refused, safe_next
from intranet.views.posts import remember_last_event


@bp.get("")
@login_required
def index() -> Any:
    user = me()
    access_inbox.require_inbox(user)
    remember_last_event()
    return pages.render_work(user, request.args, pages.open_case_arg(user, request.args))


@bp.get("/cases/<int:case_id>/pane")
@login_required
def pane(case_id: int) -> Any:
    """The case for the work view's detail pane (a fragment; the script swaps it in)."""
    user = me()
    item = access_inbox.access_case(user, case_id)
    return pages.render_pane(user, item, safe_next(request.args.get("back")))


def _ids(data: Any) -> list[int]:
    raw = data.getlist("case_id") if hasattr(data, "getlist") else data.get("case_id")
    raw = raw if isinstance(raw, list) else [] if raw is None else [raw]
    ids = [parse_int(str(v), low=1) for v in raw]
    if any(i is None for i in ids):
        raise Invalid(_("Case numbers must be positive numbers."), field="case_id")
    return [i for i in ids if i is not None]


def _fields(data: Any) -> dict[str, Any]:
    """A form's single values or a JSON object, as one plain dict."""
    return data.to_dict() if hasattr(data, "to_dict") else dict(data)


@bp.post("/bulk")
@login_required
def bulk() -> Response:
    """Assign, change the status of, or ignore the selected cases, each on its own."""
    user, data = me(), form_data()
    target = safe_next(data.get("next")) or url_for("inbox.index")
    access_inbox.require_inbox(user)
    try:
        ids, change = _ids(data), work_actions.bulk_change(user, _fields(data))
        if not ids:
            raise Invalid(_("Select at least one case."), field="case_id")
        if len(ids) > (most := work_actions.MAX_BULK):
            raise Invalid(_("Select at most %(n)s cases at a time.", n=most), field="case_id")
    except DomainError as exc:
        return refused(exc, target)
    changed, refusals = _apply(user, ids, change)
    if not wants_json():
        for case_id, reason in refusals.items():
            flash(_("Case #%(id)s: %(reason)s", id=case_id, reason=reason), "error")
    message = ngettext("%(num)d case changed.", "%(num)d cases changed.", len(changed))
    return done(message, target, changed=changed, refused={str(k): v for k, v in refusals.items()})


def _apply(user: Any, ids: list[int], change: Any) -> tuple[list[int], dict[int, str]]:
    """One transaction per case: a refused case never undoes the others."""
    changed: list[int] = []
    refusals: dict[int, str] = {}
    for case_id in dict.fromkeys(ids):
        try:
            item = access_inbox.access_case(user, case_id)
            with db.transaction() as s:
                change(s, item)
            changed.append(case_id)
        except DomainError as exc:
            refusals[case_id] = exc.message
    return changed, refusals


@bp.post("/filters")
@login_required
def save_filter() -> Response:
    """Save the list's current filters under a name (the same name replaces them)."""
    user, data = me(), form_data()
    services = access_inbox.require_inbox(user)
    target = url_for("inbox.index")
    try:
        filters = inbox_queries.parse_filters(data, services)
        target = url_for("inbox.index", **filters.args())
        with db.transaction() as s:
            saved = work_actions.do_save_filter(s, user, data.get("name"), filters.args())
            payload = {"id": saved.id, "name": saved.name, "args": saved.args}
    except DomainError as exc:
        return refused(exc, target)
    return done(_("The filter “%(name)s” is saved.", name=payload["name"]), target, status=201, **payload)


@bp.post("/filters/<int:filter_id>/delete")
@login_required
def delete_filter(filter_id: int) -> Response:
    user = me()
    access_inbox.require_inbox(user)
    target = safe_next(form_data().get("next")) or url_for("inbox.index")
    try:
        with db.transaction() as s:
            work_actions.do_delete_filter(s, user, filter_id)
    except DomainError as exc:
        return refused(exc, target)
    return done(_("The saved filter is deleted."), target)
