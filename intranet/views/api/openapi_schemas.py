"""JSON Schemas (OpenAPI 3.1 components) of the API's bodies, answers and Socket.IO events.

Kept next to ``serializers.py``: change one, change the other. The tests validate real answers
against these schemas and refuse fields a schema does not list.
"""

from __future__ import annotations

from typing import Any

from ...models import REACTION_KINDS

Schema = dict[str, Any]

INT: Schema = {"type": "integer"}
STR: Schema = {"type": "string"}
BOOL: Schema = {"type": "boolean"}
TIME: Schema = {"type": "string", "format": "date-time", "description": "ISO 8601, UTC (`Z`)."}
TIME_OR_NULL: Schema = {"type": ["string", "null"], "format": "date-time"}
INT_OR_NULL: Schema = {"type": ["integer", "null"]}
STR_OR_NULL: Schema = {"type": ["string", "null"]}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(name: str) -> Schema:
    return {"oneOf": [ref(name), {"type": "null"}]}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(props: dict[str, Schema], *, optional: tuple[str, ...] = (), description: str = "") -> Schema:
    """An object whose fields are all present unless listed in ``optional``."""
    schema: Schema = {"type": "object", "properties": props,
                      "required": [k for k in props if k not in optional]}
    if description:
        schema["description"] = description
    return schema


def enum(*values: str, description: str = "") -> Schema:
    schema: Schema = {"type": "string", "enum": list(values)}
    if description:
        schema["description"] = description
    return schema


def listing(name: str) -> Schema:
    return obj({"items": array(ref(name))})


COUNTS: Schema = {"type": "object", "additionalProperties": INT, "description": "Reaction kind -> count."}

