"""What events and notifications a person sees: catch-up, live rooms and the notification list.

The core knows groups, conversations and the company; an app that adds its own scopes (the inbox's
services) registers who belongs to them and which of its notifications a person may still read,
through ``register_services`` and ``register_notification_rule``, so this module never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from sqlalchemy import ColumnElement, and_, bindparam, exists, false, or_, true

from intranet.access.groups import memberships, readable_posts_clause, visible_groups_clause
from intranet.access.messaging import my_conversation_ids
from intranet.models import Event, Group, Notification, Post, User

Services = Callable[[User], Collection[int]]
_services: list[Services] = []
_forget: list[Callable[[], None]] = []
_notification_rules: list[Callable[[User], ColumnElement[bool]]] = []


def register_services(fn: Services, forget: Callable[[], None]) -> None:
    """``fn(user)``: the service ids whose events reach the user; ``forget()`` drops what it cached
    for the unit of work (after a change of roles)."""
    _services[:], _forget[:] = [fn], [forget]


def register_notification_rule(rule: Callable[[User], ColumnElement[bool]]) -> None:
    """``rule(viewer)``: a clause every visible notification must also meet."""
    if rule not in _notification_rules:
        _notification_rules.append(rule)


def notification_rules(viewer: User) -> ColumnElement[bool]:
    """What the registered apps require of a notification ``viewer`` may see (true if none)."""
    return and_(true(), *(rule(viewer) for rule in _notification_rules))


def services_of(user: User) -> Collection[int]:
    return [sid for fn in _services for sid in fn(user)]


def forget_scopes() -> None:
    """Drop the registered scopes' unit-of-work caches (as ``forget_memberships`` does for groups)."""
    for fn in _forget:
        fn()


EventShape = tuple[bool, bool, bool]  # (has groups, has inbox services, watches a post): one statement each


def visible_events_clause(user: User) -> ColumnElement[bool]:
    """Catch-up: my personal events, my groups', inbox services' and conversations' events,
    and company-wide events."""
    mine, services = list(memberships(user)), sorted(services_of(user))
    return _visible_events(Event.user_id == user.id, Event.group_id.in_(mine) if mine else false(),
                           Event.service_id.in_(services) if services else false(),
                           Event.conversation_id.in_(my_conversation_ids(user.id)))


def visible_events_template(shape: EventShape) -> ColumnElement[bool]:
    """``visible_events_clause`` for statements built once: bind ``me`` (my id), ``groups``
    and ``services`` (when the shape has them) with ``visible_events_params``."""
    has_groups, has_services, watches = shape
    groups = Event.group_id.in_(bindparam("groups", expanding=True)) if has_groups else false()
    services = Event.service_id.in_(bindparam("services", expanding=True)) if has_services else false()
    conversations = Event.conversation_id.in_(my_conversation_ids(bindparam("me")))
    clause = _visible_events(Event.user_id == bindparam("me"), groups, services, conversations)
    return or_(clause, Event.post_id == bindparam("post")) if watches else clause


def visible_events_params(user: User, watched_post_id: int | None = None
                          ) -> tuple[EventShape, dict[str, object]]:
    """The shape and parameters of ``visible_events_template`` for this user. ``watched_post_id``:
    the post a page shows, its events included (its room's): the caller has checked through
    ``access_post`` that the user may open it."""
    mine, services = sorted(memberships(user)), sorted(services_of(user))
    params: dict[str, object] = {"me": user.id}
    if mine:
        params["groups"] = mine
    if services:
        params["services"] = services
    if watched_post_id is not None:
        params["post"] = watched_post_id
    return (bool(mine), bool(services), watched_post_id is not None), params


def _visible_events(personal: ColumnElement[bool], groups: ColumnElement[bool],
                    services: ColumnElement[bool], conversations: ColumnElement[bool]) -> ColumnElement[bool]:
    company = (Event.user_id.is_(None) & Event.group_id.is_(None) & Event.service_id.is_(None)
               & Event.conversation_id.is_(None))
    return or_(personal, groups, services, conversations, company)


def visible_notifications_clause(viewer: User) -> ColumnElement[bool]:
    """My notifications, never about a post I can no longer read, a group hidden from me, a
    conversation I left, nor anything a registered rule hides (the inbox: a case I may no longer
    open).

    Each test is a correlated EXISTS on the notification's own object (a primary-key lookup), not
    ``IN (every readable post)``: with a million posts SQLite built that whole list per query."""
    readable_post = exists().where(Post.id == Notification.post_id, readable_posts_clause(viewer))
    visible_group = exists().where(Group.id == Notification.group_id, visible_groups_clause(viewer))
    return (
        (Notification.user_id == viewer.id)
        & or_(Notification.post_id.is_(None), readable_post)
        & or_(Notification.group_id.is_(None), visible_group)
        & notification_rules(viewer)
        & or_(Notification.conversation_id.is_(None),
              Notification.conversation_id.in_(my_conversation_ids(viewer.id)))
    )
