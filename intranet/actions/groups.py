"""Groups: creation, settings, membership, roles and join requests."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.common import audit, clean_text, enqueue_index
from intranet.actions.notifications import notify
from intranet.models import (
    Group,
    GroupKind,
    JoinRequest,
    Membership,
    NotificationKind,
    RequestStatus,
    Role,
    User,
    Visibility,
    utcnow,
)
from intranet.platform.errors import Conflict, Forbidden, Invalid, NotFound
from intranet.platform.events import publish


def unique_slug(session: Session, name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50] or "group"
    candidate, n = base, 1
    while session.scalar(select(Group.id).where(Group.slug == candidate)):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _visibility(value: object) -> Visibility:
    try:
        return Visibility(str(value))
    except ValueError:
        raise Invalid(_("Visibility must be public, private or secret."), field="visibility") from None


def _kind(value: object) -> GroupKind:
    if value not in (GroupKind.PROJECT.value, GroupKind.COMMUNITY.value):
        raise Invalid(_("A group is a project or a community."), field="kind")
    return GroupKind(value)


def do_create_group(session: Session, creator: User, name: str, *, description: str = "",
                    visibility: str = "public", kind: str = "project") -> Group:
    """Any employee may create a project or community group, and leads it."""
    group = Group(
        name=clean_text(name, field="name", label=_("Name"), max_len=120),
        description=clean_text(description, field="description", label=_("Description"),
                               max_len=2000, required=False),
        visibility=_visibility(visibility), kind=_kind(kind), created_by_id=creator.id,
    )
    group.slug = unique_slug(session, group.name)
    session.add(group)
    session.flush()
    session.add(Membership(group_id=group.id, user_id=creator.id, role=Role.LEAD))
    access.forget_memberships()
    audit(session, creator, "group.create", "group", group.id, visibility=group.visibility.value)
    enqueue_index(session, "group", group.id)
    return group


def do_update_group(session: Session, acting: User, group: Group, *, name: str,
                    description: str, visibility: str) -> None:
    _require_manager(acting, group)
    group.name = clean_text(name, field="name", label=_("Name"), max_len=120)
    group.description = clean_text(description, field="description", label=_("Description"),
                                   max_len=2000, required=False)
    group.visibility = _visibility(visibility)
    audit(session, acting, "group.update", "group", group.id, visibility=group.visibility.value)
    enqueue_index(session, "group", group.id)
    publish(session, "group", {"op": "update", "id": group.id}, group_id=group.id)


def _require_manager(acting: User, group: Group) -> None:
    if not access.can_manage_group(acting, group):
        raise Forbidden(_("Only the group's leads can do this."))


def member_event(session: Session, group: Group, user_id: int, op: str) -> None:
    """Members' pages and the person concerned hear of a membership change."""
    payload = {"op": op, "id": group.id, "user_id": user_id}
    publish(session, "group", payload, group_id=group.id)
    publish(session, "group", payload, user_id=user_id)  # also reaches someone who just left
    enqueue_index(session, "group", group.id)


def _lead_ids(session: Session, group: Group) -> list[int]:
    return list(session.scalars(select(Membership.user_id).where(
        Membership.group_id == group.id, Membership.role == Role.LEAD)))


def _deciders(session: Session, group: Group) -> list[int]:
    """Who hears about a join request: the active leads, else the admins (who may manage any
    group), so a request to a department group that has no lead yet is not lost."""
    leads = list(session.scalars(select(User.id).join(Membership, Membership.user_id == User.id).where(
        Membership.group_id == group.id, Membership.role == Role.LEAD, User.is_active_account)))
    return leads or list(session.scalars(select(User.id).where(User.is_admin, User.is_active_account)))


