"""Read models besides post feeds: the group directory, member lists, notifications, event
catch-up and API tokens. Every query filters through ``access`` clauses, so pages, the JSON API
and any later client list exactly what the viewer may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from intranet import access
from intranet.models import (
    ApiToken,
    Event,
    Group,
    JoinRequest,
    Membership,
    Notification,
    RequestStatus,
    Role,
    Topic,
    User,
)
from intranet.platform.errors import NotFound


def visible_groups(session: Session, viewer: User) -> list[tuple[Group, int]]:
    """Groups the viewer may see (secret ones only if a member), by name, with member counts."""
    counts = (select(Membership.group_id, func.count().label("n"))
              .group_by(Membership.group_id).subquery())
    rows = session.execute(
        select(Group, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.group_id == Group.id)
        .where(access.visible_groups_clause(viewer))
        .order_by(func.lower(Group.name), Group.id)
    )
    return [(group, n) for group, n in rows]


def my_groups(session: Session, user: User) -> list[tuple[Group, Role]]:
    """The groups I belong to, by name, with my role."""
    rows = session.execute(select(Group, Membership.role).join(Membership, Membership.group_id == Group.id)
                           .where(Membership.user_id == user.id).order_by(func.lower(Group.name)))
    return [(group, role) for group, role in rows]


def group_members(session: Session, group: Group) -> list[Membership]:
    """Active members, leads first, then by name."""
    lead_first = (Membership.role == Role.LEAD).desc()
    return list(session.scalars(
        select(Membership).join(User, User.id == Membership.user_id)
        .options(joinedload(Membership.user))
        .where(Membership.group_id == group.id, User.is_active_account)
        .order_by(lead_first, func.lower(User.name), User.id)
    ))


def pending_join_requests(session: Session, group: Group) -> list[JoinRequest]:
    """Requests waiting for the group's leads, oldest first (the page and the API)."""
    return list(session.scalars(
        select(JoinRequest).options(joinedload(JoinRequest.user))
        .where(JoinRequest.group_id == group.id, JoinRequest.status == RequestStatus.PENDING)
        .order_by(JoinRequest.id)))


def topic_named(session: Session, name: str) -> Topic | None:
    return session.scalar(select(Topic).where(Topic.name == name.strip().lstrip("#").lower()))


def active_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)))


@dataclass
class NotificationPage:
    items: list[Notification]
    unread: int
    next_before: int | None


def notifications_page(session: Session, viewer: User, before: int | None = None, limit: int = 20,
                       unread_only: bool = False) -> NotificationPage:
    """Newest first, keyset-paginated by id; ``unread`` counts only what the viewer may see."""
    where = access.visible_notifications_clause(viewer)
    stmt = (select(Notification).options(joinedload(Notification.actor), joinedload(Notification.post),
                                         joinedload(Notification.group))
            .where(where).order_by(Notification.id.desc()).limit(limit + 1))
    if before is not None:
        stmt = stmt.where(Notification.id < before)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    rows = list(session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return NotificationPage(rows, unread_notifications(session, viewer), rows[-1].id if more else None)


def unread_notifications(session: Session, viewer: User) -> int:
    """The badge: unread notifications the viewer may still see."""
    return session.scalar(select(func.count()).select_from(Notification).where(
        access.visible_notifications_clause(viewer), Notification.read_at.is_(None))) or 0


def events_after(session: Session, viewer: User, after: int, limit: int,
                 post_id: int | None = None) -> tuple[list[Event], bool]:
    """Catch-up: the viewer's events after ``after``, oldest first, and whether more remain.
    ``post_id``: the post the page shows; its events (comments, reactions, poll results) come
    too when the viewer may open it (``watched_post``), each once even when also a group's.

    The statement is built once per shape of reader (``access.visible_events_template``): after
    a server restart every open page asks this at once, and building the clause cost as much as
    running it."""
    shape, params = access.visible_events_params(viewer, watched_post(viewer, post_id))
    params.update(after=after, limit=limit + 1)
    rows = list(session.scalars(_events_after_statement(shape), params))
    return rows[:limit], len(rows) > limit


def watched_post(viewer: User, post_id: int | None) -> int | None:
    """``post_id`` if the viewer may open that post, else None: a post missing or hidden adds
    nothing (and says nothing), as ``access_post``'s 404 would."""
    if post_id is None:
        return None
    try:
        return access.access_post(viewer, post_id).id
    except NotFound:
        return None


@cache
def _events_after_statement(shape: access.EventShape) -> Select:
    return (select(Event).where(Event.id > bindparam("after"), access.visible_events_template(shape))
            .order_by(Event.id).limit(bindparam("limit")))


def last_event_id(session: Session) -> int:
    """Where "now" is in the event log: a page rendered now catches up from here.

    Event ids are global, so this reveals nothing that live payloads' ``event_id`` do not.
    """
    return session.scalar(select(func.max(Event.id))) or 0
