"""Make an inbox case a task: the inbox side of the core's tasks (the core never imports the
inbox). The form is the core's; the task links back to the case and the case page lists it.

The default title names the case, not the customer's words: those are redacted by retention in
the inbox, and a copy in a task would outlive it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from intranet import access
from intranet.actions.tasks import TaskSource, do_create_task
from intranet.inbox import access as access_inbox
from intranet.models import Group
from intranet.platform import db
from intranet.platform.errors import DomainError, Invalid
from intranet.platform.inputs import parse_int
from intranet.queries import tasks as task_queries
from intranet.views.common import done, form_data, me
from intranet.views.tasks import fields_of

bp = Blueprint("inbox_tasks", __name__, url_prefix="/inbox")


def _group(values: Any) -> Group | None:
    raw = values.get("group_id")
    if raw in (None, ""):
        return None
    group_id = parse_int(raw if isinstance(raw, int) and not isinstance(raw, bool) else str(raw), low=1)
    if group_id is None:
        raise Invalid(_("Choose the group the task belongs to."), field="group_id")
    return access.access_group_content(me(), group_id)


def _form(case_id: int, group: Group | None, status: int = 200, error: str = "",
          values: Any = None) -> Response:
    choices = task_queries.form_choices(db.session(), me(), group)
    return make_response(render_template(
        "tasks/form.html", group=group, choices=choices, source=True, task=None, error=error,
        values=values if values is not None else MultiDict({"title": _("Inbox case #%(id)s", id=case_id)}),
        form_action=url_for("inbox_tasks.create", case_id=case_id),
        chooser_action=url_for("inbox_tasks.new", case_id=case_id)), status)


@bp.get("/cases/<int:case_id>/task")
@login_required
def new(case_id: int) -> Response:
    case = access_inbox.access_case(me(), case_id)
    group = _group(request.args)
    if group is None and case.group_id is not None and case.group_id in access.memberships(me()):
        group = db.session.get(Group, case.group_id)  # the group the case was escalated to
    return _form(case.id, group)


@bp.post("/cases/<int:case_id>/task")
@login_required
def create(case_id: int) -> Response:
    user, data = me(), form_data()
    case = access_inbox.access_case(user, case_id)
    group = _group(data)
    if group is None:
        raise Invalid(_("Choose the group the task belongs to."), field="group_id")
    try:
        with db.transaction() as s:
            task = do_create_task(s, user, group, data.get("title"), source=TaskSource(case_id=case.id),
                                  **{k: v for k, v in fields_of(data).items() if k != "title"})
    except DomainError as exc:
        if not isinstance(data, MultiDict) or exc.status != 400:
            raise
        return _form(case.id, group, 400, exc.message, data)
    url = url_for("tasks.show", task_id=task.id)
    return done(_("The task is created."), url, status=201, id=task.id, url=url)
