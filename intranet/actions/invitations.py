"""Invitations and self-registration, both through a signed, expiring, single-use link by mail.

- An administrator invites an address (one, or a CSV list); the invitee follows the link and
  chooses their name and password; the account is created then.
- Someone whose address is in ``SELF_REGISTRATION_DOMAINS`` registers: nothing is created until
  they follow the link sent to that address (the password is kept hashed meanwhile).

The token signs ``[invitation id, nonce]``: a new invitation to the same address draws a new
nonce, which voids the previous link; ``used_at`` makes each link single-use; it expires after
``INVITATION_DAYS`` (registrations: ``REGISTRATION_HOURS``).
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intranet.actions.common import audit, clean_text
from intranet.actions.mail import link_context, locale_of, queue_mail, render_mail
from intranet.actions.passwords import check_new_password
from intranet.actions.users import EMAIL_RE, check_self_registration, do_create_user
from intranet.models import Department, Invitation, InvitationKind, User, utcnow
from intranet.platform.auth import hash_password
from intranet.platform.errors import Conflict, DomainError, Invalid, NotFound

SALT = "intranet.invitation"
MAX_CSV_ROWS = 500


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def token_for(invitation: Invitation) -> str:
    return _serializer().dumps([invitation.id, invitation.nonce])


def _email(value: object) -> str:
    email = clean_text(value, field="email", label=_("E-mail"), max_len=254).lower()
    if not EMAIL_RE.match(email):
        raise Invalid(_("This is not a valid e-mail address."), field="email")
    return email


def _has_account(session: Session, email: str) -> bool:
    return session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None


def _fresh(session: Session, kind: InvitationKind, email: str, lifetime: timedelta) -> Invitation:
    """The pending link of this kind for this address, renewed (the old link stops working),
    or a new one."""
    invitation = session.scalar(select(Invitation).where(
        Invitation.kind == kind, Invitation.email == email, Invitation.used_at.is_(None)))
    if invitation is None:
        invitation = Invitation(kind=kind, email=email)
        session.add(invitation)
    invitation.nonce = secrets.token_hex(16)
    invitation.expires_at = utcnow() + lifetime
    return invitation


def do_invite(session: Session, admin: User, email: object, *, name: object = "",
              department: Department | None = None) -> Invitation:
    """Invite one address (an administrator); the mail goes in the admin's transaction."""
    address = _email(email)
    if _has_account(session, address):
        raise Conflict(_("An account with this e-mail already exists."), field="email")
    days = float(current_app.config.get("INVITATION_DAYS", 7))
    invitation = _fresh(session, InvitationKind.INVITATION, address, timedelta(days=days))
    invitation.name = clean_text(name or "", field="name", label=_("Name"), max_len=120, required=False)
    invitation.invited_by_id = admin.id
    invitation.department_id = department.id if department else None
    session.flush()
    audit(session, admin, "user.invite", "invitation", invitation.id, email=address)
    with link_context(), force_locale(locale_of(admin)):
        link = url_for("invitations.accept", token=token_for(invitation), _external=True)
        subject = _("%(name)s invites you to the intranet", name=admin.name)
        text, html = render_mail("invitation", locale_of(admin), inviter=admin, link=link, days=int(days),
                                 name=invitation.name)
    queue_mail(session, to=address, subject=subject, text=text, html=html, kind="invitation")
    return invitation


@dataclass
class CsvResult:
    invited: list[str] = field(default_factory=list)
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # (line, address, why)


def do_invite_csv(session: Session, admin: User, text: str) -> CsvResult:
    """Invite every ``email[,name[,department]]`` line (a header line is skipped); each line is
    judged alone: a bad one is reported, the others are invited."""
    result = CsvResult()
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > MAX_CSV_ROWS:
        raise Invalid(_("At most %(n)d lines at a time.", n=MAX_CSV_ROWS), field="csv")
    departments = {d.name.lower(): d for d in session.scalars(select(Department))}
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not cells or not any(cells) or (number == 1 and "@" not in cells[0]):
            continue
        email, name = cells[0], cells[1] if len(cells) > 1 else ""
        department = departments.get(cells[2].lower()) if len(cells) > 2 and cells[2] else None
        if len(cells) > 2 and cells[2] and department is None:
            result.refused.append((number, email, _("No department is called %(name)s.", name=cells[2])))
            continue
        try:
            with session.begin_nested():
                do_invite(session, admin, email, name=name, department=department)
        except DomainError as exc:
            result.refused.append((number, email, exc.message))
            continue
        result.invited.append(email.lower())
    return result


def read_invitation(session: Session, token: str, kind: InvitationKind) -> Invitation:
    """The pending invitation a link names; NotFound if forged, replaced, used or expired."""
    invalid = NotFound(_("This link is not valid any more. Ask for a new one."))
    try:
        invitation_id, nonce = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise invalid from None
    invitation = session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    if (invitation is None or invitation.kind != kind
            or not secrets.compare_digest(invitation.nonce, str(nonce))
            or invitation.used_at is not None or invitation.expires_at <= utcnow()):
        raise invalid
    return invitation


def do_accept_invitation(session: Session, invitation: Invitation, name: object, password: object) -> User:
    """The invitee chooses name and password: the account exists from now on."""
    department = session.get(Department, invitation.department_id) if invitation.department_id else None
    user = do_create_user(session, invitation.email, str(name or ""),  # the policy is checked there
                          password if isinstance(password, str) else None, department=department)
    _use(invitation, user)
    return user


def do_register(session: Session, email: object, name: object, password: object) -> None:
    """Self-registration: check the domain, keep name and hashed password, mail a confirmation
    link. An address that already has an account gets a mail saying so instead (the page says
    the same either way: nobody learns who has an account)."""
    address = _email(email)
    check_self_registration(address)
    clean_name = clean_text(name, field="name", label=_("Name"), max_len=120)
    secret = hash_password(check_new_password(password, email=address, name=clean_name))
    locale = str(get_locale() or locale_of(None))  # the language of the page they registered on
    with link_context(), force_locale(locale):
        if _has_account(session, address):
            login = url_for("auth.login", _external=True)
            text, html = render_mail("already_registered", locale, login=login)
            queue_mail(session, to=address, subject=_("You already have an account"), text=text, html=html,
                       kind="registration")
            return
        hours = float(current_app.config.get("REGISTRATION_HOURS", 48))
        invitation = _fresh(session, InvitationKind.REGISTRATION, address, timedelta(hours=hours))
        invitation.name, invitation.password_hash = clean_name, secret
        session.flush()
        link = url_for("invitations.confirm", token=token_for(invitation), _external=True)
        text, html = render_mail("confirm_registration", locale, name=clean_name, link=link, hours=int(hours))
        queue_mail(session, to=address, subject=_("Confirm your e-mail address"), text=text, html=html,
                   kind="registration")


def do_confirm_registration(session: Session, invitation: Invitation) -> User:
    """The address is confirmed: create the account with the name and password chosen then."""
    user = do_create_user(session, invitation.email, invitation.name, None, no_password=True)
    user.password_hash = invitation.password_hash or user.password_hash  # hashed when they registered
    _use(invitation, user)
    return user


def _use(invitation: Invitation, user: User) -> None:
    invitation.used_at = utcnow()
    invitation.user_id = user.id
    invitation.password_hash = None
