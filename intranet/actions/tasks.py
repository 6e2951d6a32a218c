"""Tasks: create (from scratch, or from a post, a comment, a message or an inbox case), edit,
move between statuses, tick the checklist, remove.

Every change writes a history row (the task page's), an audit row, a ``task`` event to the
people who may have the group's pages open, and the task's search document. Assignees are
checked against who may read the task's group; they are told in-app (and by mail through the
notification-mail path) when given a task, and so are the people the description @mentions
(``task_mentions``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.common import audit, clean_text, enqueue_index
from intranet.actions.notifications import notify
from intranet.actions.posts import render_for
from intranet.actions.task_mentions import Named, notify_mentions
from intranet.models import (
    ChecklistItem,
    Group,
    GroupKind,
    Membership,
    NotificationKind,
    Role,
    Task,
    TaskAssignee,
    TaskHistory,
    TaskStatus,
    User,
    utcnow,
)
from intranet.platform.errors import Forbidden, Invalid, NotFound
from intranet.platform.events import publish
from intranet.platform.inputs import MAX_INT

MAX_TITLE = 200
MAX_ITEMS = 50
MAX_ITEM = 300
MAX_LABELS = 10
MAX_LABEL = 40
MAX_ASSIGNEES = 20
_LABEL_RE = re.compile(r"^[\w][\w\- ]*$")


@dataclass
class TaskSource:
    """What a task was made from (at most one), already fetched through access by the caller."""

    post_id: int | None = None
    comment_id: int | None = None
    message_id: int | None = None
    case_id: int | None = None

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass
class Former:
    """Whom an edit took a task from: the assignees removed, the service replaced."""

    user_ids: list[int] = field(default_factory=list)
    service_group_id: int | None = None


# ---- validation ------------------------------------------------------------------------------

def clean_title(value: object) -> str:
    return clean_text(value, field="title", label=_("Title"), max_len=MAX_TITLE)


def clean_due(value: object) -> dt.date | None:
    """A date, an ISO ``YYYY-MM-DD`` string, or empty for none; years 2000-2100."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise Invalid(_("The due date must be a date like 2026-05-31."), field="due_on") from None
    if not isinstance(value, dt.date) or not 2000 <= value.year <= 2100:
        raise Invalid(_("The due date must be a date like 2026-05-31."), field="due_on")
    return value


def clean_labels(values: object) -> list[str]:
    """Short words (letters, digits, dashes, spaces), lower-case, without '#', each once."""
    if values is None:
        return []
    if not isinstance(values, list) or any(not isinstance(v, str) for v in values):
        raise Invalid(_("Labels must be a list of words."), field="labels")
    out: list[str] = []
    for raw in values:
        label = raw.strip().lstrip("#").strip().lower()
        if not label:
            continue
        if len(label) > MAX_LABEL or not _LABEL_RE.match(label):
            raise Invalid(_("“%(label)s” is not a label: use at most %(n)d letters, digits or dashes.",
                            label=raw[:MAX_LABEL], n=MAX_LABEL), field="labels")
        if label not in out:
            out.append(label)
    if len(out) > MAX_LABELS:
        raise Invalid(_("At most %(n)d labels.", n=MAX_LABELS), field="labels")
    return out


def clean_checklist(values: object) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list) or any(not isinstance(v, str) for v in values):
        raise Invalid(_("The checklist must be a list of lines."), field="checklist")
    items = [clean_text(v, field="checklist", label=_("Checklist item"), max_len=MAX_ITEM)
             for v in values if v.strip()]
    if len(items) > MAX_ITEMS:
        raise Invalid(_("At most %(n)d checklist items.", n=MAX_ITEMS), field="checklist")
    return items


def clean_status(value: object) -> TaskStatus:
    try:
        return TaskStatus(value)
    except ValueError:
        raise Invalid(_("The status must be open, in_progress or done."), field="status") from None


def _assignees(group: Group, user_ids: object) -> list[int]:
    """Everyone named may read the group (an outsider of a private group cannot be given one)."""
    if user_ids is None:
        return []
    if not isinstance(user_ids, list) or any(
            isinstance(i, bool) or not isinstance(i, int) or not 1 <= i <= MAX_INT for i in user_ids):
        raise Invalid(_("Assignees must be a list of people."), field="assignee_ids")
    ids = list(dict.fromkeys(user_ids))
    if len(ids) > MAX_ASSIGNEES:
        raise Invalid(_("At most %(n)d assignees.", n=MAX_ASSIGNEES), field="assignee_ids")
    allowed = access.readers_of_group(group, ids)
    if len(allowed) != len(ids):
        raise Invalid(_("Assign only people who may read this group."), field="assignee_ids")
    return ids


