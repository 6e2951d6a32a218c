"""People management by an administrator: edit someone, their department leads, delete by policy.

Deactivation and reactivation stay in ``actions.users`` (ending sessions is theirs); department
moves go through ``do_set_department`` so the department group follows.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.comments import do_delete_comment
from intranet.actions.common import audit, clean_text, enqueue_index
from intranet.actions.groups import do_set_member, member_event
from intranet.actions.messaging import erase_message
from intranet.actions.posts import do_delete_post
from intranet.actions.users import EMAIL_RE, do_deactivate_user, do_set_department
from intranet.models import (
    Acknowledgement,
    ApiToken,
    Comment,
    Department,
    InboxAgent,
    JoinRequest,
    Membership,
    Message,
    Notification,
    Participant,
    Post,
    Reaction,
    Role,
    User,
    utcnow,
)
from intranet.platform.errors import Conflict, Invalid, NotFound
from intranet.platform.events import after_commit

KEEP, REMOVE = "keep", "remove"
POLICIES = (KEEP, REMOVE)
UNCHANGED: Any = object()


def _not_deleted(user: User) -> None:
    if user.deleted_at is not None:
        raise Conflict(_("This person was deleted: their account cannot change any more."))


def _email(session: Session, user: User, value: object) -> str:
    email = clean_text(value, field="email", label=_("E-mail"), max_len=254).lower()
    if not EMAIL_RE.match(email):
        raise Invalid(_("This is not a valid e-mail address."), field="email")
    taken = session.scalar(select(User.id).where(func.lower(User.email) == email, User.id != user.id))
    if taken:
        raise Conflict(_("An account with this e-mail already exists."), field="email")
    return email


def _keep_an_admin(session: Session, user: User, acting_user: User) -> None:
    if user.id == acting_user.id:
        raise Conflict(_("You cannot remove your own administrator role."), field="is_admin")
    others = session.scalar(select(func.count()).where(
        User.is_admin, User.is_active_account, User.id != user.id)) or 0
    if not others:
        raise Conflict(_("There must be at least one active administrator."), field="is_admin")


def do_update_person(session: Session, user: User, *, acting_user: User, name: object = UNCHANGED,
                     email: object = UNCHANGED, job_title: object = UNCHANGED,
                     department: Department | None = UNCHANGED, is_admin: object = UNCHANGED,
                     audited: bool = True) -> list[str]:
    """Change what an admin may change about someone; returns the fields that really changed.

    Absent fields (``UNCHANGED``) stay. The audit row names the fields, not their values, so
    the log does not become a second copy of people's personal data.
    """
    _not_deleted(user)
    changed: list[str] = []
    if name is not UNCHANGED:
        value = clean_text(name, field="name", label=_("Name"), max_len=120)
        if value != user.name:
            user.name = value
            changed.append("name")
    if email is not UNCHANGED and str(email or "").strip().lower() != user.email:
        user.email = _email(session, user, email)
        changed.append("email")
    if job_title is not UNCHANGED:
        value = clean_text(job_title, field="job_title", label=_("Job title"), max_len=120, required=False)
        if value != user.job_title:
            user.job_title = value
            changed.append("job_title")
    if is_admin is not UNCHANGED:
        if not isinstance(is_admin, bool):
            raise Invalid(_("is_admin must be true or false."), field="is_admin")
        if is_admin != user.is_admin:
            if not is_admin:
                _keep_an_admin(session, user, acting_user)
            user.is_admin = is_admin
            changed.append("is_admin")
    if department is not UNCHANGED and (department.id if department else None) != user.department_id:
        do_set_department(session, user, department, acting_user=acting_user)
        changed.append("department")
    if changed and audited:
        audit(session, acting_user, "user.update", "user", user.id, fields=changed,
              **({"admin": user.is_admin} if "is_admin" in changed else {}))
    if changed:
        enqueue_index(session, "person", user.id)
    return changed


def do_set_department_lead(session: Session, department: Department, user: User, lead: bool, *,
                           acting_user: User) -> None:
    """Promote someone to lead their department's group, or demote them to member.

    Unlike an ordinary group, a department may be left without a lead by an admin: its join
    requests then reach the admins (``actions.groups._deciders``)."""
    group = department.group
    if group is None:
        raise NotFound(_("This department does not exist."))
    _not_deleted(user)
    if lead:
        do_set_member(session, acting_user, group, user, Role.LEAD.value)
        return
    membership = session.get(Membership, (group.id, user.id))
    if membership is None or membership.role != Role.LEAD:
        raise NotFound(_("This person does not lead this department."))
    membership.role = Role.MEMBER
    session.flush()
    access.forget_memberships()
    member_event(session, group, user.id, "member_role")
    audit(session, acting_user, "group.member_role", "group", group.id, user_id=user.id,
          role=Role.MEMBER.value)


def do_record_data_export(session: Session, person: User, *, acting_user: User) -> None:
    """A personal-data download is itself worth a line in the audit log (who took whose data)."""
    audit(session, acting_user, "user.data_export", "user", person.id)


@dataclass
class DeletionOutcome:
    posts: int = 0
    comments: int = 0
    messages: int = 0


def former_employee_name() -> str:
    """The name a deleted person's kept posts show, in the company's default language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _("Former employee")


