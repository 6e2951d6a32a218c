"""Tasks in groups: what a service asks another, who does it, by when, and every change to it.

A task lives in one group (its readers are the group's readers), may name a service as its
assignee (a department's group) and keeps a link to what it was made from (a post, a comment,
a message or an inbox case), so each side can show the other.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.models.base import Base, UTCDateTime, utcnow


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_group_status", "group_id", "status", "id"),
        Index("ix_tasks_service_status", "service_group_id", "status"),
        Index("ix_tasks_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown as written
    html: Mapped[str] = mapped_column(Text, default="")  # sanitized once on write
    status: Mapped[TaskStatus] = mapped_column(Enum(TaskStatus, native_enum=False, length=12),
                                               default=TaskStatus.OPEN)
    service_group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    due_on: Mapped[date | None] = mapped_column(Date)
    labels: Mapped[list] = mapped_column(JSON, default=list)
    # what it was made from (one at most); the source shows the task back
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"),
                                                   index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"),
                                                   index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("inbox_cases.id", ondelete="SET NULL"),
                                                index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the deadline job tells assignees once per due date (a new due date tells them again)
    due_soon_sent_on: Mapped[date | None] = mapped_column(Date)
    overdue_sent_on: Mapped[date | None] = mapped_column(Date)

    group: Mapped[Group] = relationship(foreign_keys=[group_id])  # noqa: F821
    service_group: Mapped[Group | None] = relationship(foreign_keys=[service_group_id])  # noqa: F821
    creator: Mapped[User | None] = relationship()  # noqa: F821
    assignees: Mapped[list[TaskAssignee]] = relationship(
        order_by="TaskAssignee.user_id", cascade="all, delete-orphan")
    checklist: Mapped[list[ChecklistItem]] = relationship(
        order_by="ChecklistItem.position, ChecklistItem.id", cascade="all, delete-orphan")


class TaskAssignee(Base):
    __tablename__ = "task_assignees"
    __table_args__ = (Index("ix_task_assignees_user", "user_id", "task_id"),)

    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)

    user: Mapped[User] = relationship()  # noqa: F821


class ChecklistItem(Base):
    __tablename__ = "task_checklist"
    __table_args__ = (Index("ix_task_checklist_task", "task_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(300))
    done: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)


class TaskHistory(Base):
    """Every change to a task, with who and when (the task page's history)."""

    __tablename__ = "task_history"
    __table_args__ = (Index("ix_task_history_task", "task_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # create, status, assign, due, edit, check...
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()  # noqa: F821
