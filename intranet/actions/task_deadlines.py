"""Due-soon and overdue reminders for tasks, and how task notifications read in a mail.

``send_task_reminders`` runs with the mail senders' periodic jobs (every ``MAIL_JOBS_SECONDS``,
once across workers): each unfinished task due tomorrow tells its assignees (and its service's
leads) once per due date, and each task past its due date tells them once more. The in-app
notifications then reach the mail through the ordinary notification-mail path ("task" kind).
"""

from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.mail_kinds import MailItem, MailKind, excerpt, register
from intranet.actions.notifications import notify
from intranet.models import Membership, Notification, NotificationKind, Role, Task, TaskStatus, User
from intranet.platform import db
from intranet.platform.time_zones import company_today

OPEN = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


def _recipients(session: Session, task: Task) -> list[int]:
    ids = [a.user_id for a in task.assignees]
    if task.service_group_id is not None:
        ids += session.scalars(select(Membership.user_id).where(
            Membership.group_id == task.service_group_id, Membership.role == Role.LEAD))
    if not ids:
        ids = [task.creator_id] if task.creator_id else []
    return access.readers_of_group(task.group, ids)


def remind(session: Session, today: dt.date) -> int:
    """Write the reminders due ``today``; the number of tasks reminded."""
    tomorrow = today + dt.timedelta(days=1)
    count = 0
    soon = session.scalars(select(Task).where(Task.status.in_(OPEN), Task.due_on == tomorrow))
    for task in list(soon):
        if task.due_soon_sent_on != task.due_on:
            task.due_soon_sent_on = task.due_on
            notify(session, _recipients(session, task), NotificationKind.TASK_DUE_SOON, actor=None,
                   group_id=task.group_id, task_id=task.id)
            count += 1
    late = session.scalars(select(Task).where(Task.status.in_(OPEN), Task.due_on < today))
    for task in list(late):
        if task.overdue_sent_on != task.due_on:
            task.overdue_sent_on = task.due_on
            notify(session, _recipients(session, task), NotificationKind.TASK_OVERDUE, actor=None,
                   group_id=task.group_id, task_id=task.id)
            count += 1
    return count


def send_task_reminders(today: dt.date | None = None) -> int:
    """The periodic job: reminders in one transaction (mails follow with the notifications)."""
    with db.transaction() as s:
        remind(s, today or company_today())
    return 0


def _describe(session: Session, user: User, n: Notification) -> MailItem | None:
    task = session.get(Task, n.task_id) if n.task_id else None
    if task is None:
        return None
    if n.kind == NotificationKind.TASK_DUE_SOON:
        title = _("Task due tomorrow: %(title)s", title=task.title)
    elif n.kind == NotificationKind.TASK_OVERDUE:
        title = _("Task overdue: %(title)s", title=task.title)
    else:
        who = n.actor.name if n.actor else _("Someone")
        title = _("%(actor)s gave you a task: %(title)s", actor=who, title=task.title)
    url = url_for("tasks.show", task_id=task.id, _external=True)
    return MailItem("task", title, excerpt(task.html), url, n.created_at)


register(MailKind("task", _l("Tasks given to me, due soon or overdue"),
                  (NotificationKind.TASK_ASSIGNED, NotificationKind.TASK_DUE_SOON,
                   NotificationKind.TASK_OVERDUE), _describe))
