"""Task pages: a group's Tasks tab (board and list), "My tasks", one task, the task form, and
every change (as plain forms, and as JSON for the board's script).

"Make it a task" from a post, a comment or a message opens the form with ``post_id``,
``comment_id`` or ``message_id``: the source is fetched through access, its text offered as
the title, and the new task keeps the link. The inbox has its own entry for cases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, g, make_response, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from intranet import access
from intranet.actions import tasks as task_actions
from intranet.actions.tasks import TaskSource
from intranet.models import Group, Task, User
from intranet.platform import db
from intranet.platform.errors import DomainError, Invalid
from intranet.platform.i18n import request_translations
from intranet.platform.inputs import parse_int
from intranet.platform.sanitize import index_text
from intranet.queries import tasks as task_queries
from intranet.views.common import back_url, done, form_data, me, refused, truthy
from intranet.views.posts import remember_last_event

bp = Blueprint("tasks", __name__)
SOURCE_KEYS = ("post_id", "comment_id", "message_id")
MINE_DONE = 20  # "Recently done" on "My tasks"


def _id_arg(values: Any, name: str) -> int | None:
    raw = values.get(name)
    if raw in (None, ""):
        return None
    value = parse_int(raw if isinstance(raw, int) and not isinstance(raw, bool) else str(raw), low=1)
    if value is None:
        raise Invalid(_("%(name)s must be a positive number.", name=name), field=name)
    return value


def source_of(values: Any) -> tuple[TaskSource | None, str, Group | None]:
    """The source named in ``values`` (fetched through access), a title taken from its text,
    and the group it lives in (None: the company feed or a conversation)."""
    user = me()
    if (post_id := _id_arg(values, "post_id")) is not None:
        post = access.access_post(user, post_id)
        return TaskSource(post_id=post.id), index_text(post.html), post.group
    if (comment_id := _id_arg(values, "comment_id")) is not None:
        comment = access.access_comment(user, comment_id)
        return TaskSource(comment_id=comment.id), index_text(comment.html), comment.post.group
    if (message_id := _id_arg(values, "message_id")) is not None:
        message = access.access_message(user, message_id)
        return TaskSource(message_id=message.id), index_text(message.body_html), None
    return None, "", None


def fields_of(data: Any) -> dict[str, Any]:
    """The task fields from a browser form (lists as repeated fields, a checklist as lines,
    labels as commas) or from JSON (lists as lists)."""
    if not isinstance(data, MultiDict):
        return {k: data[k] for k in ("title", "body", "assignee_ids", "service_group_id", "due_on",
                                     "checklist", "labels") if k in data}
    out: dict[str, Any] = {k: data.get(k, "") for k in ("title", "body", "due_on")}
    ids = [parse_int(v, low=1) for v in data.getlist("assignee_ids") if v]
    if None in ids:
        raise Invalid(_("Assignees must be a list of people."), field="assignee_ids")
    out["assignee_ids"] = ids
    out["service_group_id"] = _id_arg(data, "service_group_id")
    out["checklist"] = [line for line in data.get("checklist", "").splitlines() if line.strip()]
    out["labels"] = [w for w in data.get("labels", "").split(",") if w.strip()]
    return out


def _form(status: int = 200, *, group: Group | None, error: str = "", values: Any = None,
          task: Task | None = None) -> Response:
    source, title, source_group = source_of(request.values) if task is None else (None, "", None)
    group = group or source_group
    choices = task_queries.form_choices(db.session(), me(), group)
    if group is not None and not any(g.id == group.id for g in choices.groups):
        group = None if task is None else group
    return make_response(render_template(
        "tasks/form.html", group=group, choices=choices, source=source, task=task, error=error,
        values=values if values is not None else MultiDict({"title": title[:200]})), status)


def linked_tasks(kind: str, object_id: int) -> list[Task]:
    """For the pages of posts, conversations and inbox cases: tasks made from them that the
    reader may open (the other direction of the link)."""
    s, user = db.session(), me()
    if kind == "post":
        return task_queries.linked_to_post(s, user, object_id)
    if kind == "conversation":
        return task_queries.linked_to_conversation(s, user, object_id)
    return task_queries.linked_to_case(s, user, object_id)


@bp.app_context_processor
def _task_links() -> dict[str, Any]:
    return {"linked_tasks": linked_tasks}


def _words_memo() -> dict[str, Any]:
    """This request's translated task words, started again if the language changed meanwhile."""
    translations = request_translations()
    memo = g.get("task_words")
    if memo is None or memo["of"] is not translations:
        memo = g.task_words = {"of": translations, "dates": {}, "words": {
            "open": _("To do"), "in_progress": _("In progress"), "done": _("Done"),
            "left": _("Move left (Alt+←)"), "right": _("Move right (Alt+→)")}}
    return memo


