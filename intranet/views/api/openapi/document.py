"""The OpenAPI 3.1 document of /api/v1, served at GET /api/v1/openapi.json.

Written by hand as data (no YAML, no generator): each route below names its request body,
answer and error statuses. A test checks that every registered /api/v1 rule is documented here
and that nothing documented is missing from the app.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask import Response, jsonify

from intranet.views.api import bp
from intranet.views.api.openapi.events import EVENTS, SOCKETIO
from intranet.views.api.openapi.schemas import ID, REQUESTS, RESOURCES, Schema, ref

# Every component schema; ``register`` adds each other part's (and the inbox's) to it.
SCHEMAS: dict[str, Schema] = {**RESOURCES, **EVENTS, **REQUESTS}

ERRORS = {
    400: ("BadRequest", "Malformed JSON, a wrong type or an invalid value; `field` names the culprit."),
    401: ("Unauthorized", "Log in, or send a valid `Authorization: Bearer` token."),
    403: ("Forbidden", "You can see this, but this action is not yours to take."),
    404: ("NotFound", "Missing or hidden from you (the API does not tell them apart)."),
    409: ("Conflict", "Already done (reacted, joined, acknowledged) or would break a rule."),
    413: ("PayloadTooLarge", "The request body is too large."),
    415: ("UnsupportedMediaType", "Send JSON with `Content-Type: application/json`."),
    429: ("TooManyRequests", "Too many attempts; wait a minute."),
}
PARAMETERS: dict[str, Any] = {
    "Before": {"name": "before", "in": "query", "schema": ID,
               "description": "Only items with a smaller id (the previous page's `next_before`)."},
    "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100,
                                                         "default": 20}},
    "After": {"name": "after", "in": "query", "schema": {**ID, "minimum": 0},
              "description": "The last `event_id` seen. Absent: no events, `last_event_id` is now."},
    "EventLimit": {"name": "limit", "in": "query",
                   "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}},
    "EventPost": {"name": "post_id", "in": "query", "schema": ID,
                  "description": "The post a page shows: its events (comments, reactions, poll "
                                 "results) come too, when I may open it (else it adds nothing)."},
    "MessageAfter": {"name": "after", "in": "query", "schema": {**ID, "minimum": 0},
                     "description": "Catch-up: messages with a larger id, oldest first."},
    "MessageBefore": {"name": "before", "in": "query", "schema": ID,
                      "description": "Without `after`: the page of messages older than this id."},
    "ConversationQ": {"name": "q", "in": "query", "required": True,
                      "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
                      "description": 'Words, "phrases", -exclude, OR, prefix*: the search language, '
                                     "stemmed and accent-folded (French and English)."},
    "MessageLimit": {"name": "limit", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}},
    "Q": {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 500},
          "description": 'Words, "phrases", -exclude, OR, prefix*, from:, in:, type:, skill:, #topic, '
                         "before:/after: (YYYY[-MM[-DD]]), type:question, is:unanswered, is:answered. "
                         "A syntax error is a 400 naming the position."},
    "SearchType": {"name": "type", "in": "query", "schema": {"type": "string", "enum": [
        "post", "comment", "file", "group", "person", "message", "case"]}},
    "SearchFilters": {"name": "group", "in": "query", "schema": ID,
                      "description": "Only this group's content (also: `department`, `author` ids, "
                                     "`date`=week|month|year, `sort`=relevance|newest)."},
    "Cursor": {"name": "cursor", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{1,4}$"},
               "description": "The previous page's `next_cursor` (results past the first 1000: 400)."},
    "Unread": {"name": "unread", "in": "query", "schema": {"type": "boolean", "default": False},
               "description": "Only unread notifications (`1`/`true`)."},
}
READ_AUTH = [{"bearer": []}, {"cookie": []}]
WRITE_AUTH = [{"bearer": []}, {"cookie": [], "csrf": []}]


def op(op_id: str, summary: str, *, tag: str, answer: str | None = None, status: int = 200,
       body: str | None = None, body_optional: bool = False, query: tuple[str, ...] = (),
       errors: tuple[int, ...] = (), public: bool = False, description: str = "") -> dict[str, Any]:
    """One operation; 401 (unless public) and 400 (when there is input) are added for you."""
    responses: dict[str, Any] = {}
    if status == 204:
        responses["204"] = {"description": "Done; no content."}
    else:
        content = {"application/json": {"schema": ref(answer)}} if answer else {}
        responses[str(status)] = {"description": "OK" if status == 200 else "Created", "content": content}
    implied = ((400,) if body or query else ()) + (() if public else (401,))
    for code in sorted(set(errors) | set(implied) | ({413, 415} if body else set())):
        responses[str(code)] = {"$ref": f"#/components/responses/{ERRORS[code][0]}"}
    operation: dict[str, Any] = {"operationId": op_id, "summary": summary, "tags": [tag],
                                 "parameters": [{"$ref": f"#/components/parameters/{q}"} for q in query],
                                 "responses": responses}
    if description:
        operation["description"] = description
    if body:
        operation["requestBody"] = {"required": not body_optional,
                                    "content": {"application/json": {"schema": ref(body)}}}
    if public:
        operation["security"] = []
    return operation


def write(operation: dict[str, Any], multipart: str | None = None) -> dict[str, Any]:
    operation.setdefault("security", WRITE_AUTH)
    if multipart:
        operation["requestBody"]["content"]["multipart/form-data"] = {"schema": ref(multipart)}
    return operation


PATHS: dict[str, dict[str, dict[str, Any]]] = {
    "/auth/token": {"post": op(
        "createToken", "Trade e-mail and password for an API token", tag="auth", answer="TokenCreated",
        status=201, body="TokenRequest", errors=(401, 403, 429), public=True,
        description="No CSRF token needed. Wrong credentials or a deactivated account: 401. "
                    "Rate-limited like the login form. With local passwords turned off, 403 "
                    "`local_passwords_off` for anyone but the break-glass administrator (people "
                    "signed in by single sign-on make tokens on their profile).")},
    "/auth/tokens": {"get": op("listTokens", "My active API tokens", tag="auth", answer="TokenList")},
    "/auth/tokens/{token_id}": {"delete": write(op("revokeToken", "Revoke one of my tokens", tag="auth",
                                                    status=204, errors=(404,)))},
    "/me": {"get": op("getMe", "Who am I", tag="people", answer="Me")},
    "/groups": {
        "get": op("listGroups", "Groups visible to me, with my role and member counts", tag="groups",
                  answer="GroupList"),
        "post": write(op("createGroup", "Create a project or community group (I lead it)", tag="groups",
                          answer="Group", status=201, body="GroupCreate")),
    },
    "/groups/{group_id}": {
        "get": op("getGroup", "One group", tag="groups", answer="Group", errors=(404,)),
        "patch": write(op("updateGroup", "Rename, describe or change the visibility (leads)", tag="groups",
                           answer="Group", body="GroupUpdate", errors=(403, 404))),
    },
    "/groups/{group_id}/join": {"post": write(op(
        "joinGroup", "Join a public group, or ask to join a private one", tag="groups", answer="JoinResult",
        body="JoinBody", body_optional=True, errors=(404, 409)))},
    "/groups/{group_id}/leave": {"post": write(op(
        "leaveGroup", "Leave a group", tag="groups", answer="LeaveResult", errors=(404, 409),
        description="The last lead cannot leave (409): promote someone first."))},
    "/groups/{group_id}/members": {
        "get": op("listMembers", "Members, leads first (members only for private groups)", tag="groups",
                  answer="MemberList", errors=(403, 404)),
        "post": write(op("setMember", "Add someone or change their role (leads)", tag="groups",
                          answer="Member", body="MemberSet", errors=(403, 404, 409))),
    },
    "/groups/{group_id}/members/{user_id}": {"delete": write(op(
        "removeMember", "Remove someone from the group (leads)", tag="groups", status=204,
        errors=(403, 404, 409)))},
    "/groups/{group_id}/posts": {"get": op(
        "groupPosts", "A group's posts, newest first", tag="feed", answer="PostPage",
        query=("Before", "Limit"), errors=(403, 404))},
    "/feed": {"get": op("homeFeed", "The company feed and my groups, newest first", tag="feed",
                        answer="PostPage", query=("Before", "Limit"))},
    "/topics/{name}/posts": {"get": op(
        "topicPosts", "Posts tagged #name that I may read (unknown topic: empty)", tag="feed",
        answer="PostPage", query=("Before", "Limit"))},
    "/posts": {"post": write(op(
        "createPost", "Write a post in a group or on the company feed", tag="posts", answer="Post",
        status=201, body="PostCreate", errors=(403, 404),
        description="Unknown or hidden `group_id`: 404; a group I am not in: 403; announcements "
                    "are for leads (admins on the company feed). To share files, send "
                    "`multipart/form-data` with the same fields and one `files` part per file."),
        multipart="PostCreateWithFiles")},
    "/posts/{post_id}": {
        "get": op("getPost", "One post", tag="posts", answer="Post", errors=(404,)),
        "patch": write(op("editPost", "Edit my post", tag="posts", answer="Post", body="PostBody",
                           errors=(403, 404))),
        "delete": write(op("deletePost", "Delete my post (or moderate one)", tag="posts", status=204,
                            errors=(403, 404))),
    },
    "/posts/{post_id}/pin": {"post": write(op(
        "pinPost", "Pin or unpin a post (leads, admins)", tag="posts", answer="Post", body="PinBody",
        body_optional=True, errors=(403, 404)))},
    "/posts/{post_id}/ack": {"post": write(op(
        "acknowledgePost", "Acknowledge an announcement", tag="posts", answer="Post",
        errors=(400, 404, 409)))},
    "/posts/{post_id}/comments": {
        "get": op("listComments", "A post's comments, oldest first", tag="posts", answer="CommentList",
                  errors=(404,)),
        "post": write(op("createComment", "Comment on a post", tag="posts", answer="Comment", status=201,
                          body="CommentBody", errors=(404,),
                          description="To send photos or files, `multipart/form-data` with `body` "
                                      "and one `files` part per file."),
                      multipart="CommentCreateWithFiles"),
    },
    "/comments/{comment_id}": {
        "patch": write(op("editComment", "Edit my comment", tag="posts", answer="Comment", body="CommentBody",
                           errors=(403, 404))),
        "delete": write(op("deleteComment", "Delete my comment (or moderate one)", tag="posts", status=204,
                            errors=(403, 404))),
    },
    "/posts/{post_id}/votes": {"post": write(op(
        "votePoll", "Vote in a poll (replaces my vote)", tag="posts", answer="Post", body="VoteBody",
        errors=(400, 404, 409), description="Not a poll: 404; a closed poll: 409; an option of "
        "another poll, or several in a single-choice poll: 400."))},
    "/posts/{post_id}/answer": {"post": write(op(
        "markAnswer", "Mark a question's best answer", tag="posts", answer="Post", body="AnswerBody",
        errors=(400, 403, 404), description="The person who asked, or a lead of the group (admins on "
        "the company feed). Not a question, or a comment of another post: 400."))},
    "/posts/{post_id}/reactions": {"post": write(op(
        "addReaction", "React to a post", tag="posts", answer="ReactionResult", status=201,
        body="ReactionCreate", errors=(404, 409), description="The same reaction twice: 409."))},
    "/posts/{post_id}/reactions/{kind}": {"delete": write(op(
        "removeReaction", "Take my reaction back", tag="posts", status=204, errors=(400, 404)))},
    "/search": {"get": op(
        "search", "Search posts, comments, files, groups and people I may open", tag="search",
        answer="SearchPage", query=("Q", "SearchType", "Limit", "Cursor", "SearchFilters"))},
    "/notifications": {"get": op(
        "listNotifications", "My notifications, newest first", tag="notifications",
        answer="NotificationPage", query=("Before", "Limit", "Unread"))},
    "/notifications/read": {"post": write(op(
        "markNotificationsRead", "Mark some or all of my notifications read", tag="notifications",
        answer="MarkReadResult", body="MarkRead", body_optional=True))},
    "/events": {"get": op(
        "catchUpEvents", "Events after the last one I saw (catch-up)", tag="realtime", answer="EventPage",
        query=("After", "EventLimit", "EventPost"),
        description="Everything visible to me after `after`, oldest first, with the payloads the "
                    "socket sends (see `x-socketio`). Page with `last_event_id` while `more`.")},
    "/conversations": {
        "get": op("listConversations", "My conversations, most recent activity first", tag="messaging",
                  answer="ConversationList"),
        "post": write(op(
            "startConversation", "Start a conversation (or reopen the direct one)", tag="messaging",
            answer="Conversation", status=201, body="ConversationCreate",
            description="One other person and no `title`: the direct conversation between us, reused "
                        "if it exists (answer 200, not 201). Otherwise a new group conversation. "
                        "Unknown or deactivated people, more than 50 others, or nobody: 400.")),
    },
    "/conversations/unread": {"get": op(
        "unreadMessages", "My unread message counts (the nav badge)", tag="messaging", answer="UnreadCounts",
        description="`total` leaves muted conversations out; `conversations` lists only non-zero counts.")},
    "/conversations/{conversation_id}": {
        "get": op("getConversation", "One of my conversations", tag="messaging", answer="Conversation",
                  errors=(404,), description="Participants only: admins and leads get 404 too."),
        "patch": write(op("updateConversation", "Rename (group conversations) or mute for me",
                           tag="messaging", answer="Conversation", body="ConversationUpdate", errors=(404,))),
    },
    "/conversations/{conversation_id}/participants": {"post": write(op(
        "addParticipants", "Add people to a group conversation I am in", tag="messaging",
        answer="Conversation", body="ParticipantsAdd", errors=(404,),
        description="Direct conversations stay between two people (400); at most 51 people."))},
    "/conversations/{conversation_id}/leave": {"post": write(op(
        "leaveConversation", "Leave a conversation", tag="messaging", status=204, errors=(404,),
        description="No more messages or access. A new message in a direct conversation brings "
                    "me back into it."))},
    "/conversations/{conversation_id}/messages": {
        "get": op("listMessages", "Messages of a conversation (catch-up with `after`)", tag="messaging",
                  answer="MessagePage", query=("MessageAfter", "MessageBefore", "MessageLimit"),
                  errors=(404,),
                  description="Thread replies are included, in id order (`reply_to_id` names their "
                              "root); `/messages/{id}/replies` lists one thread."),
        "post": write(op("sendMessage", "Send a message", tag="messaging", answer="Message", status=201,
                          body="MessageCreate", errors=(404,),
                          description="Empty or longer than 10,000 characters: 400. Nobody able to "
                                      "receive it (deactivated accounts): 400. `reply_to`: a message "
                                      "of this conversation, to reply in its thread (a reply's "
                                      "root when it is a reply; unknown or deleted: 400). To send "
                                      "files, `multipart/form-data` with `body` and one `files` part "
                                      "per file (a type not accepted, too large or too many: 400)."),
                   multipart="MessageCreateWithFiles"),
    },
    "/conversations/{conversation_id}/search": {"get": op(
        "searchConversation", "Messages of this conversation matching `q`, newest first (50)",
        tag="messaging", answer="MessageSearch", query=("ConversationQ",), errors=(404,))},
    "/messages/{message_id}/replies": {"get": op(
        "listReplies", "A thread: the replies to a message, oldest first", tag="messaging",
        answer="ReplyPage", query=("MessageAfter", "MessageLimit"), errors=(404,))},
    "/messages/{message_id}/reactions": {"post": write(op(
        "reactToMessage", "React to a message (once per kind)", tag="messaging",
        answer="ReactionResult", status=201, body="ReactionCreate", errors=(404, 409),
        description="Participants see it live (`message` event, op `react`)."))},
    "/messages/{message_id}/reactions/{kind}": {"delete": write(op(
        "unreactToMessage", "Remove my reaction from a message", tag="messaging", status=204,
        errors=(404,)))},
    "/conversations/{conversation_id}/read": {"post": write(op(
        "markConversationRead", "Move my read position (never backwards)", tag="messaging",
        answer="ReadResult", body="ReadBody", errors=(404,)))},
    "/messages/{message_id}": {
        "get": op("getMessage", "One message", tag="messaging", answer="Message", errors=(404,)),
        "patch": write(op("editMessage", "Edit my message", tag="messaging", answer="Message",
                           body="MessageBody", errors=(403, 404))),
        "delete": write(op("deleteMessage", "Delete my message (shows as deleted)", tag="messaging",
                            status=204, errors=(403, 404))),
    },
    "/openapi.json": {"get": op("openapi", "This document", tag="meta", public=True)},
}


def register(paths: dict[str, Any], parameters: dict[str, Any], schemas: dict[str, Any]) -> None:
    """An app's paths, parameters and schemas join the document (the inbox's ``init_app``)."""
    PATHS.update(paths)
    PARAMETERS.update(parameters)
    SCHEMAS.update(schemas)
    document.cache_clear()


def _path_parameters(path: str) -> list[dict[str, Any]]:
    """``{group_id}``-style names are database ids, the others (``{kind}``, ``{name}``) text."""
    return [{"name": name, "in": "path", "required": True,
             "schema": ID if name.endswith("_id") else {"type": "string", "minLength": 1}}
            for name in re.findall(r"{(\w+)}", path)]


def _with_not_found(operations: dict[str, Any]) -> dict[str, Any]:
    """An operation on a path with parameters can always answer 404 (a missing or hidden id, a
    number beyond a database integer, a path with a control character)."""
    not_found = {"$ref": f"#/components/responses/{ERRORS[404][0]}"}
    return {method: {**operation, "responses": {**operation["responses"], "404": not_found}}
            for method, operation in operations.items()}


def _responses() -> dict[str, Any]:
    return {name: {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
            for name, text in ERRORS.values()}


@cache
def document() -> dict[str, Any]:
    paths = {path: {"parameters": _path_parameters(path), **_with_not_found(ops)} if "{" in path else ops
             for path, ops in PATHS.items()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "intranet API", "version": "1.0.0",
                 "description": "Posts, groups, notifications and live-update catch-up. Errors are "
                                "`{\"error\": {\"code\", \"message\"}}`; hidden and missing both "
                                "answer 404. Input rules for every operation: ids and cursors are "
                                "whole numbers from 0 to 2^31-1; JSON bodies are at most 1 MB and 32 "
                                "levels deep, without NaN or infinities; text (bodies, query strings, "
                                "form fields) holds no control character but tab, CR and LF and no "
                                "lone UTF-16 surrogate. Anything else is a 400 (413 over the size, "
                                "415 not JSON), never a 5xx."},
        "servers": [{"url": "/api/v1"}],
        "security": READ_AUTH,
        "tags": [{"name": "realtime", "description": SOCKETIO["description"]}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS, "parameters": PARAMETERS, "responses": _responses(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "A token from POST /auth/token or the profile page. No CSRF."},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "session",
                           "description": "The browser session of a logged-in page."},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
                         "description": "With the cookie, on writes: the page's `csrf-token` meta value."},
            },
        },
        "x-socketio": SOCKETIO,
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())