RESOURCES: dict[str, Schema] = {
    "Error": obj({"error": obj({"code": STR, "message": {**STR, "description": "For a person to read."},
                                "field": {**STR, "description": "The request field at fault."}},
                               optional=("field",))}),
    "UserRef": obj({"id": INT, "name": STR, "username": STR, "avatar_url": STR_OR_NULL}),
    "GroupRef": obj({"id": INT, "name": STR}),
    "Post": obj({
        "id": INT, "author": ref("UserRef"), "group": nullable("GroupRef"),
        "body": {**STR, "description": "Markdown as written."},
        "html": {**STR, "description": "Sanitized HTML, safe to insert."},
        "created_at": TIME, "edited_at": TIME_OR_NULL, "is_announcement": BOOL, "pinned": BOOL,
        "topics": array(STR), "comment_count": INT, "reactions": COUNTS,
        "my_reactions": array(enum(*REACTION_KINDS)),
        "acknowledged": {**BOOL, "description": "Whether I acknowledged this announcement."},
        "ack_count": {**INT_OR_NULL, "description": "Acknowledgements; only for the author and leads."},
        "can_edit": BOOL, "can_moderate": BOOL, "url": STR,
    }),
    "PostPage": obj({"items": array(ref("Post")), "next_before": {
        **INT_OR_NULL, "description": "Pass as `before`; null on the last page."}}),
    "Comment": obj({"id": INT, "post_id": INT, "author": ref("UserRef"), "body": STR, "html": STR,
                    "created_at": TIME, "edited_at": TIME_OR_NULL, "can_edit": BOOL, "can_delete": BOOL,
                    "url": STR}),
    "CommentList": listing("Comment"),
    "ReactionResult": obj({"kind": enum(*REACTION_KINDS), "reactions": COUNTS}),
    "Group": obj({
        "id": INT, "name": STR, "slug": STR, "description": STR,
        "visibility": enum("public", "private", "secret"),
        "kind": enum("department", "project", "community"), "member_count": INT,
        "my_role": {"type": ["string", "null"], "enum": ["member", "lead", None]},
        "created_at": TIME, "url": STR,
    }),
    "GroupList": listing("Group"),
    "Member": obj({"user": ref("UserRef"), "role": enum("member", "lead"), "since": TIME}),
    "MemberList": listing("Member"),
    "JoinResult": obj({"status": enum("joined", "requested",
                                      description="`requested`: the group's leads decide.")}),
    "LeaveResult": obj({"status": enum("left")}),
    "Notification": obj({
        "id": INT, "kind": enum("mention", "comment", "announcement", "join_request", "join_approved"),
        "created_at": TIME, "read": BOOL, "actor": nullable("UserRef"),
        "post": {"oneOf": [obj({"id": INT, "excerpt": STR, "url": STR}), {"type": "null"}]},
        "comment_id": INT_OR_NULL, "group": nullable("GroupRef"),
    }, description="Never about a post or group the reader can no longer see: those are left out."),
    "NotificationPage": obj({"items": array(ref("Notification")), "unread": INT,
                             "next_before": INT_OR_NULL}),
    "MarkReadResult": obj({"changed": INT, "unread": INT}),
    "Token": obj({"id": INT, "name": STR, "created_at": TIME, "last_used_at": TIME_OR_NULL}),
    "TokenList": listing("Token"),
    "TokenCreated": obj({"token": {**STR, "description": "Shown once; send as `Authorization: Bearer`."},
                         "id": INT, "name": STR, "user": ref("UserRef")}),
    "Me": obj({
        "id": INT, "name": STR, "username": STR, "avatar_url": STR_OR_NULL, "email": STR,
        "job_title": STR, "bio": STR, "locale": STR_OR_NULL, "is_admin": BOOL,
        "department": {"oneOf": [obj({"id": INT, "name": STR}), {"type": "null"}]},
        "skills": array(STR),
        "groups": array(obj({"id": INT, "name": STR, "role": enum("member", "lead")})),
        "unread_notifications": INT,
    }),
    "SearchItem": obj({
        "kind": enum("post", "comment", "file", "group", "person", "message", "case"),
        "id": INT, "title": STR,
        "snippet_html": {**STR, "description": "Escaped text with matches in `<mark>`; safe to insert."},
        "url": STR, "created_at": TIME,
    }),
    "SearchPage": obj({
        "items": array(ref("SearchItem")),
        "facets": {"type": "object", "description": "By `type`, `group`, `department`, `author`, "
                   "`date`: the values found among results you may open (a facet ignores its own filter).",
                   "additionalProperties": array(obj({"value": STR, "label": STR, "count": INT}))},
        "total": {**INT, "description": "Matches you may open; when `truncated`, only those of a "
                  "recent window (the newest), of which the first 1000 can be paged."},
        "truncated": {**BOOL, "description": "Too many matches: only the newest were ranked."},
        "next_cursor": {**STR_OR_NULL, "description": "Pass as `cursor`; null on the last page."},
        "notes": array(STR),
    }),
    "EventPage": obj({
        "events": array(ref("Event")),
        "last_event_id": {**INT, "description": "Pass as `after` next time (equals `after` when empty)."},
        "more": {**BOOL, "description": "More events wait: ask again at once with the new `after`."},
    }),
}


def _event(type_: str, ops: tuple[str, ...], fields: dict[str, Schema], description: str,
           optional: tuple[str, ...] = ()) -> Schema:
    props = {"type": {"const": type_}, "event_id": {**INT, "description": "Increasing; de-duplicate by it."},
             "op": enum(*ops), "id": INT, **fields}
    return obj(props, optional=optional, description=description)


EVENTS: dict[str, Schema] = {
    "PostEvent": _event("post", ("add", "update", "remove", "ack"),
                        {"group_id": INT_OR_NULL, "acks": INT},
                        "A post was added, edited (or pinned), removed, or acknowledged (`acks`, to "
                        "its author only). Fetch `/posts/{id}` (JSON) or `/posts/{id}/card` (HTML).",
                        optional=("group_id", "acks")),
    "CommentEvent": _event("comment", ("add", "update", "remove"), {"post_id": INT, "comments": INT},
                           "`comments` is the post's new comment count (add and remove).",
                           optional=("comments",)),
    "ReactionEvent": _event("reaction", ("add", "remove"),
                            {"post_id": INT, "kind": enum(*REACTION_KINDS), "user_id": INT,
                             "counts": COUNTS}, "`id` is the post id; `counts` the post's new counts."),
    "NotificationEvent": _event("notification", ("add", "read"),
                                {"kind": STR, "unread": INT},
                                "To the recipient only. `read` events carry no `id` or `kind`.",
                                optional=("id", "kind")),
    "GroupEvent": _event("group", ("update", "member_add", "member_role", "member_remove"),
                         {"user_id": INT}, "`id` is the group id; `user_id` the member concerned.",
                         optional=("user_id",)),
}
EVENTS["Event"] = {"oneOf": [ref(name) for name in EVENTS], "discriminator": {
    "propertyName": "type",
    "mapping": {schema["properties"]["type"]["const"]: ref(name)["$ref"] for name, schema in EVENTS.items()}}}
