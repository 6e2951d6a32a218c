"""The live side of the document: the Socket.IO events' schemas (``EVENTS``, OpenAPI components
like the others) and the ``x-socketio`` description of the connection, its rooms and the events
each way (``SOCKETIO``). Kept next to what ``platform/events.py`` and ``realtime/`` send: change
one, change the other."""

from __future__ import annotations

from typing import Any

from intranet.models import REACTION_KINDS
from intranet.views.api.openapi.schemas import (
    BOOL,
    COUNTS,
    ID,
    INT,
    INT_OR_NULL,
    STR,
    Schema,
    array,
    enum,
    obj,
    ref,
)


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
