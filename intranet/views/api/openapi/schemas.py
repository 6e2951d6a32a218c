"""JSON Schemas (OpenAPI 3.1 components) of the API's bodies, answers and Socket.IO events.

Kept next to ``serializers.py``: change one, change the other. The tests validate real answers
against these schemas and refuse fields a schema does not list.
"""

from __future__ import annotations

from typing import Any

from intranet.models import REACTION_KINDS
from intranet.platform.inputs import MAX_INT

Schema = dict[str, Any]

INT: Schema = {"type": "integer"}
STR: Schema = {"type": "string"}
BOOL: Schema = {"type": "boolean"}
TIME: Schema = {"type": "string", "format": "date-time", "description": "ISO 8601, UTC (`Z`)."}
TIME_OR_NULL: Schema = {"type": ["string", "null"], "format": "date-time"}
INT_OR_NULL: Schema = {"type": ["integer", "null"]}
STR_OR_NULL: Schema = {"type": ["string", "null"]}


# What ``platform.inputs`` accepts, stated so a client (and schemathesis) can see it: ids are
# positive database integers; required text is not blank once trimmed (``clean_text``). Text
# with a control character other than tab and line breaks, or a lone surrogate, is refused too
# (400): said in the document's description, since a pattern for it made generating examples
# several times slower.
ID: Schema = {"type": "integer", "minimum": 1, "maximum": MAX_INT}
ID_OR_NULL: Schema = {**ID, "type": ["integer", "null"]}
NOT_BLANK = r"\S"  # JSON Schema patterns are not anchored: "holds a non-space character"


FILE_TYPES = ("txt, md, csv, pdf, docx, odt, xlsx, pptx, and photos: jpg, jpeg, png, webp, gif; "
              "15 MB each (40 MB a request), 5 at most. A photo is stored re-encoded (EXIF and GPS "
              "removed, the longest side at most 3840 px) with a thumbnail; refused past 40 megapixels, "
              "12,000 px a side or 300 frames (400).")
EMPTY_WITH_FILES = ("Markdown. May be empty or absent when `files` come with it (photos alone); "
                    "neither text nor files: 400 naming `body`.")


def text(max_len: int, *, required: bool = True, description: str = "") -> Schema:
    """A text field: ``required`` ones need a character other than a space."""
    schema: Schema = {"type": "string", "maxLength": max_len}
    if required:
        schema.update({"minLength": 1, "pattern": NOT_BLANK})
    if description:
        schema["description"] = description
    return schema