def _service(session: Session, author: User, service_group_id: object) -> Group | None:
    """A service is a department's group (any employee may ask a department)."""
    if service_group_id in (None, ""):
        return None
    if isinstance(service_group_id, bool) or not isinstance(service_group_id, int) \
            or not 1 <= service_group_id <= MAX_INT:
        raise Invalid(_("Choose a department as the service."), field="service_group_id")
    group = session.get(Group, service_group_id)
    if group is None or group.kind != GroupKind.DEPARTMENT or not access.can_see_group(author, group):
        raise Invalid(_("Choose a department as the service."), field="service_group_id")
    return group


def _body(session: Session, author: User, text: object) -> tuple[str, str, Named]:
    """The description as written, its HTML, and whom it mentions."""
    body = clean_text(text, field="body", label=_("Description"),
                      max_len=current_app.config["MAX_POST_LENGTH"], required=False)
    if not body:
        return "", "", ({}, {})
    rendered, users, groups = render_for(session, author, body)
    return body, rendered.html, (users, groups)


# ---- fan-out ---------------------------------------------------------------------------------

def publish_task(session: Session, task: Task, op: str, *, former: Former | None = None) -> None:
    """The group's members, the service's members and named assignees outside both (their
    "My tasks" page) see the task move live; so do the people and the service it was just
    taken from (``former``), whose "My tasks" must drop it."""
    payload = {"op": op, "id": task.id, "group_id": task.group_id, "status": task.status.value}
    groups = list(dict.fromkeys(g for g in (task.group_id, task.service_group_id,
                                            former.service_group_id if former else None) if g))
    for group_id in groups:
        publish(session, "task", payload, group_id=group_id)
    members = set(session.scalars(select(Membership.user_id).where(Membership.group_id.in_(groups))))
    people = [a.user_id for a in task.assignees] + (former.user_ids if former else [])
    for user_id in dict.fromkeys(people):
        if user_id not in members:
            publish(session, "task", payload, user_id=user_id)


def _history(session: Session, task: Task, actor: User | None, kind: str, **data: Any) -> None:
    session.add(TaskHistory(task_id=task.id, actor_id=actor.id if actor else None, kind=kind, data=data))
    audit(session, actor, f"task.{kind}", "task", task.id, group_id=task.group_id, **data)


def _service_leads(session: Session, task: Task) -> list[int]:
    if task.service_group_id is None:
        return []
    return list(session.scalars(select(Membership.user_id).where(
        Membership.group_id == task.service_group_id, Membership.role == Role.LEAD)))


def notify_assigned(session: Session, task: Task, actor: User | None, user_ids: list[int]) -> None:
    notify(session, access.readers_of_group(task.group, user_ids), NotificationKind.TASK_ASSIGNED,
           actor=actor, group_id=task.group_id, task_id=task.id)


def _changed(session: Session, task: Task, actor: User, kind: str, former: Former | None = None,
             **data: Any) -> None:
    task.updated_at = utcnow()
    _history(session, task, actor, kind, **data)
    publish_task(session, task, "update", former=former)
    enqueue_index(session, "task", task.id)


# ---- actions ---------------------------------------------------------------------------------

def do_create_task(session: Session, author: User, group: Group, title: object, *, body: object = "",
                   assignee_ids: object = None, service_group_id: object = None, due_on: object = None,
                   checklist: object = None, labels: object = None,
                   source: TaskSource | None = None) -> Task:
    """Any member of a group (or an admin) creates a task in it; its assignees and the leads of
    the service it is given to are told."""
    if not access.can_see_group(author, group):
        raise NotFound(_("This group does not exist or is not visible to you."))
    if not access.is_member(author, group) and not author.is_admin:
        raise Forbidden(_("Join this group to create tasks in it."))
    text, html, named = _body(session, author, body)
    ids = _assignees(group, assignee_ids)
    service = _service(session, author, service_group_id)
    task = Task(group_id=group.id, creator_id=author.id, title=clean_title(title), body=text, html=html,
                status=TaskStatus.OPEN, service_group_id=service.id if service else None,
                due_on=clean_due(due_on), labels=clean_labels(labels), **(source.as_dict() if source else {}))
    task.group, task.service_group = group, service
    task.assignees = [TaskAssignee(user_id=i) for i in ids]
    task.checklist = [ChecklistItem(text=t, position=n) for n, t in enumerate(clean_checklist(checklist))]
    session.add(task)
    session.flush()
    _history(session, task, author, "create", title=task.title, **(source.as_dict() if source else {}))
    notify_assigned(session, task, author, ids + _service_leads(session, task))
    notify_mentions(session, author, task, named)
    publish_task(session, task, "add")
    enqueue_index(session, "task", task.id)
    return task


