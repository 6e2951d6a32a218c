"""The OpenAPI part of people management: join requests, people, personal data, audit log.

Kept apart from ``document.py`` (which every feature edits) and joined to it by ``register``.
"""

from __future__ import annotations

from typing import Any

from intranet.views.api.openapi.document import op, register, write
from intranet.views.api.openapi.schemas import (
    BOOL,
    INT,
    INT_OR_NULL,
    STR,
    TIME,
    TIME_OR_NULL,
    array,
    enum,
    obj,
    ref,
)

REF = obj({"id": INT, "name": STR})

SCHEMAS: dict[str, Any] = {
    "JoinRequest": obj({
        "id": INT, "group_id": INT, "user": ref("UserRef"),
        "message": {**STR, "maxLength": 500}, "status": enum("pending", "approved", "rejected"),
        "created_at": TIME, "decided_at": TIME_OR_NULL,
    }),
    "JoinRequestList": obj({"items": array(ref("JoinRequest"))}),
    "JoinDecision": obj({"decision": enum("accept", "refuse")}),
    "Person": obj({
        "id": INT, "name": STR, "username": STR, "avatar_url": {"type": ["string", "null"]},
        "email": STR, "job_title": STR, "is_admin": BOOL,
        "department": {"oneOf": [REF, {"type": "null"}]}, "leads": array(REF),
        "status": enum("active", "deactivated", "deleted"), "created_at": TIME,
    }, description="`leads`: the departments whose group this person leads."),
    "PersonPage": obj({"items": array(ref("Person")), "next_page": INT_OR_NULL}),
    "PersonUpdate": obj({
        "name": {**STR, "minLength": 1, "maxLength": 120}, "email": {**STR, "maxLength": 254},
        "job_title": {**STR, "maxLength": 120}, "is_admin": BOOL,
        "department_id": {**INT_OR_NULL, "description": "`null`: no department."},
    }, optional=("name", "email", "job_title", "is_admin", "department_id"),
        description="Only the fields sent change. Removing one's own admin role, or the last "
                    "active admin's, is a 409; an e-mail someone else has is a 409."),
    "LeadAdd": obj({"user_id": INT}),
    "DeletionResult": obj({"posts": INT, "comments": INT, "messages": INT},
                          description="What was removed with the person (all 0 with `keep`)."),
    "PeopleImportUpload": obj({
        "file": {"type": "string", "contentMediaType": "text/csv",
                 "description": "UTF-8 (BOM or not) or Windows-1252; comma, semicolon or tab; a "
                                "header naming email (required), name, job_title, department, "
                                "admin (French names accepted). At most 50,000 lines."},
        "create_departments": {**STR, "enum": ["0", "1", "true", "false"],
                               "description": "Create departments the file names (else a line error)."},
    }, optional=("create_departments",)),
    "PeopleImport": obj({
        "id": INT, "filename": STR, "status": enum("queued", "running", "done", "failed"),
        "total": INT, "processed": INT, "created": INT, "updated": INT, "unchanged": INT,
        "errors": array(obj({"line": INT, "message": STR})), "created_at": TIME,
        "finished_at": TIME_OR_NULL, "url": STR,
    }, description="Keyed on the e-mail: running a file again updates people, never duplicates "
                   "them. `errors` name the file's line numbers (header: line 1)."),
}

STATUS = {"name": "status", "in": "query", "schema": {"type": "string", "enum": [
    "active", "deactivated", "deleted"]}, "description": "Absent: everyone but deleted people."}
PEOPLE_Q = {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 120},
            "description": "Part of a name or e-mail."}
PAGE = {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000,
                                                   "default": 1}}
POSTS_POLICY = {"name": "posts", "in": "query", "required": True,
                "schema": {"type": "string", "enum": ["keep", "remove"]},
                "description": "`keep`: their posts, comments and messages stay under \"former "
                               "employee\"; `remove`: they go with them."}
PARAMETERS = {"PeopleStatus": STATUS, "PeopleQ": PEOPLE_Q, "PeoplePage": PAGE, "PostsPolicy": POSTS_POLICY}
ADMIN = "Administrators only; anyone else gets 404."


def _upload(operation: dict[str, Any]) -> dict[str, Any]:
    operation["requestBody"] = {"required": True, "content": {
        "multipart/form-data": {"schema": ref("PeopleImportUpload")}}}
    for code, name in (("400", "BadRequest"), ("413", "PayloadTooLarge")):
        operation["responses"][code] = {"$ref": f"#/components/responses/{name}"}
    return write(operation)

PATHS: dict[str, Any] = {
    "/groups/{group_id}/join-requests": {"get": op(
        "listJoinRequests", "Requests waiting for a decision, oldest first (leads, admins)",
        tag="groups", answer="JoinRequestList", errors=(404,),
        description="Anyone else, members included, gets 404 as for a hidden group.")},
    "/groups/{group_id}/join-requests/{request_id}": {"post": write(op(
        "decideJoinRequest", "Accept or refuse a join request (leads, admins)", tag="groups",
        answer="JoinRequest", body="JoinDecision", errors=(404, 409),
        description="The requester is notified either way (`join_approved` or `join_refused`). "
                    "A request already decided: 409; another group's request id: 404."))},
}