def ids(*, min_items: int = 0, max_items: int | None = None, description: str = "") -> Schema:
    schema: Schema = {"type": "array", "items": ID, "minItems": min_items}
    if max_items is not None:
        schema["maxItems"] = max_items
    if description:
        schema["description"] = description
    return schema


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
        "files": {**array(ref("FileRef")), "description": "Files and photos shared with it."},
        "kind": enum("post", "poll", "question"),
        "answer_comment_id": {**INT_OR_NULL, "description": "A question's best answer (a comment id)."},
        "poll": {**ref("Poll"), "description": "Polls only, in single-post answers."},
    }, optional=("poll",)),
    "Poll": obj({
        "multiple": BOOL, "votes_shown": BOOL, "closes_at": TIME_OR_NULL, "closed": BOOL,
        "voters": {**INT, "description": "How many people voted."}, "voted": BOOL,
        "options": array(obj({"id": INT, "label": STR, "count": INT, "mine": BOOL,
                              "voter_names": {**array(STR), "description": "Only when votes are shown."}},
                             optional=("voter_names",))),
    }),
    "PostPage": obj({"items": array(ref("Post")), "next_before": {
        **INT_OR_NULL, "description": "Pass as `before`; null on the last page."}}),
    "Comment": obj({"id": INT, "post_id": INT, "author": ref("UserRef"), "body": STR, "html": STR,
                    "created_at": TIME, "edited_at": TIME_OR_NULL, "can_edit": BOOL, "can_delete": BOOL,
                    "url": STR, "files": {**array(ref("FileRef")),
                                          "description": "Files and photos sent with it."}}),
    "CommentList": listing("Comment"),
    "ReactionResult": obj({"kind": enum(*REACTION_KINDS), "reactions": COUNTS}),
    "Group": obj({
        "id": INT, "name": STR, "slug": STR, "description": STR,
        "visibility": enum("public", "private", "secret"),
        "kind": enum("department", "project", "community"), "member_count": INT,
        "my_role": {"type": ["string", "null"], "enum": ["member", "lead", None]},
        "created_at": TIME, "url": STR,
        "cover_url": {**STR_OR_NULL, "description": "The cover picture a lead set (JPEG, at most "
                      "1200 x 400), cacheable for a day at this address; null without one."},
    }),
    "GroupList": listing("Group"),
    "Member": obj({"user": ref("UserRef"), "role": enum("member", "lead"), "since": TIME}),
    "MemberList": listing("Member"),
    "JoinResult": obj({"status": enum("joined", "requested",
                                      description="`requested`: the group's leads decide.")}),
    "LeaveResult": obj({"status": enum("left")}),
    "Notification": obj({
        "id": INT, "kind": enum("mention", "comment", "announcement", "join_request", "join_approved",
                                "join_refused", "message", "message_mention", "case_mention", "case_assigned",
                                "sla_breach",
                                "reply_approval", "inbox_spike", "task_assigned", "task_due_soon",
                                "task_overdue"),
        "created_at": TIME, "read": BOOL, "actor": nullable("UserRef"),
        "post": {"oneOf": [obj({"id": INT, "excerpt": STR, "url": STR}), {"type": "null"}]},
        "comment_id": INT_OR_NULL, "group": nullable("GroupRef"),
        "conversation_id": {**INT_OR_NULL, "description": "For `message` and `message_mention`: "
                            "at most one unread of each per conversation."},
        "case_id": {**INT_OR_NULL, "description": "An inbox case (`/inbox/cases/{id}`), for case "
                                                  "notifications; never one the reader can no longer open."},
        "task_id": {**INT_OR_NULL, "description": "A task (`/tasks/{id}`), for task notifications "
                    "and for a `mention` in a task's description."},
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
    "Participant": obj({"user": ref("UserRef"), "last_read_message_id": {
        **INT, "description": "Their read position: messages up to this id are \"read by\" them."}}),
    "Conversation": obj({
        "id": INT, "title": {**STR, "description": "Its name, else the other people's names."},
        "named": {**BOOL, "description": "Whether someone gave it a title."}, "is_direct": BOOL,
        "participants": array(ref("Participant")), "last_message_id": INT_OR_NULL,
        "last_activity": TIME, "unread": {**INT, "description": "Others' messages after my position."},
        "muted": BOOL, "url": STR,
    }),
    "ConversationList": obj({"items": array(ref("Conversation")), "unread_total": {
        **INT, "description": "Unread messages in conversations I have not muted (the nav badge)."}}),
    "Message": obj({
        "id": INT, "conversation_id": INT, "author": ref("UserRef"),
        "body": {**STR, "description": "Markdown as written (empty once deleted)."},
        "html": {**STR, "description": "Sanitized HTML, safe to insert (empty once deleted)."},
        "created_at": TIME, "edited_at": TIME_OR_NULL, "deleted": BOOL, "can_edit": BOOL,
        "files": {**array(ref("FileRef")), "description": "Files sent with it (none once deleted)."},
        "reply_to_id": {**INT_OR_NULL, "description": "A reply: its thread's root message."},
        "reply_count": {**INT, "description": "A root: how many replies its thread has."},
        "last_reply_at": TIME_OR_NULL,
        "reactions": COUNTS, "my_reactions": array(enum(*REACTION_KINDS)),
    }),
    "MessageSearch": obj({
        "items": array(ref("Message")),
        "truncated": {**BOOL, "description": "Only the newest 5,000 messages were searched."},
    }),
    "ReplyPage": obj({
        "items": array(ref("Message")),
        "more": {**BOOL, "description": "More replies wait; ask again from the last id."},
    }),
    "FileRef": obj({"id": INT, "name": STR, "size": {**INT, "description": "Bytes."},
                    "content_type": STR,
                    "url": {**STR, "description": "Download (whoever may read what it is on)."},
                    "width": {**INT_OR_NULL, "description": "A photo's pixels as stored."},
                    "height": INT_OR_NULL,
                    "view_url": {**STR_OR_NULL, "description": "A photo, inline (`private, no-cache`)."},
                    "thumb_url": {**STR_OR_NULL, "description": (
                        "A photo's thumbnail or a PDF's first-page preview, WebP, at most 640 px a "
                        "side; `private, immutable` (the URL names its content).")}}),
    "MessagePage": obj({
        "items": array(ref("Message")),
        "more": {**BOOL, "description": "With `after`: more messages wait; ask again from the last id."},
        "next_before": {**INT_OR_NULL, "description": "Without `after`: pass as `before` for older ones."},
    }),
    "UnreadCounts": obj({"total": INT, "conversations": {
        "type": "object", "additionalProperties": INT, "description": "Conversation id -> unread count."}}),
    "ReadResult": obj({"conversation_id": INT, "last_read_message_id": INT, "unread": INT,
                       "unread_total": INT}),
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
                        {"group_id": INT_OR_NULL, "acks": INT, "author_id": INT},
                        "A post was added, edited (or pinned), removed, or acknowledged (`acks`, to "
                        "its author only). Fetch `/posts/{id}` (JSON) or `/posts/{id}/card` (HTML). "
                        "`author_id` comes with `add` and `remove` (a side rail counts new posts).",
                        optional=("group_id", "acks", "author_id")),
    "PollEvent": _event("poll", ("vote",), {"post_id": INT, "counts": {
        "type": "object", "additionalProperties": INT, "description": "Option id -> votes."},
        "voters": {**INT, "description": "How many people voted."}},
        "Someone voted: the counts, never who (fetch the post for names when votes are shown)."),
    "BookmarkEvent": _event("bookmark", ("add", "remove"), {},
                            "I saved a post (`id`) or took it off my list: to my own pages only."),
    "FollowEvent": _event("follow", ("add", "remove"), {"target": enum("person", "topic")},
                          "I follow (or stopped following) a person or a topic (`id`): to me only."),
    "ScheduledEvent": _event("scheduled", ("add", "remove", "published", "failed"), {"post_id": INT},
                             "My scheduled post (`id`) was added, cancelled, published (`post_id`) or "
                             "refused at its time: to its author only.", optional=("post_id",)),
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
    "MessageEvent": _event("message", ("add", "update", "remove", "react"),
                           {"conversation_id": INT, "author_id": INT, "reply_to": INT,
                            "kind": enum(*REACTION_KINDS), "on": BOOL},
                           "To the conversation's participants; `id` is the message id. Fetch "
                           "`/conversations/{conversation_id}/messages?after=<last id>` (add; "
                           "`reply_to`: a reply in that message's thread) or `/messages/{id}` "
                           "(update, remove, react: `author_id` reacted with `kind`, now `on` or not).",
                           optional=("reply_to", "kind", "on")),
    "ConversationEvent": _event("conversation", ("add", "update", "members", "leave", "mute"),
                                {"user_ids": array(INT), "user_id": INT, "muted": BOOL},
                                "`id` is the conversation id. `add`: I am in a (new) conversation; "
                                "`members`: `user_ids` were added; `leave`: `user_id` left (also sent "
                                "to the leaver); `mute`: to me only.",
                                optional=("user_ids", "user_id", "muted")),
    "ReadEvent": _event("read", ("read",), {"conversation_id": INT, "user_id": INT, "message_id": INT},
                        "`user_id` has read `conversation_id` up to `message_id` (`id` is the "
                        "conversation id)."),
    "GroupEvent": _event("group", ("update", "member_add", "member_role", "member_remove"),
                         {"user_id": INT}, "`id` is the group id; `user_id` the member concerned.",
                         optional=("user_id",)),
    "CaseEvent": _event("case", ("add", "batch", "breach", "assign", "status", "note", "reply", "update",
                                 "escalate", "knowledge"),
                        {"service_id": INT_OR_NULL, "assignee_id": INT_OR_NULL,
                         "status": enum("new", "assigned", "waiting", "resolved", "ignored"),
                         "new": {**INT, "description": "New cases of the service now (add, batch)."},
                         "ids": array(INT), "count": INT, "breach": enum("first_response", "resolution")},
                        "An inbox case appeared (`add`, or `batch` for many: `ids`, `count`), missed a "
                        "target (`breach`) or changed: to the agents and leads of its service and admins "
                        "(unrouted: to each inbox person). No customer data: fetch `/inbox/cases/{id}`.",
                        optional=("id", "status", "assignee_id", "new", "ids", "count", "breach")),
    "IncidentEvent": _event("incident", ("add", "update", "reply", "status", "detach", "merge", "escalate",
                                         "breach"),
                            {"service_id": INT_OR_NULL, "status": enum("open", "resolved", "merged"),
                             "size": INT, "sources": {"type": "object", "additionalProperties": INT}},
                            "An incident formed (`add`), grew or changed: its case count and cases per "
                            "source, to the agents and leads of its service and admins. No customer data: "
                            "fetch `/inbox/incidents/{id}`."),
    "TaskEvent": _event("task", ("add", "update", "remove"),
                        {"group_id": INT, "status": enum("open", "in_progress", "done")},
                        "A task was created, changed (moved, edited, ticked) or removed: to the members "
                        "of its group and of its service, and to assignees outside both. Fetch "
                        "`/tasks/{id}` (JSON) or `/tasks/{id}/card` (HTML)."),
}
EVENTS["Event"] = {"oneOf": [ref(name) for name in EVENTS], "discriminator": {
    "propertyName": "type",
    "mapping": {schema["properties"]["type"]["const"]: ref(name)["$ref"] for name, schema in EVENTS.items()}}}
