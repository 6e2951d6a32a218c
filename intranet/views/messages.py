"""Messaging pages: my conversations, one conversation, starting one, and their forms.

The pages work without JavaScript (forms post here and redirect); ``static/js/messages.js``
sends, edits, reads and follows live through the JSON API and the fragments below.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import or_, select

from intranet import access
from intranet.access import messaging as access_messaging
from intranet.actions.files import do_send_message_with_files
from intranet.actions.message_social import do_toggle_message_reaction
from intranet.actions.messaging import (
    do_add_participants,
    do_leave,
    do_rename,
    do_set_muted,
    do_start_conversation,
)
from intranet.models import Conversation, Message, User
from intranet.platform import db, presence
from intranet.platform.db import like_pattern
from intranet.platform.errors import Invalid, NotFound
from intranet.platform.inputs import parse_int, query_int
from intranet.queries import conversations
from intranet.search.query.conversation import find_in_conversation
from intranet.views.common import before_arg, done, form_data, frame_value, me
from intranet.views.files import uploads_from_request
from intranet.views.posts import remember_last_event

bp = Blueprint("messages", __name__)
PICKER_LIMIT = 20


def _ids(data: Any, field: str = "to") -> list[int]:
    """``to`` ids from a form (repeated field), a JSON list, or the query string."""
    values = data.getlist(field) if hasattr(data, "getlist") else data.get(field) or []
    values = values if isinstance(values, list) else [values]
    ids = [parse_int(v if isinstance(v, int) else str(v)) for v in values]
    if None in ids:
        raise Invalid(_("Choose people by their ids."), field=field)
    return ids  # type: ignore[return-value]


def _picker(q: str, exclude: set[int]) -> list[User]:
    """Active colleagues whose name or username matches ``q`` (for the start and add forms)."""
    if not q.strip():
        return []
    pattern = like_pattern(q.strip())
    return list(db.session.scalars(
        select(User).where(User.is_active_account, User.id.not_in(exclude),
                           or_(User.name.ilike(pattern, escape="\\"),
                               User.username.ilike(pattern, escape="\\")))
        .order_by(User.name, User.id).limit(PICKER_LIMIT)))


@bp.route("/messages", methods=["GET"])
@login_required
def index() -> str:
    remember_last_event()
    return render_template("messages/index.html", items=conversations.conversation_list(db.session, me()))


@bp.route("/messages/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    """GET ``?to=<id>&to=...`` shows who the conversation is with (and ``q`` finds more people);
    POST starts it (a direct one is reused) and opens it."""
    if request.method == "POST":
        data = form_data()
        with db.transaction() as s:
            found, _created = do_start_conversation(s, me(), _ids(data), data.get("title"))
        return done(None, url_for(".show", conversation_id=found.id), id=found.id)
    chosen_ids = [i for i in _ids(request.args) if i != me().id]
    chosen = [access.access_user(me(), i) for i in dict.fromkeys(chosen_ids)]
    q = request.args.get("q", "")
    matches = _picker(q, {me().id, *chosen_ids})
    return render_template("messages/new.html", chosen=chosen, matches=matches, q=q)


def _with_reactions(*groups: list[Message]) -> dict[int, Any]:
    """The reactions of the messages about to be rendered, in one query."""
    return conversations.reactions_of(db.session, (m.id for rows in groups for m in rows), me().id)


def _thread(found: Conversation, root_id: int | None) -> tuple[Message | None, list[Message]]:
    """A thread's root (404 unless it is a root of this conversation) and its replies."""
    if root_id is None:
        return None, []
    root = conversations.message_by_id(db.session, found, root_id)
    if root is None or root.reply_to_id is not None:
        raise NotFound(_("This message does not exist or is not visible to you."))
    replies, _more = conversations.messages_after(db.session, found, 0, thread=root.id)
    return root, replies


@bp.route("/messages/<int:conversation_id>", methods=["GET"])
@login_required
def show(conversation_id: int) -> str:
    """The conversation beside my list (wide screens), a thread open (``thread``) and the
    messages found by ``q`` in this conversation, each usable without JavaScript."""
    found = access_messaging.access_conversation(me(), conversation_id)
    remember_last_event()
    view = conversations.conversation_view(db.session, me(), found)
    rows, next_before = conversations.messages_before(db.session, found, before_arg(), top_level=True)
    root, replies = _thread(found, query_int("thread", low=1))
    q = request.args.get("q", "").strip()[:200]
    results = find_in_conversation(db.session, found, q) if q else None
    states = presence.registry().states(u.id for u in view.others)  # one look, even shared in Redis
    return render_template("messages/show.html", view=view, messages=rows, next_before=next_before,
                           states=states, items=conversations.conversation_list(db.session, me()),
                           current_id=found.id, thread_root=root, thread_replies=replies, q=q,
                           results=results, reactions=_with_reactions(rows, replies, [root] if root else []))


@bp.route("/messages/<int:conversation_id>/thread/<int:root_id>", methods=["GET"])
@login_required
def thread(conversation_id: int, root_id: int) -> str:
    """The thread panel alone, for the page's script."""
    found = access_messaging.access_conversation(me(), conversation_id)
    root, replies = _thread(found, root_id)
    return render_template("messages/_thread.html", root=root, replies=replies,
                           reactions=_with_reactions([root], replies))


