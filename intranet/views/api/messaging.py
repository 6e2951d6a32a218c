"""Conversations and messages. Only participants see a conversation: anyone else, admins and
leads included, gets 404 for it, its messages and its read state."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from intranet.access import messaging as access_messaging
from intranet.actions.files import do_send_message_with_files
from intranet.actions.message_social import do_add_message_reaction, do_remove_message_reaction
from intranet.actions.messaging import (
    do_add_participants,
    do_delete_message,
    do_edit_message,
    do_leave,
    do_mark_read,
    do_rename,
    do_set_muted,
    do_start_conversation,
)
from intranet.platform import db
from intranet.platform.errors import Invalid
from intranet.platform.inputs import parse_int
from intranet.platform.web import json_body
from intranet.queries import conversations
from intranet.search.query.conversation import find_in_conversation
from intranet.views.api import bp
from intranet.views.api.params import boolean, integer, me, query_int, text
from intranet.views.api.serializers import conversation_json, message_json
from intranet.views.files import uploads_from_request


def _conversation(conversation) -> dict:
    return conversation_json(conversations.conversation_view(db.session, me(), conversation), me())


@bp.get("/conversations")
@login_required
def conversation_list() -> Response:
    """Most recent activity first, with unread counts; ``unread_total`` leaves muted ones out."""
    views = conversations.conversation_list(db.session, me())
    return jsonify(items=[conversation_json(v, me()) for v in views],
                   unread_total=conversations.unread_total(db.session, me()))


@bp.get("/conversations/unread")
@login_required
def conversation_unread() -> Response:
    """The badge's numbers, cheaper than the list: per conversation, and the total (not muted)."""
    counts = conversations.unread_counts(db.session, me())
    return jsonify(total=conversations.unread_total(db.session, me()),
                   conversations={str(cid): n for cid, n in counts.items() if n})


@bp.post("/conversations")
@login_required
def conversation_create() -> tuple[Response, int, dict]:
    """201 for a new conversation; 200 when the direct conversation with that person exists."""
    data = json_body()
    if "user_ids" not in data:
        raise Invalid(_("%(name)s is required.", name="user_ids"), field="user_ids")
    with db.transaction() as s:
        conversation, created = do_start_conversation(s, me(), data["user_ids"], text(data, "title"))
    location = url_for(".conversation", conversation_id=conversation.id)
    return jsonify(_conversation(conversation)), 201 if created else 200, {"Location": location}


@bp.get("/conversations/<int:conversation_id>")
@login_required
def conversation(conversation_id: int) -> Response:
    return jsonify(_conversation(access_messaging.access_conversation(me(), conversation_id)))


@bp.patch("/conversations/<int:conversation_id>")
@login_required
def conversation_update(conversation_id: int) -> Response:
    """Rename (``title``, group conversations) and/or mute for me (``muted``)."""
    found, data = access_messaging.access_conversation(me(), conversation_id), json_body()
    with db.transaction() as s:
        if "title" in data:
            do_rename(s, me(), found, text(data, "title", default=""))
        if "muted" in data:
            do_set_muted(s, me(), found, boolean(data, "muted"))
    return jsonify(_conversation(found))


@bp.post("/conversations/<int:conversation_id>/participants")
@login_required
def conversation_add(conversation_id: int) -> Response:
    found, data = access_messaging.access_conversation(me(), conversation_id), json_body()
    with db.transaction() as s:
        do_add_participants(s, me(), found, data.get("user_ids"))
    return jsonify(_conversation(found))


@bp.post("/conversations/<int:conversation_id>/leave")
@login_required
def conversation_leave(conversation_id: int) -> tuple[str, int]:
    found = access_messaging.access_conversation(me(), conversation_id)
    with db.transaction() as s:
        do_leave(s, me(), found)
    return "", 204


@bp.get("/conversations/<int:conversation_id>/messages")
@login_required
def message_list(conversation_id: int) -> Response:
    """``after``: catch-up, oldest first from that id (page while ``more``). Without it: the newest
    page, oldest first, and ``next_before`` for older ones."""
    found = access_messaging.access_conversation(me(), conversation_id)
    after, before = query_int("after", low=0), query_int("before", low=1)
    limit = query_int("limit", default=conversations.PAGE_SIZE, low=1, high=conversations.MAX_AFTER)
    if after is not None:
        rows, more = conversations.messages_after(db.session, found, after, limit)
        next_before = None
    else:
        rows, next_before = conversations.messages_before(db.session, found, before, limit)
        more = False
    return jsonify(items=_messages(rows), more=more, next_before=next_before)


def _messages(rows: list) -> list[dict]:
    reactions = conversations.reactions_of(db.session, (m.id for m in rows), me().id)
    return [message_json(m, me(), reactions) for m in rows]