PATHS.update({
    "/admin/people": {"get": op(
        "listPeople", "People, active first, by name (admins)", tag="admin", answer="PersonPage",
        query=("PeopleQ", "PeopleStatus", "PeoplePage"), errors=(404,), description=ADMIN)},
    "/admin/people/{user_id}": {
        "get": op("getPerson", "One person (admins)", tag="admin", answer="Person", errors=(404,),
                  description=ADMIN),
        "patch": write(op("updatePerson", "Edit name, e-mail, job title, department, admin role",
                           tag="admin", answer="Person", body="PersonUpdate", errors=(404, 409),
                           description=ADMIN + " Audited (the fields, not their values).")),
        "delete": write(op("deletePerson", "Delete a person by policy (admins)", tag="admin",
                            answer="DeletionResult", query=("PostsPolicy",), errors=(404, 409),
                            description=ADMIN + " The account is emptied and deactivated (sessions "
                                        "end), kept as \"former employee\"; audited. Oneself or the "
                                        "last admin: 409.")),
    },
    "/admin/people/{user_id}/deactivate": {"post": write(op(
        "deactivatePerson", "Deactivate: sessions, tokens and sockets end (admins)", tag="admin",
        answer="Person", errors=(404, 409), description=ADMIN + " Oneself: 409."))},
    "/admin/people/{user_id}/reactivate": {"post": write(op(
        "reactivatePerson", "Let a deactivated person log in again (admins)", tag="admin",
        answer="Person", errors=(404,), description=ADMIN + " Deleted people: 404."))},
    "/admin/departments/{department_id}/leads": {"post": write(op(
        "addDepartmentLead", "Make someone a lead of the department's group (admins)", tag="admin",
        answer="Person", body="LeadAdd", errors=(404, 409), description=ADMIN))},
    "/admin/departments/{department_id}/leads/{user_id}": {"delete": write(op(
        "removeDepartmentLead", "Make a lead an ordinary member again (admins)", tag="admin",
        status=204, errors=(404,), description=ADMIN + " Not a lead of it: 404."))},
    "/admin/people/imports": {"post": _upload(op(
        "importPeople", "Import people from a CSV file (admins)", tag="admin", answer="PeopleImport",
        status=202, errors=(404,),
        description=ADMIN + " Answers 202 at once; lines are imported in batches in the background: "
                            "poll `url` (progress in `processed`/`total`) until `status` is `done`."))},
    "/admin/people/imports/{import_id}": {"get": op(
        "getPeopleImport", "An import's progress, counts and line errors (admins)", tag="admin",
        answer="PeopleImport", errors=(404,), description=ADMIN)},
})

ZIP = {"application/zip": {"schema": {"type": "string", "contentMediaType": "application/zip"}}}
DATA = ("A zip: profile.json, posts.json, comments.json, messages.json, reactions.json, "
        "files.json (JSON, UTF-8), files/ (the files shared) and avatar.png. Built on disk and "
        "streamed; audited.")


def _zip(operation: dict[str, Any]) -> dict[str, Any]:
    operation["responses"]["200"] = {"description": "The zip", "content": ZIP}
    return operation


PATHS.update({
    "/me/data": {"get": _zip(op("myData", "Download my personal data", tag="people", description=DATA))},
    "/admin/people/{user_id}/data": {"get": _zip(op(
        "personData", "Download a person's personal data (admins)", tag="admin", errors=(404,),
        description=ADMIN + " " + DATA))},
})

DAYS = {"type": ["integer", "null"], "minimum": 1, "maximum": 36500}
SCHEMAS.update({
    "Retention": obj({"inbox_days": DAYS, "message_days": DAYS, "updated_at": TIME_OR_NULL,
                      "last_run_at": TIME_OR_NULL},
                     description="`inbox_days`: customers' names, handles, links and texts in the "
                                 "inbox are redacted after that many days (cases and counts stay). "
                                 "`message_days`: messages are erased after that many days. `null`: "
                                 "kept for ever."),
    "RetentionUpdate": obj({"inbox_days": DAYS, "message_days": DAYS}),
})
PATHS.update({"/admin/retention": {
    "get": op("getRetention", "Retention periods of personal data (admins)", tag="admin",
              answer="Retention", errors=(404,), description=ADMIN),
    "put": write(op("setRetention", "Set the retention periods (admins)", tag="admin", answer="Retention",
                    body="RetentionUpdate", errors=(404,),
                    description=ADMIN + " Applied within the hour by a scheduled job, once across "
                                        "workers; each run that erases something is audited.")),
}})

SCHEMAS.update({
    "AuditEntry": obj({
        "id": INT, "created_at": TIME, "action": {**STR, "description": "The code, e.g. `user.deactivate`."},
        "actor": {"oneOf": [obj({"id": INT, "name": {"type": ["string", "null"]}}), {"type": "null"}]},
        "target_type": STR, "target_id": INT_OR_NULL,
        "text": {**STR, "description": "The entry in words, in the reader's language."},
    }),
    "AuditPage": obj({"items": array(ref("AuditEntry")), "next_before": INT_OR_NULL}),
})
PARAMETERS.update({
    "AuditPerson": {"name": "person", "in": "query", "schema": {"type": "integer", "minimum": 1},
                    "description": "Only what this person did."},
    "AuditAction": {"name": "action", "in": "query", "schema": {"type": "string", "maxLength": 60}},
    "AuditSince": {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"},
                   "description": "From this day (UTC). `until`: up to this day, included."},
    "AuditUntil": {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"}},
    "AuditLimit": {"name": "limit", "in": "query",
                   "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
})
PATHS["/admin/audit"] = {"get": op(
    "auditLog", "The audit log in words, newest first (admins)", tag="admin", answer="AuditPage",
    query=("AuditPerson", "AuditAction", "AuditSince", "AuditUntil", "Before", "AuditLimit"), errors=(404,),
    description=ADMIN + " Filter values that are not valid are ignored. The same selection as CSV "
                        "(UTF-8 with BOM): the page's `/admin/audit.csv`.")}

register(PATHS, PARAMETERS, SCHEMAS)
