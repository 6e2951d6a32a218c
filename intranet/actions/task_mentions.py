"""@mentions in a task's description tell the people named, as a post's mentions do: a
``mention`` notification (in-app, live, and by mail through the "Mentions of me" setting, even
from a group muted or set to "mentions only"), for the people named and the members of the
groups named that the author may post to. Only people who may read the task's group are told
(``access.readers_of_group``, the filter for everyone who hears about a task); on an edit only
the newly named ones, never someone already told of a mention in this task.

Tasks have no comments: the description is the only text of a task that can mention anyone.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.notifications import notify
from intranet.actions.posts import _mentioned_ids, render_for
from intranet.models import Group, Notification, NotificationKind, Task, User

Named = tuple[dict[str, User], dict[str, Group]]  # people and groups by handle, as render_for gives


def named_in(session: Session, author: User, text: str) -> Named:
    """Who ``text`` mentions, as its author may name them (a secret group named by an outsider is
    not named)."""
    if not text:
        return {}, {}
    _rendered, users, groups = render_for(session, author, text)
    return users, groups


def notify_mentions(session: Session, author: User, task: Task, named: Named, *, before: str = "") -> None:
    """Tell who ``named`` mentions in ``task`` (the description before an edit: ``before``), once."""
    users, groups = named
    if before:
        old_users, old_groups = named_in(session, author, before)
        old_user_ids = {u.id for u in old_users.values()}
        old_group_ids = {g.id for g in old_groups.values()}
        users = {h: u for h, u in users.items() if u.id not in old_user_ids}
        groups = {h: g for h, g in groups.items() if g.id not in old_group_ids}
    else:
        old_user_ids = set()
    if not users and not groups:
        return
    told = set(session.scalars(select(Notification.user_id).where(
        Notification.task_id == task.id, Notification.kind == NotificationKind.MENTION)))
    ids = [i for i in _mentioned_ids(session, author, users, groups) if i not in told | old_user_ids]
    notify(session, access.readers_of_group(task.group, ids), NotificationKind.MENTION, actor=author,
           group_id=task.group_id, task_id=task.id)
