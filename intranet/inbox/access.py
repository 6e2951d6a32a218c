"""Who may see and work inbox cases: the inbox's half of ``access``.

A service is a department. Its inbox is worked by its agents (``InboxAgent``) and its leads (the
leads of the department's group); admins see every service. Customer comments carry personal
data, so anyone else gets 404, except members of the group a case was escalated to, who may
read that one case. Who configures the inbox: admins own sources; admins and department leads
own watch rules; a service's leads own its routing rules, SLA targets, canned replies and agents.
"""

from __future__ import annotations

from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, CompoundSelect, Select, bindparam, exists, false, or_, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, SessionTransaction

from intranet.access import memberships
from intranet.models import (
    Case,
    Department,
    InboxAgent,
    Incident,
    Membership,
    Notification,
    Role,
    ServiceSettings,
    User,
)
from intranet.platform import db
from intranet.platform.errors import NotFound

SERVICES = "intranet.inbox_services"


def inbox_services(user: User) -> frozenset[int]:
    """Departments whose inbox the user works, cached for the unit of work like memberships."""
    cache = db.session.info.setdefault(SERVICES, {})
    if user.id not in cache:
        cache[user.id] = frozenset(_load_services(user))
    return cache[user.id]


def _load_services(user: User) -> list[int]:
    if user.is_admin:
        return list(db.session.scalars(select(Department.id)))
    led = [gid for gid, role in memberships(user).items() if role == Role.LEAD]
    statement = _services_statement(bool(led))
    return list(db.session.scalars(statement, {"me": user.id, "led": led} if led else {"me": user.id}))


@lru_cache(maxsize=2)
def _services_statement(leads: bool) -> Select | CompoundSelect:
    """Built once per shape: searches and inbox pages read it on every request."""
    agent = select(InboxAgent.department_id).where(InboxAgent.user_id == bindparam("me"))
    if not leads:
        return agent
    return agent.union(select(Department.id).where(
        Department.group_id.in_(bindparam("led", expanding=True))))


def forget_services() -> None:
    """Actions that give or take the inbox role call this so later checks see it."""
    db.session.info.pop(SERVICES, None)


def _end_of_unit(session: Session, _transaction: SessionTransaction) -> None:
    session.info.pop(SERVICES, None)


sa_event.listen(db.AppSession, "after_transaction_end", _end_of_unit)


def is_inbox_user(user: User) -> bool:
    return user.is_admin or bool(inbox_services(user))


def require_inbox(user: User) -> frozenset[int]:
    """The services whose cases I work (404 for someone outside the inbox): every inbox page
    needs both the check and the list."""
    services = inbox_services(user)
    if not (user.is_admin or services):
        raise NotFound(_("This page does not exist."))
    return services


def can_lead_service(user: User, department_id: int) -> bool:
    """Leads own their service's routing rules, SLA targets, canned replies and agents."""
    if user.is_admin:
        return True
    department = db.session.get(Department, department_id)
    return (department is not None and department.group_id is not None
            and memberships(user).get(department.group_id) == Role.LEAD)


def can_work_case(user: User, case: Case) -> bool:
    """Assign, answer, change status: the case's service (any inbox user while unrouted)."""
    if case.department_id is None:
        return is_inbox_user(user)
    return case.department_id in inbox_services(user)


def access_case(user: User, case_id: int) -> Case:
    """The case for its service's people, or read-only for the group it was escalated to."""
    case = db.session.get(Case, case_id)
    if case is None or not (can_work_case(user, case)
                            or (case.group_id is not None and case.group_id in memberships(user))):
        raise NotFound(_("This case does not exist or is not visible to you."))
    return case


def can_work_incident(user: User, incident: Incident) -> bool:
    """Incidents follow their cases' rule: the service's people (any inbox user while unrouted)."""
    if incident.department_id is None:
        return is_inbox_user(user)
    return incident.department_id in inbox_services(user)


def access_incident(user: User, incident_id: int) -> Incident:
    """The incident for its service's people, or read-only for the group of its thread."""
    incident = db.session.get(Incident, incident_id)
    if incident is None or not (can_work_incident(user, incident) or (
            incident.group_id is not None and incident.group_id in memberships(user))):
        raise NotFound(_("This incident does not exist or is not visible to you."))
    return incident


def visible_incidents_clause(user: User) -> ColumnElement[bool]:
    """Incident lists: those of my services, and unrouted ones when I work an inbox."""
    services = inbox_services(user)
    if not services and not user.is_admin:
        return false()
    return or_(Incident.department_id.in_(services) if services else false(),
               Incident.department_id.is_(None))


def visible_cases_clause(user: User) -> ColumnElement[bool]:
    """Inbox lists: the cases of my services, and unrouted ones when I work an inbox."""
    services = inbox_services(user)
    if not services and not user.is_admin:
        return false()
    return or_(Case.department_id.in_(services) if services else false(), Case.department_id.is_(None))


def service_audience(session: Session, department_id: int) -> list[int]:
    """User ids reached by a service's events: its agents, its leads, the admins (the same
    people ``inbox_services`` lets see the service)."""
    return list(session.scalars(_audience_statement(), {"department_id": department_id}))


@lru_cache(maxsize=1)
def _audience_statement() -> Select:
    """Built once: every new case publishes to its service, and building the union cost ~10x
    running it (a webhook delivery opens one or two cases)."""
    department_id = bindparam("department_id")
    agents = select(InboxAgent.user_id).where(InboxAgent.department_id == department_id)
    group = select(Department.group_id).where(Department.id == department_id).scalar_subquery()
    leads = select(Membership.user_id).where(Membership.group_id == group, Membership.role == Role.LEAD)
    admins = select(User.id).where(User.is_admin.is_(True))
    return agents.union(leads, admins)


def readable_case(viewer: User) -> ColumnElement[bool]:
    """A notification's case is one ``access_case`` would open: a person moved out of the inbox
    (or out of the escalation group) no longer reads even the notification about the customer's
    case. Registered with ``access.visibility`` as a notification rule."""
    mine = list(memberships(viewer))
    escalated = Case.group_id.in_(mine) if mine else false()
    return or_(Notification.case_id.is_(None),
               exists().where(Case.id == Notification.case_id, or_(visible_cases_clause(viewer), escalated)))


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


def needs_approval(session: Session, actor: User, case: Case) -> bool:
    """A service may require a lead's approval; a lead's own reply needs none."""
    settings = session.get(ServiceSettings, case.department_id) if case.department_id else None
    return bool(settings and settings.require_approval
                and not can_lead_service(actor, case.department_id))
