"""Tasks and group file libraries in the API: list and create a group's tasks, read, change and
remove one task, list (and upload to) a group's library. Documented in ``openapi/tasks.py``."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from intranet import access
from intranet.actions import library as library_actions
from intranet.actions import tasks as task_actions
from intranet.actions.files import Upload
from intranet.actions.tasks import TaskSource
from intranet.models import Attachment, LibraryFile, LibraryFolder, Task
from intranet.platform import db, files
from intranet.platform.errors import Invalid
from intranet.platform.inputs import parse_int
from intranet.platform.web import json_body
from intranet.queries import library as library_queries
from intranet.queries import tasks as task_queries
from intranet.views.api import bp
from intranet.views.api.openapi import tasks as _document  # noqa: F401  (registers the paths)
from intranet.views.api.params import integer, me, query_int
from intranet.views.api.serializers import group_ref, iso, user_ref

FIELDS = ("title", "body", "assignee_ids", "service_group_id", "due_on", "checklist", "labels")
STATUS_FILTER = ("open", "in_progress", "done")


def task_json(task: Task) -> dict[str, Any]:
    return {
        "id": task.id, "group": group_ref(task.group), "title": task.title, "body": task.body,
        "html": task.html, "status": task.status.value,
        "assignees": [user_ref(a.user) for a in task.assignees], "service": group_ref(task.service_group),
        "due_on": task.due_on.isoformat() if task.due_on else None, "labels": list(task.labels or []),
        "checklist": [{"id": i.id, "text": i.text, "done": i.done} for i in task.checklist],
        "overdue": task_queries.is_overdue(task),
        "source": {k: getattr(task, k) for k in ("post_id", "comment_id", "message_id", "case_id")},
        "creator": user_ref(task.creator) if task.creator else None,
        "created_at": iso(task.created_at), "updated_at": iso(task.updated_at),
        "url": url_for("tasks.show", task_id=task.id),
    }


@bp.get("/groups/<int:group_id>/tasks")
@login_required
def group_tasks(group_id: int) -> Response:
    group = access.access_group_content(me(), group_id)
    wanted = request.args.get("status", "")
    if wanted and wanted not in STATUS_FILTER:
        raise Invalid(_("The status must be open, in_progress or done."), field="status")
    tasks = task_queries.group_tasks(db.session(), group, full=True)
    return jsonify(items=[task_json(t) for t in tasks if not wanted or t.status.value == wanted])


@bp.post("/groups/<int:group_id>/tasks")
@login_required
def group_task_create(group_id: int) -> tuple[Response, int, dict]:
    user, data = me(), json_body()
    group = access.access_group_content(user, group_id)
    source = _source(data)
    with db.transaction() as s:
        task = task_actions.do_create_task(s, user, group, data.get("title"), source=source,
                                           **{k: data[k] for k in FIELDS if k in data and k != "title"})
    return jsonify(task_json(task)), 201, {"Location": url_for(".task", task_id=task.id)}


def _source(data: dict[str, Any]) -> TaskSource | None:
    """A source named by id, fetched through access (one at most)."""
    named = {k: integer(data, k) for k in ("post_id", "comment_id", "message_id")}
    named = {k: v for k, v in named.items() if v is not None}
    if len(named) > 1:
        raise Invalid(_("Name one source at most."), field=next(iter(named)))
    user = me()
    if "post_id" in named:
        return TaskSource(post_id=access.access_post(user, named["post_id"]).id)
    if "comment_id" in named:
        return TaskSource(comment_id=access.access_comment(user, named["comment_id"]).id)
    if "message_id" in named:
        return TaskSource(message_id=access.access_message(user, named["message_id"]).id)
    return None


@bp.get("/tasks/<int:task_id>")
@login_required
def task(task_id: int) -> Response:
    return jsonify(task_json(access.access_task(me(), task_id)))


@bp.patch("/tasks/<int:task_id>")
@login_required
def task_edit(task_id: int) -> Response:
    """The fields sent change; ``status`` moves it on the board."""
    user, data = me(), json_body()
    item = access.access_task(user, task_id)
    with db.transaction() as s:
        if "status" in data:
            task_actions.do_set_status(s, user, item, data["status"])
        fields = {k: data[k] for k in FIELDS if k in data and k != "checklist"}
        if fields or "status" not in data:
            task_actions.do_update_task(s, user, item, fields)
    return jsonify(task_json(item))


@bp.delete("/tasks/<int:task_id>")
@login_required
def task_delete(task_id: int) -> tuple[str, int]:
    item = access.access_task(me(), task_id)
    with db.transaction() as s:
        task_actions.do_delete_task(s, me(), item)
    return "", 204


def file_json(item: LibraryFile, versions: int = 1) -> dict[str, Any]:
    return {"id": item.id, "filename": item.filename, "content_type": item.content_type, "size": item.size,
            "version": item.version, "versions": versions, "folder_id": item.folder_id,
            "uploader": user_ref(item.uploader) if item.uploader else None,
            "created_at": iso(item.created_at),
            "url": url_for("library.download", file_id=item.id)}


def folder_json(folder: LibraryFolder) -> dict[str, Any]:
    return {"id": folder.id, "name": folder.name, "parent_id": folder.parent_id,
            "created_at": iso(folder.created_at)}


def shared_json(a: Attachment) -> dict[str, Any]:
    return {"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size,
            "post_id": a.post_id, "uploader": user_ref(a.uploader) if a.uploader else None,
            "created_at": iso(a.created_at), "url": url_for("files.download", attachment_id=a.id)}


@bp.get("/groups/<int:group_id>/files")
@login_required
def group_files(group_id: int) -> Response:
    user = me()
    group = access.access_group_content(user, group_id)
    folder = access.access_library_folder(user, group, query_int("folder", low=1))
    s = db.session()
    listing = library_queries.listing(s, group, folder)
    shared = library_queries.shared_files(s, group) if folder is None else []
    return jsonify(folder=folder_json(folder) if folder else None,
                   path=[folder_json(f) for f in listing.path],
                   folders=[folder_json(f) for f in listing.folders],
                   files=[file_json(f, listing.versions[f.id]) for f in listing.files],
                   shared=[shared_json(a) for a in shared])


@bp.post("/groups/<int:group_id>/files")
@login_required
def group_file_upload(group_id: int) -> tuple[Response, int]:
    """multipart/form-data: ``file`` (one), ``folder_id`` (optional)."""
    user = me()
    group = access.access_group_content(user, group_id)
    raw = (request.form.get("folder_id") or "").strip()
    folder_id = parse_int(raw, low=1) if raw else None
    if raw and folder_id is None:
        raise Invalid(_("%(name)s must be a positive number.", name="folder_id"), field="folder_id")
    folder = access.access_library_folder(user, group, folder_id)
    sent = [f for f in request.files.getlist("file") if f.filename]
    if len(sent) != 1:
        raise Invalid(_("Choose one file to upload."), field="file")
    data = files.read_limited(sent[0].stream, current_app.config["MAX_ATTACHMENT_BYTES"])
    with db.transaction() as s:
        item = library_actions.do_upload(s, user, group, folder, Upload(sent[0].filename or "", data))
    return jsonify(file_json(item, item.version)), 201