@bp.app_template_global()
def task_words() -> dict[str, str]:
    """The names of the columns and the move buttons' titles, translated once per request: a
    board of 500 cards asked for them 2,000 times."""
    return _words_memo()["words"]


@bp.app_template_global()
def task_due_date(day: dt.date) -> str:
    """A due date in the reader's words, formatted once per date and request (Babel's formatting
    was a tenth of a 500-card board; its tasks share a few dozen dates)."""
    dates = _words_memo()["dates"]
    if day not in dates:
        dates[day] = format_date(day, "medium")
    return dates[day]


@bp.route("/tasks/new", methods=["GET"])
@login_required
def new() -> Response:
    group_id = _id_arg(request.args, "group_id")
    group = access.access_group_content(me(), group_id) if group_id else None
    return _form(group=group)


@bp.route("/tasks", methods=["POST"])
@login_required
def create() -> Response:
    user, data = me(), form_data()
    group_id = _id_arg(data, "group_id")
    if group_id is None:
        raise Invalid(_("Choose the group the task belongs to."), field="group_id")
    group = access.access_group_content(user, group_id)
    source = source_of(data)[0]
    try:
        with db.transaction() as s:
            task = task_actions.do_create_task(s, user, group, data.get("title"), source=source,
                                               **{k: v for k, v in fields_of(data).items() if k != "title"})
    except DomainError as exc:
        if not isinstance(data, MultiDict) or exc.status != 400:
            raise
        return _form(400, group=group, error=exc.message, values=data)
    url = url_for("tasks.show", task_id=task.id)
    return done(_("The task is created."), url, status=201, id=task.id, url=url)


@bp.route("/tasks", methods=["GET"])
@login_required
def mine() -> str:
    remember_last_event()
    s, user = db.session(), me()
    return render_template("tasks/mine.html", tasks=task_queries.my_tasks(s, user),
                           finished=task_queries.my_tasks(s, user, done=True)[:MINE_DONE],
                           limit=task_queries.MY_LIMIT, done_limit=MINE_DONE, today=task_queries.today())


@bp.route("/groups/<int:group_id>/tasks", methods=["GET"])
@login_required
def group(group_id: int) -> str:
    user = me()
    grp = access.access_group_content(user, group_id)
    remember_last_event()
    label = request.args.get("label", "").strip().lower()[:40]
    tasks = task_queries.group_tasks(db.session(), grp, label=label)
    view = "list" if request.args.get("view") == "list" else "board"
    changeable = {t.id for t in tasks if access.can_change_task(user, t)}
    progress = task_queries.progress(db.session(), tasks) if view == "board" else {}
    return render_template("tasks/group.html", group=grp, view=view, tasks=tasks, label=label,
                           columns=task_queries.board(tasks), today=task_queries.today(),
                           changeable=changeable, progress=progress,
                           can_create=access.is_member(user, grp) or user.is_admin)


@bp.route("/tasks/<int:task_id>", methods=["GET"])
@login_required
def show(task_id: int) -> str:
    user = me()
    task = access.access_task(user, task_id)
    remember_last_event()
    return render_template("tasks/show.html", task=task, history=task_queries.history(db.session(), task),
                           source=source_link(user, task),
                           today=task_queries.today(), can_change=access.can_change_task(user, task),
                           can_delete=task.creator_id == user.id or access.can_manage_group(user, task.group))