@bp.route("/messages/<int:conversation_id>/fragments", methods=["GET"])
@login_required
def fragments(conversation_id: int) -> str:
    """Server-rendered messages for live pages: all after ``after`` (oldest first, no gaps) of
    the timeline, or of one thread (``thread``), or the current state of one message (``only``,
    after an edit, a deletion, a reaction or a reply)."""
    found = access_messaging.access_conversation(me(), conversation_id)
    view = conversations.conversation_view(db.session, me(), found)
    only, thread_id = query_int("only", low=1), query_int("thread", low=1)
    if only is not None:
        rows = [m for m in [access_messaging.access_message(me(), only)] if m.conversation_id == found.id]
    else:
        rows, _more = conversations.messages_after(db.session, found, query_int("after", default=0),
                                                   top_level=thread_id is None, thread=thread_id)
    return render_template("messages/_messages.html", view=view, messages=rows,
                           reactions=_with_reactions(rows))


@bp.route("/messages/<int:conversation_id>/item", methods=["GET"])
@login_required
def item(conversation_id: int) -> str:
    """One row of the conversation list, for its live reordering."""
    found = access_messaging.access_conversation(me(), conversation_id)
    view = conversations.conversation_view(db.session, me(), found)
    return render_template("messages/_item.html", item=view)


@bp.route("/messages/<int:conversation_id>/send", methods=["POST"])
@login_required
def send(conversation_id: int) -> Response:
    found, data = access_messaging.access_conversation(me(), conversation_id), form_data()
    raw = str(data.get("reply_to") or "").strip()
    reply_to = parse_int(raw, low=1) if raw else None
    if raw and reply_to is None:
        raise Invalid(_("%(name)s must be an integer.", name="reply_to"), field="reply_to")
    with db.transaction() as s:
        message = do_send_message_with_files(s, me(), found, data.get("body"), uploads_from_request(),
                                             reply_to=reply_to)
    if message.reply_to_id:
        target = url_for(".show", conversation_id=found.id, thread=message.reply_to_id,
                         _anchor=f"message-{message.id}")
    else:
        target = url_for(".show", conversation_id=found.id, _anchor=f"message-{message.id}")
    return done(None, target, status=201, id=message.id)


@bp.route("/messages/<int:conversation_id>/react/<int:message_id>", methods=["POST"])
@login_required
def react(conversation_id: int, message_id: int) -> Response:
    """An emoji button under a message: on if it was off, off if it was on."""
    found = access_messaging.access_conversation(me(), conversation_id)
    message = access_messaging.access_message(me(), message_id)
    if message.conversation_id != found.id:
        raise NotFound(_("This message does not exist or is not visible to you."))
    with db.transaction() as s:
        on = do_toggle_message_reaction(s, me(), message, form_data().get("kind"))
    back = url_for(".show", conversation_id=found.id, thread=message.reply_to_id,
                   _anchor=f"message-{message.id}")
    return done(None, back, on=on)


@bp.route("/messages/<int:conversation_id>/rename", methods=["POST"])
@login_required
def rename(conversation_id: int) -> Response:
    found = access_messaging.access_conversation(me(), conversation_id)
    with db.transaction() as s:
        do_rename(s, me(), found, form_data().get("title", ""))
    return done(_("The conversation is renamed."), url_for(".show", conversation_id=found.id))


@bp.route("/messages/<int:conversation_id>/mute", methods=["POST"])
@login_required
def mute(conversation_id: int) -> Response:
    found = access_messaging.access_conversation(me(), conversation_id)
    muted = form_data().get("muted") == "1"
    with db.transaction() as s:
        do_set_muted(s, me(), found, muted)
    message = _("Notifications are off for this conversation.") if muted else _("Notifications are on again.")
    return done(message, url_for(".show", conversation_id=found.id), muted=muted)


@bp.route("/messages/<int:conversation_id>/leave", methods=["POST"])
@login_required
def leave(conversation_id: int) -> Response:
    found = access_messaging.access_conversation(me(), conversation_id)
    with db.transaction() as s:
        do_leave(s, me(), found)
    return done(_("You left the conversation."), url_for(".index"))


@bp.route("/messages/<int:conversation_id>/add", methods=["GET", "POST"])
@login_required
def add(conversation_id: int) -> Any:
    found = access_messaging.access_conversation(me(), conversation_id)
    if request.method == "POST":
        with db.transaction() as s:
            added = do_add_participants(s, me(), found, _ids(form_data()))
        return done(_("People added: %(n)d.", n=len(added)), url_for(".show", conversation_id=found.id))
    view = conversations.conversation_view(db.session, me(), found)
    q = request.args.get("q", "")
    matches = _picker(q, {me().id, *(u.id for u in view.others)})
    return render_template("messages/add.html", view=view, matches=matches, q=q)


def _unread_messages() -> int:
    """The nav's message badge (muted conversations left out); computed once per page."""
    if "unread_messages" not in g:
        g.unread_messages = frame_value(lambda: conversations.unread_total(db.session, me()), 0)
    return g.unread_messages


@bp.app_context_processor
def _frame() -> dict[str, Any]:
    return {"unread_messages": _unread_messages}
