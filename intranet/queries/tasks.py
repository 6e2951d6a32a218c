"""Read models of tasks: a group's list and board, "My tasks" across groups, a task's history
and the tasks linked to a post, a conversation or a case. Always through ``access``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, defer, selectinload

from intranet import access
from intranet.models import (
    ChecklistItem,
    Comment,
    Group,
    GroupKind,
    Membership,
    Message,
    Task,
    TaskAssignee,
    TaskHistory,
    TaskStatus,
    User,
)
from intranet.platform.time_zones import local_today

STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.DONE)
LIST_LIMIT = 500
MY_LIMIT = 200


def today() -> dt.date:
    """The reader's today: a task due on the 9th is due today from midnight where they are."""
    return local_today()


def _for_pages(stmt, *, groups: bool = False):
    """What a card or a row shows, in a fixed number of statements whatever the number of tasks:
    assignees with their names, the service (and with ``groups`` the group: "My tasks" names
    it); not the description (a board of 500 never shows it) nor the checklist's items
    (``progress`` counts them in one query)."""
    stmt = stmt.options(selectinload(Task.assignees).joinedload(TaskAssignee.user),
                        selectinload(Task.service_group), defer(Task.body), defer(Task.html))
    return stmt.options(selectinload(Task.group)) if groups else stmt


def _in_full(stmt):
    """Everything the API gives of each task, also in a fixed number of statements."""
    return stmt.options(selectinload(Task.assignees).joinedload(TaskAssignee.user),
                        selectinload(Task.service_group), selectinload(Task.group),
                        selectinload(Task.checklist), selectinload(Task.creator))


def _order():
    """Overdue first (oldest due date first), then by due date, undated last, then newest."""
    return (case((Task.due_on.is_(None), 1), else_=0), Task.due_on, Task.id.desc())


def group_tasks(session: Session, group: Group, *, label: str = "", full: bool = False) -> list[Task]:
    """A group's tasks for its Tasks tab (``full``: with description and checklist, the API)."""
    loaded = _in_full if full else _for_pages
    stmt = loaded(select(Task).where(Task.group_id == group.id)).order_by(*_order()).limit(LIST_LIMIT)
    tasks = list(session.scalars(stmt))
    return [t for t in tasks if label in (t.labels or [])] if label else tasks


def progress(session: Session, tasks: list[Task]) -> dict[int, tuple[int, int]]:
    """Each task's checklist as (items done, items), for tasks that have one: one query, where
    loading the items themselves made a board of 500 tasks build ~1,500 objects to count them."""
    ids = [t.id for t in tasks]
    if not ids:
        return {}
    done = func.sum(case((ChecklistItem.done.is_(True), 1), else_=0))
    rows = session.execute(select(ChecklistItem.task_id, done, func.count()).where(
        ChecklistItem.task_id.in_(ids)).group_by(ChecklistItem.task_id))
    return {task_id: (int(ticked or 0), int(count)) for task_id, ticked, count in rows}


def board(tasks: list[Task]) -> dict[TaskStatus, list[Task]]:
    columns: dict[TaskStatus, list[Task]] = {s: [] for s in STATUSES}
    for task in tasks:
        columns[task.status].append(task)
    return columns


def my_tasks(session: Session, user: User, *, done: bool = False) -> list[Task]:
    """Tasks given to me by name or to a service I belong to, in groups I may read; unfinished
    (or finished with ``done``), overdue first."""
    wanted = Task.status == TaskStatus.DONE if done else Task.status != TaskStatus.DONE
    stmt = _for_pages(select(Task).where(access.assigned_to_clause(user), access.readable_tasks_clause(user),
                                         wanted), groups=True).order_by(*_order()).limit(MY_LIMIT)
    return list(session.scalars(stmt))


def is_overdue(task: Task, on: dt.date | None = None) -> bool:
    return task.status != TaskStatus.DONE and task.due_on is not None and task.due_on < (on or today())


def history(session: Session, task: Task) -> list[TaskHistory]:
    return list(session.scalars(select(TaskHistory).where(TaskHistory.task_id == task.id)
                                .options(selectinload(TaskHistory.actor)).order_by(TaskHistory.id)))


def linked_to_post(session: Session, user: User, post_id: int) -> list[Task]:
    """Tasks made from a post or one of its comments, that the reader may open."""
    comments = select(Comment.id).where(Comment.post_id == post_id)
    return list(session.scalars(select(Task).where(
        or_(Task.post_id == post_id, Task.comment_id.in_(comments)),
        access.readable_tasks_clause(user)).order_by(Task.id)))


def linked_to_conversation(session: Session, user: User, conversation_id: int) -> list[Task]:
    messages = select(Message.id).where(Message.conversation_id == conversation_id)
    return list(session.scalars(select(Task).where(
        Task.message_id.in_(messages), access.readable_tasks_clause(user)).order_by(Task.id)))


def linked_to_case(session: Session, user: User, case_id: int) -> list[Task]:
    return list(session.scalars(select(Task).where(
        Task.case_id == case_id, access.readable_tasks_clause(user)).order_by(Task.id)))


@dataclass
class TaskForm:
    """What the task form offers: groups to create in, people to assign, services."""

    groups: list[Group] = field(default_factory=list)
    members: list[User] = field(default_factory=list)
    services: list[Group] = field(default_factory=list)


def form_choices(session: Session, user: User, group: Group | None) -> TaskForm:
    mine = list(access.memberships(user))
    groups = list(session.scalars(select(Group).where(Group.id.in_(mine)).order_by(Group.name)))
    members = []
    if group is not None:
        members = list(session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.group_id == group.id, User.is_active_account).order_by(User.name).limit(300)))
    services = list(session.scalars(select(Group).where(
        Group.kind == GroupKind.DEPARTMENT, access.visible_groups_clause(user)).order_by(Group.name)))
    return TaskForm(groups, members, services)
