"""The OpenAPI part of tasks and group file libraries, joined to the document by ``register``."""

from __future__ import annotations

from typing import Any

from intranet.views.api.openapi.document import op, register, write
from intranet.views.api.openapi.schemas import (
    BOOL,
    ID,
    ID_OR_NULL,
    INT,
    INT_OR_NULL,
    STR,
    TIME,
    array,
    enum,
    ids,
    nullable,
    obj,
    ref,
    text,
)

STATUS = enum("open", "in_progress", "done")
DATE = {"type": "string", "format": "date", "description": "`YYYY-MM-DD`, years 2000-2100."}
DATE_OR_NULL = {**DATE, "type": ["string", "null"]}
LABEL = {"type": "string", "maxLength": 40, "pattern": r"^#?\s*[\w][\w\- ]*\s*$"}
FIELDS: dict[str, Any] = {
    "title": text(200),
    "body": text(20_000, required=False, description="Markdown; sanitized once on write."),
    "assignee_ids": ids(max_items=20, description="People who may read the group (else 400)."),
    "service_group_id": {**ID_OR_NULL, "description": "A department's group: the service asked."},
    "due_on": DATE_OR_NULL,
    "labels": {"type": "array", "items": LABEL, "maxItems": 10},
}
SCHEMAS: dict[str, Any] = {
    "Task": obj({
        "id": INT, "group": ref("GroupRef"), "title": STR, "body": STR,
        "html": {**STR, "description": "The description, rendered and sanitized."},
        "status": STATUS, "assignees": array(ref("UserRef")), "service": nullable("GroupRef"),
        "due_on": {"type": ["string", "null"], "format": "date"}, "labels": array(STR),
        "checklist": array(obj({"id": INT, "text": STR, "done": BOOL})),
        "overdue": {**BOOL, "description": "Not done and past its due date, in the reader's time "
                                           "zone (`timezone` of `/me`, else the company's)."},
        "source": obj({"post_id": INT_OR_NULL, "comment_id": INT_OR_NULL, "message_id": INT_OR_NULL,
                       "case_id": INT_OR_NULL}, description="What it was made from (each may be null)."),
        "creator": nullable("UserRef"), "created_at": TIME, "updated_at": TIME, "url": STR,
    }),
    "TaskList": obj({"items": array(ref("Task"))}),
    "TaskCreate": obj({
        **FIELDS,
        "checklist": {"type": "array", "items": text(300), "maxItems": 50},
        "post_id": ID, "comment_id": ID, "message_id": ID,
    }, optional=("body", "assignee_ids", "service_group_id", "due_on", "labels", "checklist", "post_id",
                 "comment_id", "message_id"),
        description="At most one of `post_id`, `comment_id`, `message_id`: the source it links back "
                    "to (one I may open, else 404)."),
    "TaskUpdate": obj({**FIELDS, "status": STATUS}, optional=(*FIELDS, "status"),
                      description="Only the fields sent change; `status` moves it on the board."),
    "LibraryFolder": obj({"id": INT, "name": STR, "parent_id": INT_OR_NULL, "created_at": TIME}),
    "LibraryFile": obj({
        "id": INT, "filename": STR, "content_type": STR, "size": INT,
        "version": {**INT, "description": "1 for the first upload of a name in its folder."},
        "versions": INT, "folder_id": INT_OR_NULL, "uploader": nullable("UserRef"), "created_at": TIME,
        "url": STR,
    }),
    "SharedFile": obj({"id": INT, "filename": STR, "content_type": STR, "size": INT, "post_id": INT,
                       "uploader": nullable("UserRef"), "created_at": TIME, "url": STR}),
    "LibraryListing": obj({
        "folder": nullable("LibraryFolder"), "path": array(ref("LibraryFolder")),
        "folders": array(ref("LibraryFolder")), "files": array(ref("LibraryFile")),
        "shared": {**array(ref("SharedFile")),
                   "description": "Files shared on the group's posts (at the library's top only)."},
    }),
    "LibraryUpload": obj({"file": {"type": "string", "contentMediaType": "application/octet-stream"},
                          "folder_id": {"type": "string", "pattern": "^[0-9]{1,10}$"}},
                         optional=("folder_id",)),
}
PARAMETERS: dict[str, Any] = {
    "TaskStatus": {"name": "status", "in": "query", "schema": STATUS, "description": "Only this column."},
    "LibraryFolderId": {"name": "folder", "in": "query", "schema": ID,
                        "description": "A folder of this group's library (absent: its top)."},
}
PRIVATE = "Private and secret groups: members only (a private group's outsiders get 403, a secret's 404)."
PATHS: dict[str, Any] = {
    "/groups/{group_id}/tasks": {
        "get": op("groupTasks", "A group's tasks, overdue first", tag="tasks", answer="TaskList",
                  query=("TaskStatus",), errors=(403, 404), description=PRIVATE),
        "post": write(op("createTask", "Create a task in a group I am in", tag="tasks", answer="Task",
                         status=201, body="TaskCreate", errors=(403, 404),
                         description="Assignees and the service's leads are notified; a `task` "
                                     "event reaches the group's members.")),
    },
    "/tasks/{task_id}": {
        "get": op("getTask", "One task", tag="tasks", answer="Task", errors=(404,)),
        "patch": write(op("updateTask", "Change or move a task (members, assignees, the service)",
                          tag="tasks", answer="Task", body="TaskUpdate", errors=(403, 404))),
        "delete": write(op("deleteTask", "Remove a task (its creator, group leads)", tag="tasks",
                           status=204, errors=(403, 404))),
    },
    "/groups/{group_id}/files": {
        "get": op("groupFiles", "A group's file library: a folder's subfolders and files", tag="files",
                  answer="LibraryListing", query=("LibraryFolderId",), errors=(403, 404),
                  description=PRIVATE + " Each file is its newest version; downloads go through access."),
        "post": {**write(op("uploadGroupFile", "Upload a file (the same name in the folder: a new version)",
                            tag="files", answer="LibraryFile", status=201, errors=(403, 404, 413),
                            description="`multipart/form-data` with one `file` and an optional "
                                        "`folder_id`. Types and sizes as for shared files.")),
                 "requestBody": {"required": True, "content": {
                     "multipart/form-data": {"schema": ref("LibraryUpload")}}}},
    },
}
register(PATHS, PARAMETERS, SCHEMAS)