EVENTS["SessionEnded"] = obj({"user_id": INT}, description=(
    "Live only (not durable, no `event_id`): the account was deactivated; the server then closes "
    "the socket. Send the person to the login page."))

REQUESTS: dict[str, Schema] = {
    "TokenRequest": obj({"email": STR, "password": STR, "name": {**STR, "maxLength": 80}},
                        optional=("name",)),
    "GroupCreate": obj({"name": {**STR, "maxLength": 120}, "description": {**STR, "maxLength": 2000},
                        "visibility": {**enum("public", "private", "secret"), "default": "public"},
                        "kind": {**enum("project", "community"), "default": "project"}},
                       optional=("description", "visibility", "kind")),
    "GroupUpdate": obj({"name": STR, "description": STR, "visibility": enum("public", "private", "secret")},
                       optional=("name", "description", "visibility"), description="Absent fields stay."),
    "JoinBody": obj({"message": {**STR, "maxLength": 500}}, optional=("message",),
                    description="A note for the leads of a private group."),
    "MemberSet": obj({"user_id": INT, "role": {**enum("member", "lead"), "default": "member"}},
                     optional=("role",)),
    "PostCreate": obj({"body": {**STR, "description": "Markdown; @mentions and #topics are linked."},
                       "group_id": {**INT_OR_NULL, "description": "Null or absent: the company feed."},
                       "announcement": {**BOOL, "default": False}},
                      optional=("group_id", "announcement")),
    "PostCreateWithFiles": obj({
        "body": STR, "group_id": {**STR, "description": "A group id, or empty for the company feed."},
        "announcement": {**STR, "description": "`1` for an announcement."},
        "files": {**array({"type": "string", "contentMediaType": "application/octet-stream"}),
                  "description": "txt, md, csv, pdf, docx, odt, xlsx, pptx; 5 MB each, 5 at most."},
    }, optional=("group_id", "announcement", "files")),
    "BodyOnly": obj({"body": {**STR, "description": "Markdown."}}),
    "ReactionCreate": obj({"kind": enum(*REACTION_KINDS)}),
    "PinBody": obj({"pinned": {**BOOL, "default": True}}, optional=("pinned",)),
    "MarkRead": obj({"ids": array(INT)}, optional=("ids",), description="No `ids`: mark all read."),
}

SCHEMAS: dict[str, Schema] = {**RESOURCES, **EVENTS, **REQUESTS}

SOCKETIO: dict[str, Any] = {
    "description": (
        "Live updates over Socket.IO (path `/socket.io`). Connect with the session cookie (same "
        "origin) or `io({auth: {token: \"<api token>\"}})`; anonymous or deactivated accounts are "
        "refused. The server chooses the rooms: your own events, your groups' events and "
        "company-wide events. Every durable event carries `type` and an increasing `event_id`: "
        "remember the last one and, after a reconnect, fetch `GET /api/v1/events?after=<id>` "
        "(same payloads) and de-duplicate by `event_id`. Clients never write over the socket "
        "except `ping_alive` (answers `{ok}`)."
    ),
    "path": "/socket.io",
    "auth": {"cookie": "The session cookie of a logged-in page.",
             "token": {"type": "object", "properties": {"token": STR}, "required": ["token"]}},
    "events": {
        "post": ref("PostEvent"), "comment": ref("CommentEvent"), "reaction": ref("ReactionEvent"),
        "notification": ref("NotificationEvent"), "group": ref("GroupEvent"),
        "session_ended": ref("SessionEnded"),
    },
}
