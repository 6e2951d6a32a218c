"""Read models of people management: the people list with its filters, department leadership,
and the audit log's filters. Admin-only lists: callers check ``access.require_admin`` first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from intranet.models import AuditLog, Department, Membership, Role, User
from intranet.platform.db import like_pattern

STATUSES = ("active", "deactivated", "deleted")


def people_statement(q: str = "", status: str | None = None) -> Select:
    """Active first, then by name; ``status`` one of ``STATUSES`` (None: everyone not deleted)."""
    stmt = select(User).options(selectinload(User.department)).order_by(
        User.is_active_account.desc(), User.name, User.id)
    if status == "active":
        stmt = stmt.where(User.is_active_account)
    elif status == "deactivated":
        stmt = stmt.where(~User.is_active_account, User.deleted_at.is_(None))
    elif status == "deleted":
        stmt = stmt.where(User.deleted_at.is_not(None))
    else:
        stmt = stmt.where(User.deleted_at.is_(None))
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\")))
    return stmt


def led_departments(session: Session, user_ids: list[int]) -> dict[int, list[Department]]:
    """For each person, the departments whose group they lead (one query for a page)."""
    if not user_ids:
        return {}
    rows = session.execute(
        select(Membership.user_id, Department).join(Department, Department.group_id == Membership.group_id)
        .where(Membership.user_id.in_(user_ids), Membership.role == Role.LEAD).order_by(Department.name))
    out: dict[int, list[Department]] = {}
    for user_id, department in rows:
        out.setdefault(user_id, []).append(department)
    return out


def audit_statement(*, actor_id: int | None = None, action: str | None = None,
                    since: datetime | None = None, until: datetime | None = None) -> Select:
    """Newest first; each filter optional (``until`` exclusive)."""
    stmt = select(AuditLog).order_by(AuditLog.id.desc())
    if actor_id is not None:
        stmt = stmt.where(AuditLog.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if since is not None:
        stmt = stmt.where(AuditLog.created_at >= since)
    if until is not None:
        stmt = stmt.where(AuditLog.created_at < until)
    return stmt


def users_by_id(session: Session, ids: set[int]) -> dict[int, User]:
    ids = {i for i in ids if i}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