def require_change(user: User, task: Task) -> None:
    if not access.can_change_task(user, task):
        raise Forbidden(_("Only the group's members and the task's assignees can change it."))


def do_set_status(session: Session, user: User, task: Task, status: object) -> bool:
    """Move a task on the board; False when it was already there (nothing written)."""
    require_change(user, task)
    new = clean_status(status)
    if new == task.status:
        return False
    old, task.status = task.status, new
    task.done_at = utcnow() if new == TaskStatus.DONE else None
    _changed(session, task, user, "status", old=old.value, new=new.value)
    return True


def do_update_task(session: Session, user: User, task: Task, fields: dict[str, Any]) -> list[str]:
    """Change the fields given (title, body, assignee_ids, service_group_id, due_on, labels);
    returns the names that changed. Newly named assignees are told."""
    require_change(user, task)
    changed: list[str] = []
    former = Former(service_group_id=task.service_group_id)
    if "title" in fields and (title := clean_title(fields["title"])) != task.title:
        task.title = title
        changed.append("title")
    if "body" in fields:
        text, html, named = _body(session, user, fields["body"])
        if text != task.body:
            before, task.body, task.html = task.body, text, html
            changed.append("body")
            notify_mentions(session, user, task, named, before=before)
    if "due_on" in fields and (due := clean_due(fields["due_on"])) != task.due_on:
        task.due_on = due
        changed.append("due_on")
    if "labels" in fields and (labels := clean_labels(fields["labels"])) != list(task.labels or []):
        task.labels = labels
        changed.append("labels")
    if "service_group_id" in fields:
        service = _service(session, user, fields["service_group_id"])
        if (service.id if service else None) != task.service_group_id:
            task.service_group_id, task.service_group = (service.id if service else None), service
            changed.append("service")
            notify_assigned(session, task, user, _service_leads(session, task))
    if "assignee_ids" in fields:
        ids = _assignees(task.group, fields["assignee_ids"])
        former.user_ids = _reassign(session, user, task, ids, changed)
    if changed:
        _changed(session, task, user, "edit", former=former, fields=changed)
    return changed


def _reassign(session: Session, user: User, task: Task, ids: list[int], changed: list[str]) -> list[int]:
    """Set the assignees; the ids of those removed."""
    before = [a.user_id for a in task.assignees]
    if set(ids) == set(before):
        return []
    task.assignees = [a for a in task.assignees if a.user_id in ids] + [
        TaskAssignee(user_id=i) for i in ids if i not in before]
    changed.append("assignees")
    session.flush()
    notify_assigned(session, task, user, [i for i in ids if i not in before])
    return [i for i in before if i not in ids]


def do_add_item(session: Session, user: User, task: Task, text: object) -> ChecklistItem:
    require_change(user, task)
    if len(task.checklist) >= MAX_ITEMS:
        raise Invalid(_("At most %(n)d checklist items.", n=MAX_ITEMS), field="text")
    item = ChecklistItem(text=clean_text(text, field="text", label=_("Checklist item"), max_len=MAX_ITEM),
                         position=max([i.position for i in task.checklist], default=-1) + 1)
    task.checklist.append(item)
    session.flush()
    _changed(session, task, user, "item", text=item.text)
    return item


def do_check_item(session: Session, user: User, task: Task, item_id: int, done: bool) -> ChecklistItem:
    require_change(user, task)
    item = next((i for i in task.checklist if i.id == item_id), None)
    if item is None:
        raise NotFound(_("This checklist item does not exist."))
    if item.done != done:
        item.done = done
        _changed(session, task, user, "check", text=item.text, done=done)
    return item


def do_delete_task(session: Session, user: User, task: Task) -> None:
    """Its creator, a lead of the group or an admin removes a task (audited, history goes with it)."""
    if task.creator_id != user.id and not access.can_manage_group(user, task.group):
        raise Forbidden(_("Only the task's creator or a lead of the group can remove it."))
    audit(session, user, "task.delete", "task", task.id, group_id=task.group_id, title=task.title)
    publish_task(session, task, "remove")
    enqueue_index(session, "task", task.id, op="delete")
    session.delete(task)
    session.flush()