EVENTS["TypingSignal"] = obj({"conversation_id": INT, "user_id": INT, "typing": BOOL}, description=(
    "Ephemeral (no `event_id`, never replayed). Sent by a client as `{conversation_id, typing}`; "
    "the server checks I take part and relays it with `user_id` to the other participants."))
EVENTS["PresenceSignal"] = obj({"state": enum("online", "away")}, description=(
    "Client to server, ephemeral: this page is looked at (`online`) or hidden (`away`)."))
PRESENCE_STATE = obj({"user_id": INT, "state": enum("online", "away", "offline")})
EVENTS["PresenceEvent"] = obj({"states": array(PRESENCE_STATE)}, description=(
    "Ephemeral (no `event_id`). People who share a conversation with someone receive their new state "
    "(`offline` when their last socket closed), in batches sent at most every half second. Known per "
    "server process."))
EVENTS["FocusSignal"] = obj({"conversation_id": INT_OR_NULL}, description=(
    "Client to server only: the conversation this page shows (null: none). No notification is "
    "made for new messages in a conversation someone is looking at."))
EVENTS["SessionEnded"] = obj({"user_id": INT}, optional=("user_id",), description=(
    "Live only (not durable, no `event_id`): the login this socket belongs to ended (logout, "
    "sign-out from another device, a password change or reset, deactivation); the server then "
    "closes the socket. Send the person to the login page."))