def do_join_group(session: Session, user: User, group: Group, message: str = "") -> str:
    """Public groups: join at once. Private and department groups: ask the leads.

    Returns ``"joined"`` or ``"requested"``. Secret groups never reach here (access hides them).
    """
    if access.is_member(user, group):
        raise Conflict(_("You are already a member of this group."))
    if group.visibility == Visibility.PUBLIC and group.kind != GroupKind.DEPARTMENT:
        session.add(Membership(group_id=group.id, user_id=user.id, role=Role.MEMBER))
        access.forget_memberships()
        member_event(session, group, user.id, "member_add")
        return "joined"
    if group.visibility == Visibility.SECRET:
        raise NotFound(_("This group does not exist or is not visible to you."))
    pending = session.scalar(select(JoinRequest).where(
        JoinRequest.group_id == group.id, JoinRequest.user_id == user.id,
        JoinRequest.status == RequestStatus.PENDING))
    if pending is not None:
        raise Conflict(_("Your request to join is already waiting for a lead."))
    request = JoinRequest(group_id=group.id, user_id=user.id,
                          message=clean_text(message, field="message", label=_("Message"),
                                             max_len=500, required=False))
    session.add(request)
    session.flush()
    notify(session, _deciders(session, group), NotificationKind.JOIN_REQUEST, actor=user,
           group_id=group.id)
    return "requested"


def do_decide_join_request(session: Session, acting: User, request: JoinRequest, approve: bool) -> None:
    """A lead (or admin) accepts or refuses; the requester is told either way, so nobody waits
    on a request that was quietly turned down."""
    group = request.group
    _require_manager(acting, group)
    if request.status != RequestStatus.PENDING:
        raise Conflict(_("This request was already decided."))
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    request.decided_by_id, request.decided_at = acting.id, utcnow()
    if approve and not session.get(Membership, (group.id, request.user_id)):
        session.add(Membership(group_id=group.id, user_id=request.user_id, role=Role.MEMBER))
        access.forget_memberships()
        member_event(session, group, request.user_id, "member_add")
    kind = NotificationKind.JOIN_APPROVED if approve else NotificationKind.JOIN_REFUSED
    notify(session, [request.user_id], kind, actor=acting, group_id=group.id)
    audit(session, acting, "group.join_request", "group", group.id,
          user_id=request.user_id, approved=approve)


def do_set_member(session: Session, acting: User, group: Group, user: User, role: str) -> Membership:
    """Add someone, or change their role (promote to lead, demote to member)."""
    _require_manager(acting, group)
    try:
        new_role = Role(role)
    except ValueError:
        raise Invalid(_("Role must be member or lead."), field="role") from None
    if not user.is_active_account:
        raise Invalid(_("This account is deactivated."), field="user_id")
    membership = session.get(Membership, (group.id, user.id))
    if membership is None:
        membership = Membership(group_id=group.id, user_id=user.id, role=new_role)
        session.add(membership)
        op = "member_add"
    else:
        if membership.role == Role.LEAD and new_role == Role.MEMBER:
            _keep_a_lead(session, group)
        membership.role, op = new_role, "member_role"
    session.flush()
    access.forget_memberships()
    member_event(session, group, user.id, op)
    audit(session, acting, f"group.{op}", "group", group.id, user_id=user.id, role=new_role.value)
    return membership


def _keep_a_lead(session: Session, group: Group) -> None:
    if len(_lead_ids(session, group)) <= 1:
        raise Conflict(_("A group needs at least one lead: promote someone else first."))


def do_remove_member(session: Session, acting: User, group: Group, user: User) -> None:
    """A lead removes someone, or a member leaves (``acting is user``).

    People do not leave their own department's group: it is how their department's
    announcements reach them, and it follows their department (an admin changes that)."""
    if acting.id != user.id:
        _require_manager(acting, group)
    elif group.kind == GroupKind.DEPARTMENT and group.department_id == user.department_id:
        raise Invalid(_("You belong to this department: its group follows your department, ask an "
                        "administrator to change your department."))
    membership = session.get(Membership, (group.id, user.id))
    if membership is None:
        raise NotFound(_("This person is not a member of the group."))
    if membership.role == Role.LEAD:
        _keep_a_lead(session, group)
    session.delete(membership)
    session.flush()
    access.forget_memberships()
    member_event(session, group, user.id, "member_remove")
    audit(session, acting, "group.member_remove", "group", group.id, user_id=user.id)


def member_count(session: Session, group_id: int) -> int:
    return session.scalar(select(func.count()).where(Membership.group_id == group_id)) or 0
