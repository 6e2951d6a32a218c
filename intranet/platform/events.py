"""Publish events on commit: stash them on the session, emit after commit, drop on rollback.

Every durable event is an ``Event`` row with an increasing id, so a client that missed some can
ask ``/api/v1/events?after=<id>``; Socket.IO is only the fast path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from blinker import Namespace
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet.models import Event, Membership, Participant, utcnow
from intranet.platform.db import AppSession, insert_now
from intranet.platform.extensions import socketio
from intranet.platform.socket_queue import SESSION_ENDED, drop_room

log = logging.getLogger(__name__)
_signals = Namespace()
emitted = _signals.signal("event-emitted")  # sent (type, data, rooms) after each emit; tests listen
PENDING = "intranet.pending_events"
CALLBACKS = "intranet.after_commit"
COMPANY_ROOM = "company"
ServiceAudience = Callable[[Session, int], list[int]]
_service_audience: list[ServiceAudience] = []  # set by the app that owns services (the inbox)


def register_service_audience(fn: ServiceAudience) -> None:
    """Who receives a service's events (``publish(..., service_id=...)``): the app that defines
    services says, so this module never imports it."""
    _service_audience[:] = [fn]


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def post_room(post_id: int) -> str:
    """The sockets of pages showing this post, joined through ``access`` when the page opens it
    (``realtime.connect``): readers outside the post's group see its comments arrive too."""
    return f"post:{post_id}"


def _group_rooms(session: Session, group_id: int) -> list[str]:
    ids = session.scalars(select(Membership.user_id).where(Membership.group_id == group_id))
    return [user_room(uid) for uid in ids]


def conversation_rooms(session: Session, conversation_id: int) -> list[str]:
    """The user rooms of a conversation's current participants (never of people who left)."""
    ids = session.scalars(select(Participant.user_id).where(
        Participant.conversation_id == conversation_id, Participant.left_at.is_(None)))
    return [user_room(uid) for uid in ids]


def publish(
    session: Session,
    type_: str,
    payload: dict[str, Any],
    *,
    user_id: int | None = None,
    group_id: int | None = None,
    service_id: int | None = None,
    conversation_id: int | None = None,
    audience: list[int] | None = None,
    also_rooms: list[str] | None = None,
    post_id: int | None = None,
) -> Event:
    """Record an event for one audience (a user, a group's members, an inbox service's people,
    a conversation's participants, else the company). ``audience``: the user ids to emit to
    when the caller has just read them (it saves the query; catch-up still applies the rule).
    ``also_rooms``: live-only extra rooms; Socket.IO sends once per socket. ``post_id``: the
    pages showing that post too (its room, ``post_room``), live and on catch-up (``Event.post_id``).

    The row is written by the transaction's next flush (a query's autoflush, at the latest the
    commit), not flushed here: a send wrote its event, outbox row and updates in three flushes,
    now in one. Rows of one flush are inserted in the order they were added, so ids still follow
    ``publish`` calls; the id is read only after commit, when the event is emitted."""
    ev = Event(type=type_, user_id=user_id, group_id=group_id, service_id=service_id,
               conversation_id=conversation_id, post_id=post_id, payload=payload)
    session.add(ev)
    if audience is not None:
        rooms = [user_room(uid) for uid in audience]
    elif user_id is not None:
        rooms = [user_room(user_id)]
    elif group_id is not None:
        rooms = _group_rooms(session, group_id)
    elif service_id is not None:
        rooms = [user_room(uid) for fn in _service_audience for uid in fn(session, service_id)]
    elif conversation_id is not None:
        rooms = conversation_rooms(session, conversation_id)
    else:
        rooms = [COMPANY_ROOM]
    if also_rooms:
        rooms = [*rooms, *also_rooms]
    if post_id is not None:
        rooms = [*rooms, post_room(post_id)]
    session.info.setdefault(PENDING, []).append((ev, rooms))
    return ev


def publish_now(session: Session, type_: str, payload: dict[str, Any], *, conversation_id: int,
                audience: list[int]) -> Event:
    """``publish`` to a conversation's ``audience``, the row written at once by one Core ``INSERT``
    (a message send: no unit of work). Anything still pending in the session is flushed first,
    so event ids keep following ``publish`` calls; the event is emitted after commit as any other.
    The returned ``Event`` is not in the session."""
    session.flush()
    values = {"type": type_, "user_id": None, "group_id": None, "service_id": None,
              "conversation_id": conversation_id, "payload": payload, "created_at": utcnow()}
    ev = Event(id=insert_now(session, Event.__table__, values), **values)
    session.info.setdefault(PENDING, []).append((ev, [user_room(uid) for uid in audience]))
    return ev


def wire_payload(ev: Event) -> dict[str, Any]:
    """What a client receives, live or on catch-up."""
    return {**ev.payload, "type": ev.type, "event_id": ev.id}


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the current transaction commits (never if it rolls back)."""
    session.info.setdefault(CALLBACKS, []).append(callback)


def _emit_pending(session: Session) -> None:
    """The data is committed by now: a failing callback or emit is logged, never raised, so it
    cannot turn a saved change into an error page nor stop the other events (catch-up from the
    Event rows covers what a socket missed)."""
    for callback in session.info.pop(CALLBACKS, []):
        try:
            callback()
        except Exception:
            log.exception("after-commit callback failed")
    for ev, rooms in session.info.pop(PENDING, []):
        if not rooms:
            continue
        data = wire_payload(ev)
        try:
            socketio.emit(ev.type, data, to=rooms)
        except Exception:
            log.exception("emitting event %s failed", ev.id)
            continue
        emitted.send(ev.type, data=data, rooms=rooms)


def _drop_pending(session: Session, *_args: Any) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(CALLBACKS, None)


sa_event.listen(AppSession, "after_commit", _emit_pending)
sa_event.listen(AppSession, "after_rollback", _drop_pending)


def end_user_sockets(user_id: int) -> None:
    """Tell a user's open pages their session ended, then drop their sockets on this process.

    With several workers each process drops its own sockets when it next sees the user
    (``realtime`` re-checks the account on every client message).
    """
    _end_room(user_room(user_id), {"user_id": user_id})


def login_room(login_id: str) -> str:
    """The sockets opened by one browser login (see ``sessions.open_login``)."""
    return f"login:{login_id}"


def end_login_sockets(login_id: str) -> None:
    """Logging out ends that browser's live sockets too, not the user's other sessions."""
    _end_room(login_room(login_id), {})


def tokens_room(user_id: int) -> str:
    """The sockets a person opened with API tokens (not with a browser login)."""
    return f"tokens:{user_id}"


def end_token_sockets(user_id: int) -> None:
    """Revoking all of a person's tokens ends the sockets they opened."""
    _end_room(tokens_room(user_id), {})


def _end_room(room: str, payload: dict[str, Any]) -> None:
    """Tell the room's pages, then disconnect its sockets: here, and on every other worker through
    the message queue (``socket_queue.EndingRedisManager`` handles the same emit there)."""
    socketio.emit(SESSION_ENDED, payload, to=room)
    if socketio.server is not None:
        drop_room(socketio.server, room)