def source_link(user: User, task: Task) -> tuple[str, str | None] | None:
    """What the task was made from, in words, with a link only when the reader may open it."""
    try:
        if task.post_id:
            post = access.access_post(user, task.post_id)
            return _("Made from a post"), url_for("posts.show", post_id=post.id)
        if task.comment_id:
            comment = access.access_comment(user, task.comment_id)
            anchor = f"#comment-{comment.id}"
            return _("Made from a comment"), url_for("posts.show", post_id=comment.post_id) + anchor
        if task.message_id:
            msg = access.access_message(user, task.message_id)
            return _("Made from a message"), url_for("messages.show", conversation_id=msg.conversation_id)
    except DomainError:
        return _("Made from something you cannot open"), None
    if task.case_id:
        return _("Made from inbox case #%(id)s", id=task.case_id), f"/inbox/cases/{task.case_id}"
    return None


@bp.route("/tasks/<int:task_id>/card", methods=["GET"])
@login_required
def card(task_id: int) -> Response | str:
    """The board card (or the list row with ``?as=row``, or the "My tasks" row with ``?as=mine``:
    204 when the task is not, or no longer, given to me) our live script puts in place."""
    user = me()
    task = access.access_task(user, task_id)
    if request.args.get("as") == "mine":
        if not access.is_assigned_to(user, task):
            return Response(status=204)
        return render_template("tasks/_mine_row.html", task=task, today=task_queries.today())
    template = "tasks/_row.html" if request.args.get("as") == "row" else "tasks/_card.html"
    return render_template(template, task=task, today=task_queries.today(),
                           progress=task_queries.progress(db.session(), [task]).get(task.id),
                           can_change=access.can_change_task(user, task))


def _change(task_id: int, change: Any, message: str | None) -> Response:
    user = me()
    task = access.access_task(user, task_id)
    target = url_for("tasks.show", task_id=task.id)
    try:
        with db.transaction() as s:
            change(s, user, task)
    except DomainError as exc:
        return refused(exc, target)
    return done(message, back_url(target), id=task.id, state=task.status.value)


@bp.route("/tasks/<int:task_id>/status", methods=["POST"])
@login_required
def status(task_id: int) -> Response:
    value = form_data().get("status")
    return _change(task_id, lambda s, u, t: task_actions.do_set_status(s, u, t, value),
                   _("The task is moved."))


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit(task_id: int) -> Response:
    user = me()
    task = access.access_task(user, task_id)
    task_actions.require_change(user, task)
    if request.method == "GET":
        return _form(group=task.group, task=task, values=_values_of(task))
    data = form_data()
    try:
        with db.transaction() as s:
            task_actions.do_update_task(s, user, task, fields_of(data))
    except DomainError as exc:
        if not isinstance(data, MultiDict) or exc.status != 400:
            raise
        return _form(400, group=task.group, task=task, error=exc.message, values=data)
    return done(_("The task is saved."), url_for("tasks.show", task_id=task.id), id=task.id)


def _values_of(task: Task) -> MultiDict:
    due = task.due_on.isoformat() if task.due_on else ""
    pairs = [("title", task.title), ("body", task.body), ("due_on", due),
             ("labels", ", ".join(task.labels or [])), ("service_group_id", str(task.service_group_id or ""))]
    pairs += [("assignee_ids", str(a.user_id)) for a in task.assignees]
    return MultiDict(pairs)


@bp.route("/tasks/<int:task_id>/checklist", methods=["POST"])
@login_required
def add_item(task_id: int) -> Response:
    text = form_data().get("text")
    return _change(task_id, lambda s, u, t: task_actions.do_add_item(s, u, t, text), None)


@bp.route("/tasks/<int:task_id>/checklist/<int:item_id>", methods=["POST"])
@login_required
def check_item(task_id: int, item_id: int) -> Response:
    checked = truthy(form_data().get("done"))
    return _change(task_id, lambda s, u, t: task_actions.do_check_item(s, u, t, item_id, checked), None)


@bp.route("/tasks/<int:task_id>/delete", methods=["POST"])
@login_required
def delete(task_id: int) -> Response:
    user = me()
    task = access.access_task(user, task_id)
    target = url_for("tasks.group", group_id=task.group_id)
    try:
        with db.transaction() as s:
            task_actions.do_delete_task(s, user, task)
    except DomainError as exc:
        return refused(exc, url_for("tasks.show", task_id=task_id))
    return done(_("The task is removed."), target)