REQUESTS: dict[str, Schema] = {
    "TokenRequest": obj({"email": text(254), "password": {**STR, "minLength": 1},
                         "name": text(80, required=False, description="Empty or absent: `API`.")},
                        optional=("name",)),
    "GroupCreate": obj({"name": text(120), "description": text(2000, required=False),
                        "visibility": {**enum("public", "private", "secret"), "default": "public"},
                        "kind": {**enum("project", "community"), "default": "project"}},
                       optional=("description", "visibility", "kind")),
    "GroupUpdate": obj({"name": text(120), "description": text(2000, required=False),
                        "visibility": enum("public", "private", "secret")},
                       optional=("name", "description", "visibility"), description="Absent fields stay."),
    "JoinBody": obj({"message": text(500, required=False)}, optional=("message",),
                    description="A note for the leads of a private group."),
    "MemberSet": obj({"user_id": ID, "role": {**enum("member", "lead"), "default": "member"}},
                     optional=("role",)),
    "PostCreate": obj({"body": text(20_000, description="Markdown; @mentions and #topics are linked. "
                                    "`@all` in a group notifies every member (its leads only: 403)."),
                       "group_id": {**ID_OR_NULL, "description": "Null or absent: the company feed."},
                       "announcement": {**BOOL, "default": False},
                       "kind": enum("post", "question", description="A question gets a best answer; "
                                    "a poll is given by `poll` instead."),
                       "poll": {"oneOf": [ref("PollCreate"), {"type": "null"}]}},
                      optional=("group_id", "announcement", "kind", "poll")),
    "PollCreate": obj({
        "options": {"type": "array", "minItems": 2, "maxItems": 10, "uniqueItems": True,
                    "items": text(200), "description": "2 to 10 different options, in order."},
        "multiple": {**BOOL, "default": False, "description": "Several choices allowed."},
        "votes_shown": {**BOOL, "default": False, "description": "Readers see who voted for what."},
        "closes_at": {**TIME_OR_NULL, "description": "In the future, within a year; null: never."},
    }, optional=("multiple", "votes_shown", "closes_at")),
    "VoteBody": obj({"option_ids": {**ids(max_items=10), "description": (
        "My whole vote: one option (several if the poll allows); `[]` withdraws it.")}}),
    "AnswerBody": obj({"comment_id": {**ID_OR_NULL, "description": (
        "A comment of this question; null clears the best answer.")}}),
    "PostCreateWithFiles": obj({
        "body": text(20_000, required=False, description=EMPTY_WITH_FILES),
        "group_id": {**STR, "pattern": "^[0-9]{0,19}$",
                     "description": "A group id, or empty for the company feed."},
        "announcement": {**STR, "description": "`1` for an announcement."},
        "files": {**array({"type": "string", "contentMediaType": "application/octet-stream"}),
                  "description": FILE_TYPES},
    }, optional=("body", "group_id", "announcement", "files")),
    "CommentCreateWithFiles": obj({
        "body": text(5_000, required=False, description=EMPTY_WITH_FILES),
        "files": {**array({"type": "string", "contentMediaType": "application/octet-stream"}),
                  "description": FILE_TYPES},
    }, optional=("body", "files")),
    "MessageCreate": obj({"body": text(10_000, description="Markdown."),
                          "reply_to": {**ID_OR_NULL, "description": "Reply in this message's thread."}},
                         optional=("reply_to",)),
    "MessageCreateWithFiles": obj({
        "body": text(10_000, required=False, description=EMPTY_WITH_FILES),
        "reply_to": {**STR, "pattern": "^[0-9]{0,19}$", "description": "A message id, or empty."},
        "files": {**array({"type": "string", "contentMediaType": "application/octet-stream"}),
                  "description": FILE_TYPES},
    }, optional=("body", "files", "reply_to")),
    "PostBody": obj({"body": text(20_000, description="Markdown.")}),
    "CommentBody": obj({"body": text(5_000, description="Markdown.")}),
    "MessageBody": obj({"body": text(10_000, description="Markdown.")}),
    "ReactionCreate": obj({"kind": enum(*REACTION_KINDS)}),
    "PinBody": obj({"pinned": {**BOOL, "default": True}}, optional=("pinned",)),
    "ConversationCreate": obj({"user_ids": ids(min_items=1, max_items=50, description="The other people."),
                               "title": text(120, required=False)}, optional=("title",)),
    "ConversationUpdate": obj({"title": text(120, required=False), "muted": BOOL},
                              optional=("title", "muted"), description="Absent fields stay."),
    "ParticipantsAdd": obj({"user_ids": ids(min_items=1, max_items=50)}),
    "ReadBody": obj({"message_id": {**ID, "description": "The newest message I have seen."}}),
    "MarkRead": obj({"ids": ids()}, optional=("ids",), description="No `ids`: mark all read."),
}

