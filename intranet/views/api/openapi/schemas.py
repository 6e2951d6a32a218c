"""JSON Schemas (OpenAPI 3.1 components) of the API's bodies and answers, and the helpers every
part of the document writes its schemas with (the Socket.IO events are in ``events.py``).

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
        "job_title": STR, "bio": STR, "locale": STR_OR_NULL, "timezone": STR_OR_NULL, "is_admin": BOOL,
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
