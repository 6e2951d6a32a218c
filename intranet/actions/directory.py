"""Accounts that follow the company's directory: signed in through LDAP or OpenID Connect, and
kept in step by ``flask --app wsgi directory sync``.

The directory is the source of truth for name, e-mail, job title and department: each sign-in
and each sync writes what it says (an edit on the profile lasts until then). Local accounts
(``auth_source == "local"``) are never touched, so the administrator created by ``create-user``
can always sign in, whatever the directory says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intranet.actions.common import audit, enqueue_index
from intranet.actions.users import (
    _check_email,
    _join_department,
    _unique_username,
    do_create_department,
    do_deactivate_user,
    do_set_department,
)
from intranet.models import Department, User
from intranet.platform.directory import DirectoryPerson
from intranet.platform.errors import Conflict, DomainError, Forbidden

NO_PASSWORD = "!"  # never a valid hash: werkzeug's check_password_hash answers False


def do_directory_sign_in(session: Session, person: DirectoryPerson) -> User:
    """The account of someone the directory or the provider just vouched for: created on their
    first sign-in, brought up to date on every one. A deactivated account stays deactivated."""
    user = find_account(session, person)
    if user is None:
        return _create(session, person, {})
    if not user.is_active_account:
        raise Forbidden(_("This account is deactivated. Ask an administrator to reactivate it."))
    _link(user, person)
    apply_person(session, user, person, departments={})
    return user


def find_account(session: Session, person: DirectoryPerson) -> User | None:
    """By the source's stable id, else by e-mail: an account the administrator created before
    single sign-on was set up is taken over rather than duplicated."""
    user = session.scalar(select(User).where(User.auth_source == person.source,
                                             User.external_id == person.external_id))
    if user is None:
        user = session.scalar(select(User).where(func.lower(User.email) == person.email.lower()))
        if user is not None and user.auth_source != "local" and user.auth_source != person.source:
            raise Conflict(_("This e-mail belongs to an account that signs in another way."))
        if user is not None and user.email == _break_glass():  # its local password must survive
            raise Conflict(_("This e-mail belongs to an account that signs in another way."))
    return user


def _break_glass() -> str:
    return (current_app.config["BREAK_GLASS_ADMIN"] or "").strip().lower()


def apply_person(session: Session, user: User, person: DirectoryPerson,
                 departments: dict[str, Department]) -> bool:
    """Write the directory's name, e-mail, job title and department onto ``user``; True if
    anything changed. ``departments`` caches the departments by name across a sync."""
    changed = {}
    email = person.email.lower()
    if user.email != email:
        _check_email(session, email)
        changed["email"] = user.email = email
    for attr, value, limit in (("name", person.name, 120), ("job_title", person.job_title, 120)):
        value = value.strip()[:limit]
        if value and getattr(user, attr) != value:
            setattr(user, attr, value)
            changed[attr] = value
    department = _department(session, person.department, departments)
    if department is not None and user.department_id != department.id:
        do_set_department(session, user, department, acting_user=None)
        changed["department"] = department.name
    if changed:
        audit(session, None, "user.directory_update", "user", user.id, source=person.source, **changed)
        enqueue_index(session, "person", user.id)
    return bool(changed)


def _create(session: Session, person: DirectoryPerson, departments: dict[str, Department]) -> User:
    email = _check_email(session, person.email)
    user = User(email=email, username=_unique_username(session, email),
                name=person.name[:120] or email.split("@")[0], password_hash=NO_PASSWORD,
                job_title=person.job_title[:120], auth_source=person.source,
                external_id=person.external_id)
    session.add(user)
    session.flush()
    department = _department(session, person.department, departments)
    if department is not None:
        _join_department(session, user, department)
    audit(session, None, "user.create", "user", user.id, email=email, source=person.source)
    enqueue_index(session, "person", user.id)
    return user


def _link(user: User, person: DirectoryPerson) -> None:
    """A local account found by e-mail now signs in through the directory."""
    if user.auth_source != person.source or user.external_id != person.external_id:
        user.auth_source, user.external_id = person.source, person.external_id
        user.password_hash = NO_PASSWORD


def _department(session: Session, name: str, cache: dict[str, Department]) -> Department | None:
    """The department of that name, created (with its group) the first time it is seen."""
    name = name.strip()[:120]
    if not name:
        return None
    if name not in cache:
        found = session.scalar(select(Department).where(Department.name == name))
        cache[name] = found or do_create_department(session, name, acting_user=None)
    return cache[name]


@dataclass
class SyncReport:
    """What one ``directory sync`` did, for the command's summary."""

    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_signed_in: int = 0  # in the directory, no account here yet (and --create not given)
    deactivated: int = 0
    departments_created: int = 0
    skipped: list[str] = field(default_factory=list)  # e-mails that could not be applied, and why


def do_directory_sync(session: Session, people: Iterable[DirectoryPerson], *, source: str,
                      report: SyncReport, create: bool = False) -> None:
    """Bring the ``source`` accounts of ``people`` (a slice of the directory) in line with it and
    create the departments it names; ``report`` adds up the slices. Running it again changes
    nothing more. The caller commits slice by slice: a first import of thousands of people must
    not hold the write lock for the whole run."""
    departments = {d.name: d for d in session.scalars(select(Department))}
    known = len(departments)
    batch = list(people)
    ids = [p.external_id for p in batch]
    accounts = {u.external_id: u for u in session.scalars(
        select(User).where(User.auth_source == source, User.external_id.in_(ids)))}
    for person in batch:
        report.seen += 1
        _sync_one(session, person, accounts, departments, report, create)
    report.departments_created += len(departments) - known


def do_directory_deactivate_missing(session: Session, listed: set[str], *, source: str,
                                    report: SyncReport, keep: Iterable[str] = ()) -> None:
    """Deactivate the active ``source`` accounts whose id the directory no longer lists (``keep``:
    e-mails never deactivated, such as the break-glass administrator)."""
    kept = {e.lower() for e in keep}
    active = session.scalars(select(User).where(User.auth_source == source, User.is_active_account.is_(True)))
    for user in list(active):
        if user.external_id not in listed and user.email not in kept:
            do_deactivate_user(session, user, acting_user=None)
            report.deactivated += 1


def _sync_one(session: Session, person: DirectoryPerson, accounts: dict[str | None, User],
              departments: dict[str, Department], report: SyncReport, create: bool) -> None:
    """Refusals (an e-mail taken by another account, or not an address) come from the checks made
    before anything is written for that person: the others go on."""
    user = accounts.get(person.external_id)
    try:
        if user is None and (user := find_account(session, person)) is not None:
            _link(user, person)  # made by an administrator before sign-on came: taken over
            accounts[person.external_id] = user
            apply_person(session, user, person, departments)
            report.updated += 1
        elif user is None and create:
            accounts[person.external_id] = _create(session, person, departments)
            report.created += 1
        elif user is None:
            report.not_signed_in += 1
        elif apply_person(session, user, person, departments):
            report.updated += 1
        else:
            report.unchanged += 1
    except DomainError as exc:
        report.skipped.append(f"{person.email}: {exc.message}")