@bp.post("/conversations/<int:conversation_id>/messages")
@login_required
def message_create(conversation_id: int) -> tuple[Response, int]:
    """JSON ``{"body", "reply_to"}``, or multipart/form-data with ``body``, ``reply_to`` and
    ``files`` parts (as for posts). ``reply_to``: a message id, to reply in its thread."""
    found = access_messaging.access_conversation(me(), conversation_id)
    multipart = request.mimetype == "multipart/form-data"
    if multipart:
        raw = (request.form.get("reply_to") or "").strip()
        reply_to = parse_int(raw, low=1) if raw else None
        if raw and reply_to is None:
            raise Invalid(_("%(name)s must be an integer.", name="reply_to"), field="reply_to")
        data = {"body": request.form.get("body"), "reply_to": reply_to}
    else:
        data = json_body()
    uploads = uploads_from_request() if multipart else []
    with db.transaction() as s:
        message = do_send_message_with_files(s, me(), found, text(data, "body"), uploads,
                                             reply_to=integer(data, "reply_to"))
    return jsonify(message_json(message, me(), {})), 201


@bp.get("/conversations/<int:conversation_id>/search")
@login_required
def conversation_search(conversation_id: int) -> Response:
    """Messages of this conversation matching ``q`` (the search language, stemmed and accent-
    folded), newest first, 50 at most; ``truncated``: only the newest 5,000 were searched."""
    found = access_messaging.access_conversation(me(), conversation_id)
    q = request.args.get("q", "")
    if not q.strip() or len(q) > 200:
        raise Invalid(_("Type between 1 and 200 characters to search."), field="q")
    result = find_in_conversation(db.session, found, q)
    return jsonify(items=_messages(result.messages), truncated=result.truncated)


@bp.get("/messages/<int:message_id>/replies")
@login_required
def message_replies(message_id: int) -> Response:
    """A thread: the replies to a root message, oldest first, from ``after`` (page while ``more``)."""
    root = access_messaging.access_message(me(), message_id)
    after = query_int("after", default=0, low=0)
    limit = query_int("limit", default=conversations.MAX_AFTER, low=1, high=conversations.MAX_AFTER)
    rows, more = conversations.messages_after(db.session, root.conversation, after, limit, thread=root.id)
    return jsonify(items=_messages(rows), more=more)


@bp.post("/messages/<int:message_id>/reactions")
@login_required
def message_reaction_add(message_id: int) -> tuple[Response, int]:
    """Reacting twice with the same kind is a 409 (as for posts)."""
    found, data = access_messaging.access_message(me(), message_id), json_body()
    kind = text(data, "kind", required=True)
    with db.transaction() as s:
        do_add_message_reaction(s, me(), found, kind)
    counts, _mine = conversations.reactions_of(db.session, [found.id], me().id).get(found.id, ({}, set()))
    return jsonify(kind=kind, reactions=counts), 201


@bp.delete("/messages/<int:message_id>/reactions/<kind>")
@login_required
def message_reaction_remove(message_id: int, kind: str) -> tuple[str, int]:
    found = access_messaging.access_message(me(), message_id)
    with db.transaction() as s:
        do_remove_message_reaction(s, me(), found, kind)
    return "", 204


@bp.post("/conversations/<int:conversation_id>/read")
@login_required
def conversation_read(conversation_id: int) -> Response:
    """Moves forward only: an older ``message_id`` than my position changes nothing."""
    found, data = access_messaging.access_conversation(me(), conversation_id), json_body()
    with db.transaction() as s:
        position = do_mark_read(s, me(), found, integer(data, "message_id", required=True))
    unread = conversations.unread_counts(db.session, me()).get(found.id, 0)
    return jsonify(conversation_id=found.id, last_read_message_id=position, unread=unread,
                   unread_total=conversations.unread_total(db.session, me()))


@bp.get("/messages/<int:message_id>")
@login_required
def message(message_id: int) -> Response:
    return jsonify(message_json(access_messaging.access_message(me(), message_id), me()))


@bp.patch("/messages/<int:message_id>")
@login_required
def message_edit(message_id: int) -> Response:
    found, data = access_messaging.access_message(me(), message_id), json_body()
    with db.transaction() as s:
        do_edit_message(s, me(), found, text(data, "body", required=True))
    return jsonify(message_json(found, me()))


@bp.delete("/messages/<int:message_id>")
@login_required
def message_delete(message_id: int) -> tuple[str, int]:
    found = access_messaging.access_message(me(), message_id)
    with db.transaction() as s:
        do_delete_message(s, me(), found)
    return "", 204
