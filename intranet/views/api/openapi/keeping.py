"""The OpenAPI part of bookmarks, drafts, follows and scheduled posts (``views/api/keeping.py``),
joined to the document by ``register``."""

from __future__ import annotations

from typing import Any

from intranet.views.api.openapi.document import op, register, write
from intranet.views.api.openapi.schemas import (
    BOOL,
    ID_OR_NULL,
    INT,
    STR,
    STR_OR_NULL,
    TIME,
    array,
    enum,
    nullable,
    obj,
    ref,
    text,
)
from intranet.views.api.params import CURSOR

NEXT = {**STR_OR_NULL, "description": "Pass as `cursor` for the next page; null on the last page."}

SCHEMAS: dict[str, Any] = {
    "BookmarkList": obj({"items": {**array(ref("Post")), "description": (
        "Saved posts I may still read, the most recently saved first.")}, "next_cursor": NEXT}),
    "BookmarkResult": obj({"saved": BOOL, "post": ref("Post")}),
    "Draft": obj({"group": {**nullable("GroupRef"), "description": "Null: the company feed."},
                  "body": STR, "updated_at": TIME}),
    "DraftList": obj({"items": {**array(ref("Draft")), "description": (
        "A draft of a group I may no longer see is left out: a page may hold fewer than `limit`.")},
                      "next_cursor": NEXT}),
    "DraftSave": obj({"group_id": {**ID_OR_NULL, "description": "Null or absent: the company feed."},
                      "body": text(20_000, required=False, description=(
                          "What I am writing; empty or blank discards the draft."))},
                     optional=("group_id",)),
    "DraftResult": obj({"draft": {**nullable("Draft"), "description": "Null: discarded."}}),
    "FollowList": obj({"people": array(ref("UserRef")), "topics": array(STR), "next_cursor": NEXT},
                      description="A page of `limit` follows, the most recent first, split into "
                                  "people (deactivated ones left out) and #topics."),
    "FollowPersonResult": obj({"following": BOOL, "user": ref("UserRef")}),
    "FollowTopicResult": obj({"following": BOOL, "topic": STR}),
    "ScheduledPost": obj({
        "id": INT, "group": nullable("GroupRef"), "body": STR, "kind": enum("post", "poll", "question"),
        "announcement": BOOL, "poll": {"type": ["object", "null"], "description": "The poll's rules."},
        "publish_at": TIME, "created_at": TIME,
        "error": {**STR_OR_NULL, "description": "Why it could not be published (it then stays)."},
    }),
    "ScheduledList": obj({"items": array(ref("ScheduledPost")), "next_cursor": NEXT}),
    "ScheduledCreate": obj({
        "body": text(20_000, description="Markdown, as for a post."),
        "publish_at": {**TIME, "description": "At least a minute from now, within a year "
                                              "(an offset is required: `Z` or `+01:00`)."},
        "group_id": {**ID_OR_NULL, "description": "Null or absent: the company feed."},
        "announcement": {**BOOL, "default": False},
        "kind": enum("post", "question"),
        "poll": {"oneOf": [ref("PollCreate"), {"type": "null"}]},
    }, optional=("group_id", "announcement", "kind", "poll")),
}
PAGED = ("Mine alone: nobody else sees or changes them. A page at a time: pass `next_cursor` back "
         "as `cursor` until it is null.")
PAGE = ("Limit", "KeepingCursor")
PATHS: dict[str, Any] = {
    "/me/bookmarks": {"get": op("listBookmarks", "My saved posts", tag="keeping", answer="BookmarkList",
                                query=PAGE, description=PAGED)},
    "/me/bookmarks/{post_id}": {
        "put": write(op("addBookmark", "Save a post I may read (idempotent)", tag="keeping",
                        answer="BookmarkResult", errors=(404,))),
        "delete": write(op("removeBookmark", "Take a post off my saved posts (idempotent)",
                           tag="keeping", status=204, errors=(404,))),
    },
    "/me/drafts": {
        "get": op("listDrafts", "My drafts, one per place, the latest changed first", tag="keeping",
                  answer="DraftList", query=PAGE, description=PAGED),
        "put": write(op("saveDraft", "Keep what I am writing in a place", tag="keeping",
                        answer="DraftResult", body="DraftSave", errors=(404,),
                        description="A group I may not post in: 404. Publishing or scheduling a "
                                    "post in the place discards its draft.")),
    },
    "/me/follows": {"get": op("listFollows", "The people and #topics I follow", tag="keeping",
                              answer="FollowList", query=PAGE, description=PAGED)},
    "/me/follows/people/{user_id}": {
        "put": write(op("followPerson", "Follow a colleague: their posts I may read join my home feed",
                        tag="keeping", answer="FollowPersonResult", errors=(404,),
                        description="Myself: 400.")),
        "delete": write(op("unfollowPerson", "Stop following a colleague (idempotent)", tag="keeping",
                           status=204, errors=(404,))),
    },
    "/me/follows/topics/{name}": {
        "put": write(op("followTopic", "Follow a #topic: posts tagged with it that I may read join "
                        "my home feed", tag="keeping", answer="FollowTopicResult", errors=(404,))),
        "delete": write(op("unfollowTopic", "Stop following a #topic (idempotent)", tag="keeping",
                           status=204, errors=(404,))),
    },
    "/me/scheduled": {
        "get": op("listScheduled", "My scheduled posts, the next first", tag="keeping",
                  answer="ScheduledList", query=PAGE, description=PAGED),
        "post": write(op("schedulePost", "Write a post to publish later", tag="keeping",
                         answer="ScheduledPost", status=201, body="ScheduledCreate", errors=(403, 404),
                         description="Checked now (place, rights, text, poll) and again at "
                                     "publication by the scheduler, which sends its events and "
                                     "notifications then. No files.")),
    },
    "/me/scheduled/{scheduled_id}": {"delete": write(op(
        "cancelScheduled", "Cancel one of my scheduled posts", tag="keeping", status=204,
        errors=(404,), description="Someone else's, or already published: 404."))},
}
PARAMS: dict[str, Any] = {
    "KeepingCursor": {"name": "cursor", "in": "query",
                      "schema": {"type": "string", "pattern": f"^{CURSOR.pattern}$"},
                      "description": "The previous page's `next_cursor` (anything else: 400). "
                                     "Absent: the first page."},
}
register(PATHS, PARAMS, SCHEMAS)