def do_delete_person(session: Session, user: User, *, policy: object, acting_user: User) -> DeletionOutcome:
    """Erase a person (GDPR art. 17): the account row stays, emptied, so what they wrote can
    stay under "former employee" (``keep``) or go with them (``remove``: their posts with
    their comments, their comments elsewhere, their messages erased as deleted messages).

    Either way their profile, avatar, skills, memberships, tokens, reactions, acknowledgements,
    requests and notifications go, the account is deactivated (sessions and sockets end) and
    the deletion is audited without the person's name.
    """
    if policy not in POLICIES:
        raise Invalid(_("Choose what happens to their posts: keep or remove."), field="posts")
    if user.id == acting_user.id:
        raise Conflict(_("You cannot delete your own account."))
    _not_deleted(user)
    if user.is_admin:
        _keep_an_admin(session, user, acting_user)
    outcome = DeletionOutcome()
    if policy == REMOVE:
        outcome = _remove_content(session, user)
    else:
        _reindex_content(session, user)
    if user.is_active_account:
        do_deactivate_user(session, user, acting_user=acting_user)
    _leave_everything(session, user)
    _empty_profile(session, user)
    audit(session, acting_user, "user.delete", "user", user.id, policy=policy, posts=outcome.posts,
          comments=outcome.comments, messages=outcome.messages)
    return outcome


def _remove_content(session: Session, user: User) -> DeletionOutcome:
    """Through the ordinary removal actions, acting as the author: events, index and files follow."""
    outcome = DeletionOutcome()
    for post in session.scalars(select(Post).where(Post.author_id == user.id)).all():
        do_delete_post(session, user, post)
        outcome.posts += 1
    for comment in session.scalars(select(Comment).where(Comment.author_id == user.id)).all():
        do_delete_comment(session, user, comment)
        outcome.comments += 1
    for message in session.scalars(select(Message).where(
            Message.author_id == user.id, Message.deleted_at.is_(None))).all():
        erase_message(session, message)
        outcome.messages += 1
    return outcome


def _reindex_content(session: Session, user: User) -> None:
    """Kept posts and comments are indexed under their author's name: index the new one."""
    for post_id in session.scalars(select(Post.id).where(Post.author_id == user.id)):
        enqueue_index(session, "post", post_id)
    for comment_id in session.scalars(select(Comment.id).where(Comment.author_id == user.id)):
        enqueue_index(session, "comment", comment_id)


def _leave_everything(session: Session, user: User) -> None:
    for membership in session.scalars(select(Membership).where(Membership.user_id == user.id)).all():
        group = membership.group
        session.delete(membership)
        session.flush()
        member_event(session, group, user.id, "member_remove")
    for model in (Reaction, Acknowledgement, JoinRequest, InboxAgent, ApiToken):
        session.execute(delete(model).where(model.user_id == user.id))
    session.execute(update(Participant).where(Participant.user_id == user.id, Participant.left_at.is_(None))
                    .values(left_at=utcnow()))
    session.execute(delete(Notification).where(
        (Notification.user_id == user.id) | (Notification.actor_id == user.id)))
    access.forget_memberships()


def _empty_profile(session: Session, user: User) -> None:
    avatar = user.avatar_file
    user.name = former_employee_name()
    user.email = f"former-{user.id}@deleted.invalid"
    user.username = f"former-{user.id}"
    user.password_hash = "!" + secrets.token_hex(16)  # matches no password
    user.job_title, user.bio, user.locale, user.avatar_file = "", "", None, None
    user.is_admin, user.department, user.skills = False, None, []
    user.deleted_at = utcnow()
    if avatar:
        folder = Path(current_app.config["UPLOAD_DIR"]) / "avatars"
        after_commit(session, lambda: (folder / avatar).unlink(missing_ok=True))
    enqueue_index(session, "person", user.id, op="delete")