SCHEMAS: dict[str, Schema] = {**RESOURCES, **EVENTS, **REQUESTS}

SOCKETIO: dict[str, Any] = {
    "description": (
        "Live updates over Socket.IO (path `/socket.io`). Connect with the session cookie (same "
        "origin) or `io({auth: {token: \"<api token>\"}})`; anonymous or deactivated accounts are "
        "refused. The server chooses the rooms: your own events, your groups' events and "
        "company-wide events. Every durable event carries `type` and an increasing `event_id`: "
        "remember the last one and, after a reconnect, fetch `GET /api/v1/events?after=<id>` "
        "(same payloads) and de-duplicate by `event_id`; the events of conversations I am in "
        "are included. The same catch-up is asked over the socket with `catch_up` `{after}`, "
        "acknowledged with `{ok, events, last_event_id, more}` (up to 500 events). Clients never "
        "write over the socket except `ping_alive`, `catch_up` and the ephemeral messaging "
        "signals `typing`, `presence` and `focus` (each answers `{ok}`)."
    ),
    "path": "/socket.io",
    "auth": {"cookie": "The session cookie of a logged-in page.",
             "token": {"type": "object", "properties": {"token": STR}, "required": ["token"]}},
    "events": {
        "post": ref("PostEvent"), "comment": ref("CommentEvent"), "reaction": ref("ReactionEvent"),
        "notification": ref("NotificationEvent"), "group": ref("GroupEvent"),
        "message": ref("MessageEvent"), "conversation": ref("ConversationEvent"), "read": ref("ReadEvent"),
        "typing": ref("TypingSignal"), "presence": ref("PresenceEvent"),
        "case": ref("CaseEvent"), "incident": ref("IncidentEvent"), "session_ended": ref("SessionEnded"),
        "poll": ref("PollEvent"), "bookmark": ref("BookmarkEvent"), "follow": ref("FollowEvent"),
        "scheduled": ref("ScheduledEvent"), "task": ref("TaskEvent"),
    },
    "client_events": {"typing": ref("TypingSignal"), "presence": ref("PresenceSignal"),
                      "focus": ref("FocusSignal"), "ping_alive": {"type": "null"},
                      "watch_post": {"type": "object", "required": ["post_id"],
                                     "properties": {"post_id": ID}, "description": (
                                         "The page shows this post: its comments, reactions and "
                                         "poll votes arrive live if I may read it (`{ok}`).")},
                      "catch_up": {"type": "object", "required": ["after"],
                                   "properties": {"after": {"type": "integer", "minimum": 0},
                                                  "post_id": ID}, "description": (
                                       "`post_id`: the post the page shows; its room is joined "
                                       "(as `watch_post`) and its events come too, if I may "
                                       "read it (as `GET /events?post_id=`).")}},
}
