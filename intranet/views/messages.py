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
from intranet.actions.messaging import (
    do_add_participants,
    do_leave,
    do_rename,
    do_set_muted,
    do_start_conversation,
)
from intranet.models import User
from intranet.platform import db, presence
from intranet.platform.db import like_pattern
from intranet.platform.errors import Invalid
from intranet.platform.inputs import parse_int, query_int
from intranet.queries import conversations
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


@bp.route("/messages/<int:conversation_id>", methods=["GET"])
@login_required
def show(conversation_id: int) -> str:
    found = access_messaging.access_conversation(me(), conversation_id)
    remember_last_event()
    view = conversations.conversation_view(db.session, me(), found)
    rows, next_before = conversations.messages_before(db.session, found, before_arg())
    states = presence.registry().states(u.id for u in view.others)  # one look, even shared in Redis
    return render_template("messages/show.html", view=view, messages=rows, next_before=next_before,
                           states=states)


@bp.route("/messages/<int:conversation_id>/fragments", methods=["GET"])
@login_required
def fragments(conversation_id: int) -> str:
    """Server-rendered messages for live pages: all after ``after`` (oldest first, no gaps), or
    the current state of one message (``only``, after an edit or a deletion)."""
    found = access_messaging.access_conversation(me(), conversation_id)
    view = conversations.conversation_view(db.session, me(), found)
    only = query_int("only", low=1)
    if only is not None:
        rows = [m for m in [access_messaging.access_message(me(), only)] if m.conversation_id == found.id]
    else:
        rows, _more = conversations.messages_after(db.session, found, query_int("after", default=0))
    return render_template("messages/_messages.html", view=view, messages=rows)


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
    found = access_messaging.access_conversation(me(), conversation_id)
    with db.transaction() as s:
        message = do_send_message_with_files(s, me(), found, form_data().get("body"), uploads_from_request())
    return done(None, url_for(".show", conversation_id=found.id, _anchor=f"message-{message.id}"),
                status=201, id=message.id)


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
