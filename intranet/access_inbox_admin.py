"""Who configures the inbox: admins own sources; admins and department leads own watch rules;
a service's leads own its routing rules, SLA targets, canned replies and agents. Anyone else
gets 404 on these pages, like every hidden page."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from intranet import db
from intranet.access import memberships
from intranet.access_inbox import can_lead_service, is_inbox_user
from intranet.errors import NotFound
from intranet.models import Department, Role, User


def led_services(user: User) -> list[Department]:
    """Departments whose service the user leads (every department for admins), by name."""
    stmt = select(Department).order_by(Department.name)
    if not user.is_admin:
        led = [gid for gid, role in memberships(user).items() if role == Role.LEAD]
        if not led:
            return []
        stmt = stmt.where(Department.group_id.in_(led))
    return list(db.session.scalars(stmt))


def can_manage_watch_rules(user: User) -> bool:
    return user.is_admin or bool(led_services(user))


def require_watch_rules(user: User) -> None:
    if not can_manage_watch_rules(user):
        raise NotFound(_("This page does not exist."))


def can_see_competitor_watch(user: User) -> bool:
    """Marketing's view of competitors: inbox people and department leads (no customer cases)."""
    return is_inbox_user(user) or can_manage_watch_rules(user)


def require_competitor_watch(user: User) -> None:
    if not can_see_competitor_watch(user):
        raise NotFound(_("This page does not exist."))


def access_led_service(user: User, department_id: int) -> Department:
    """The department whose inbox settings the user may change (its leads, admins); else 404."""
    department = db.session.get(Department, department_id)
    if department is None or not can_lead_service(user, department_id):
        raise NotFound(_("This page does not exist."))
    return department
