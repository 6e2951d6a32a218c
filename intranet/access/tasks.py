"""Who may see and change tasks and a group's library files.

A task and a library file are readable exactly when their group's content is (public groups:
everyone; private and secret groups: members), so they follow a person who joins or leaves
with no copy of the rule. Missing and hidden both raise ``NotFound``.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, exists, or_, select

from intranet.access.groups import can_read_group, memberships, readable_group_ids_clause
from intranet.access.visibility import register_notification_rule
from intranet.models import (
    Group,
    LibraryFile,
    LibraryFolder,
    Membership,
    Notification,
    Task,
    TaskAssignee,
    User,
    Visibility,
)
from intranet.platform import db
from intranet.platform.errors import NotFound

__all__ = [
    "access_library_file", "access_library_folder", "access_task", "assigned_to_clause", "can_change_task",
    "can_read_task", "is_assigned_to", "readable_library_clause", "readable_tasks_clause", "readers_of_group",
]


def can_read_task(user: User, task: Task) -> bool:
    return can_read_group(user, task.group)


def can_change_task(user: User, task: Task) -> bool:
    """Members of the task's group, its assignees, the members of the service it is given to,
    and admins move it, tick its checklist and edit it."""
    mine = memberships(user)  # ids, not ``task.group``: a board asks this of every card
    if user.is_admin or task.group_id in mine:
        return True
    if task.service_group_id is not None and task.service_group_id in mine:
        return True
    return any(a.user_id == user.id for a in task.assignees)


def is_assigned_to(user: User, task: Task) -> bool:
    """``assigned_to_clause`` for one loaded task: given to the user by name or to a service
    (group) the user belongs to ("My tasks" lists it, when its group is readable)."""
    if any(a.user_id == user.id for a in task.assignees):
        return True
    return task.service_group_id is not None and task.service_group_id in memberships(user)


def access_task(user: User, task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if task is None or not can_read_task(user, task):
        raise NotFound(_("This task does not exist or is not visible to you."))
    return task


def readable_tasks_clause(user: User) -> ColumnElement[bool]:
    """SQL condition on ``Task``: tasks whose group the user may read."""
    return Task.group_id.in_(select(Group.id).where(readable_group_ids_clause(user)))


def readable_library_clause(user: User) -> ColumnElement[bool]:
    """SQL condition on ``LibraryFile``: files of groups whose content the user may read."""
    return LibraryFile.group_id.in_(select(Group.id).where(readable_group_ids_clause(user)))


def assigned_to_clause(user: User) -> ColumnElement[bool]:
    """Tasks given to the user by name, or to a service (group) the user belongs to."""
    mine = list(memberships(user))
    by_name = Task.id.in_(select(TaskAssignee.task_id).where(TaskAssignee.user_id == user.id))
    return or_(by_name, Task.service_group_id.in_(mine)) if mine else by_name


def readers_of_group(group: Group, user_ids: Iterable[int]) -> list[int]:
    """The subset of ``user_ids`` (active accounts) who may read ``group``'s content: the one
    filter for assignees and for who hears about a task."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return []
    stmt = select(User.id).where(User.id.in_(ids), User.is_active_account)
    if group.visibility != Visibility.PUBLIC:
        stmt = stmt.join(Membership, (Membership.user_id == User.id) & (Membership.group_id == group.id))
    allowed = set(db.session.scalars(stmt))
    return [i for i in ids if i in allowed]


def access_library_file(user: User, file_id: int) -> LibraryFile:
    item = db.session.get(LibraryFile, file_id)
    if item is None or not can_read_group(user, item.group):
        raise NotFound(_("This file does not exist or is not visible to you."))
    return item


def access_library_folder(user: User, group: Group, folder_id: int | None) -> LibraryFolder | None:
    """A folder of this group's library (None: the library's top); the group is already
    checked readable by the caller."""
    if folder_id is None:
        return None
    folder = db.session.get(LibraryFolder, folder_id)
    if folder is None or folder.group_id != group.id:
        raise NotFound(_("This folder does not exist or is not visible to you."))
    return folder


def _task_notifications(viewer: User) -> ColumnElement[bool]:
    """A notification about a task is seen only while the task's group is readable (a person
    who left a private group no longer reads about its tasks, in the list or in mails)."""
    return or_(Notification.task_id.is_(None), exists().where(
        Task.id == Notification.task_id, readable_tasks_clause(viewer)))


register_notification_rule(_task_notifications)
