"""Who may work the inbox and see cases (placeholder of the lead's shared interface, INBOX.md).

A service is a department: its agents (``InboxAgent``) and the leads of its group work it;
admins work every service. Members of the group a case was escalated to may read that case.
Hidden and missing both raise ``NotFound``.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, false, or_, select, true

from . import db
from .access import memberships
from .errors import NotFound
from .models import Case, Department, InboxAgent, Role, User


def inbox_services(user: User) -> set[int]:
    """Departments whose inbox the user works (admins: all)."""
    if user.is_admin:
        return set(db.session.scalars(select(Department.id)))
    agent = set(db.session.scalars(select(InboxAgent.department_id).where(InboxAgent.user_id == user.id)))
    led = [gid for gid, role in memberships(user).items() if role == Role.LEAD]
    if led:
        agent |= set(db.session.scalars(select(Department.id).where(Department.group_id.in_(led))))
    return agent


def is_inbox_user(user: User) -> bool:
    return bool(inbox_services(user))


def require_inbox(user: User) -> None:
    if not is_inbox_user(user):
        raise NotFound(_("This page does not exist."))


def can_lead_service(user: User, department_id: int | None) -> bool:
    if user.is_admin:
        return True
    if department_id is None:
        return False
    dept = db.session.get(Department, department_id)
    return bool(dept and dept.group_id and memberships(user).get(dept.group_id) == Role.LEAD)


def require_service_lead(user: User, department_id: int | None) -> None:
    if not can_lead_service(user, department_id):
        raise NotFound(_("This page does not exist."))


def can_work_case(user: User, case: Case) -> bool:
    services = inbox_services(user)
    return user.is_admin or (case.department_id in services if case.department_id else bool(services))


def access_case(user: User, case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not (can_work_case(user, case)
                            or (case.group_id is not None and case.group_id in memberships(user))):
        raise NotFound(_("This case does not exist or is not visible to you."))
    return case


def visible_cases_clause(user: User) -> ColumnElement[bool]:
    if user.is_admin:
        return true()
    services = inbox_services(user)
    if not services:
        return false()
    return or_(Case.department_id.in_(services), Case.department_id.is_(None))
