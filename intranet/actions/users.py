"""Accounts, profiles, avatars, API tokens and departments."""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intranet.access import forget_memberships
from intranet.actions.common import audit, clean_text, enqueue_index
from intranet.actions.groups import member_event, unique_slug
from intranet.actions.passwords import check_new_password
from intranet.models import (
    ApiToken,
    Department,
    Group,
    GroupKind,
    Membership,
    Role,
    Skill,
    User,
    Visibility,
    utcnow,
)
from intranet.platform.auth import forget_token, hash_password, new_token
from intranet.platform.errors import Conflict, Forbidden, Invalid, NotFound
from intranet.platform.events import after_commit
from intranet.platform.files import write_private
from intranet.platform.sessions import end_logins
from intranet.platform.time_zones import is_zone

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
AVATAR_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
AVATAR_SIZE = 256
AVATAR_MAX_PIXELS = 40_000_000  # a 2 MB file can declare far more; decoding is what costs memory
# Bytes a picture may take once decoded (a 40-megapixel picture decoded whole took +295 MB): a
# baseline JPEG is decoded straight at 1/2 to 1/8 of its size (``draft``), so a phone's photo
# costs a few MB; other pictures are decoded whole, so their pixels are capped by this budget.
AVATAR_MAX_DECODED = 40 * 1024 * 1024


def _check_email(session: Session, email: str) -> str:
    email = clean_text(email, field="email", label=_("E-mail"), max_len=254).lower()
    if not EMAIL_RE.match(email):
        raise Invalid(_("This is not a valid e-mail address."), field="email")
    if session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise Conflict(_("An account with this e-mail already exists."), field="email")
    return email


def check_password_strength(password: object) -> str:
    if not isinstance(password, str) or len(password) < 8:
        raise Invalid(_("The password needs at least 8 characters."), field="password")
    if len(password) > 200:
        raise Invalid(_("The password is too long."), field="password")
    return password


def _unique_username(session: Session, email: str) -> str:
    base = re.sub(r"[^a-z0-9]+", ".", email.split("@")[0].lower()).strip(".")[:30] or "user"
    candidate, n = base, 1
    while session.scalar(select(User.id).where(User.username == candidate)):
        n += 1
        candidate = f"{base}{n}"
    return candidate


def do_create_user(session: Session, email: str, name: str, password: str | None, *,
                   department: Department | None = None, is_admin: bool = False,
                   job_title: str = "", acting_user: User | None = None,
                   no_password: bool = False, password_policy: bool = True) -> User:
    """Create an account and put it in its department's group.

    ``no_password``: no password that works (imported people set theirs through a reset or
    sign in through the directory), and no hashing cost for a thousand-line import.
    ``password_policy=False`` only for the demo company, whose shared password is documented."""
    email = _check_email(session, email)
    name = clean_text(name, field="name", label=_("Name"), max_len=120)
    if no_password:
        password_hash = "!" + secrets.token_hex(16)
    else:
        password_hash = hash_password(check_new_password(password, email=email, name=name) if password_policy
                                      else check_password_strength(password))
    user = User(
        email=email, username=_unique_username(session, email), name=name,
        password_hash=password_hash,
        job_title=clean_text(job_title, field="job_title", label=_("Job title"), max_len=120, required=False),
        is_admin=is_admin,
    )
    session.add(user)
    session.flush()
    if department is not None:
        _join_department(session, user, department)
    audit(session, acting_user or user, "user.create", "user", user.id, email=email)
    enqueue_index(session, "person", user.id)
    return user


def check_self_registration(email: object) -> None:
    domains = current_app.config["SELF_REGISTRATION_DOMAINS"]
    domain = str(email or "").rsplit("@", 1)[-1].lower()
    if not domains or domain not in {d.lower() for d in domains}:
        raise Forbidden(_("Self-registration is not open for this e-mail domain. Ask an administrator."))


def _join_department(session: Session, user: User, department: Department) -> None:
    user.department = department
    if department.group_id and not session.get(Membership, (department.group_id, user.id)):
        session.add(Membership(group_id=department.group_id, user_id=user.id, role=Role.MEMBER))
        session.flush()
        member_event(session, department.group, user.id, "member_add")
    forget_memberships()


def do_set_department(session: Session, user: User, department: Department | None, *,
                      acting_user: User | None) -> None:
    """Move someone between departments; their department group membership follows.

    Leads keep their role in the old department's group (removing a lead is explicit); moving
    someone to the department they are already in changes nothing.
    """
    old_dept = user.department
    if old_dept is not None and old_dept.group_id and (department is None or department.id != old_dept.id):
        old = session.get(Membership, (old_dept.group_id, user.id))
        if old is not None and old.role == Role.MEMBER:
            session.delete(old)
            session.flush()
            member_event(session, old_dept.group, user.id, "member_remove")
    user.department = None
    if department is not None:
        _join_department(session, user, department)
    forget_memberships()
    audit(session, acting_user, "user.department", "user", user.id,
          department_id=department.id if department else None)
    enqueue_index(session, "person", user.id)


def do_update_profile(session: Session, user: User, *, name: str, job_title: str, bio: str,
                      skills: list[str] | str, locale: str | None, timezone: str | None = None) -> None:
    """``timezone``: an IANA name, or None/"" for the company's (``platform.time_zones``)."""
    user.name = clean_text(name, field="name", label=_("Name"), max_len=120)
    user.job_title = clean_text(job_title, field="job_title", label=_("Job title"),
                                max_len=120, required=False)
    user.bio = clean_text(bio, field="bio", label=_("Bio"), max_len=2000, required=False)
    if locale not in (None, "", *current_app.config["LANGUAGES"]):
        raise Invalid(_("Unknown language."), field="locale")
    if timezone and not is_zone(timezone):
        raise Invalid(_("Unknown time zone: choose one from the list."), field="timezone")
    user.locale = locale or None
    user.timezone = timezone or None
    user.skills = _skills(session, skills)
    enqueue_index(session, "person", user.id)


def do_set_locale(session: Session, user: User, locale: str | None) -> None:
    """The interface language from the language switcher; None follows the browser."""
    if locale not in (None, "", *current_app.config["LANGUAGES"]):
        raise Invalid(_("Unknown language."), field="locale")
    user.locale = locale or None


def _skills(session: Session, raw: list[str] | str) -> list[Skill]:
    names = raw.split(",") if isinstance(raw, str) else list(raw)
    clean = list(dict.fromkeys(n.strip().lower()[:60] for n in names if n and n.strip()))
    if len(clean) > 30:
        raise Invalid(_("At most 30 skills."), field="skills")
    existing = {s.name: s for s in session.scalars(select(Skill).where(Skill.name.in_(clean)))}
    return [existing.get(n) or Skill(name=n) for n in clean]


def do_set_avatar(session: Session, user: User, data: bytes) -> None:
    """Check size and type, re-encode as a 256 px PNG (drops metadata and polyglots)."""
    if len(data) > current_app.config["MAX_AVATAR_BYTES"]:
        raise Invalid(_("The picture is too large (at most 2 MB)."), field="avatar")
    try:
        image = decode_picture(data, AVATAR_SIZE, "avatar")
    except Image.DecompressionBombError as exc:  # Pillow's own cap (past 179 megapixels)
        raise Invalid(_("The picture is too large (at most 40 megapixels)."), field="avatar") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise Invalid(_("This file is not a picture we can read."), field="avatar") from exc
    if image.mode == "P":  # a palette picture is scaled in RGBA, or it would scale badly
        image = image.convert("RGBA")
    image.thumbnail((AVATAR_SIZE, AVATAR_SIZE))  # then RGBA: the copy is a small one
    image = image.convert("RGBA")
    folder = Path(current_app.config["UPLOAD_DIR"]) / "avatars"
    name = f"{user.id}-{secrets.token_hex(6)}.png"
    png = io.BytesIO()
    image.save(png, "PNG")
    write_private(folder / name, png.getvalue())
    old = user.avatar_file
    user.avatar_file = name
    if old:
        after_commit(session, lambda: (folder / old).unlink(missing_ok=True))


def decode_picture(data: bytes, size: int, field: str) -> Image.Image:
    """The picture decoded at the smallest size libjpeg offers for a ``size`` px copy, after
    checking what decoding will cost from the header alone (``Image.open`` reads no pixels).
    Avatars and group covers (``actions/group_page``) share it; errors name ``field``."""
    image = Image.open(io.BytesIO(data))
    if image.format not in AVATAR_FORMATS:
        raise Invalid(_("Upload a PNG, JPEG, GIF or WebP picture."), field=field)
    if image.width * image.height > AVATAR_MAX_PIXELS:
        raise Invalid(_("The picture is too large (at most 40 megapixels)."), field=field)
    # Pillow keeps 1 byte a pixel for grey and palette pictures, 4 for the rest; a palette one is
    # made RGBA before it is scaled (so 1 + 4). A progressive JPEG also keeps every coefficient of
    # the whole picture, whatever the draft's size (~3 bytes a pixel).
    full = image.width * image.height
    progressive = image.format == "JPEG" and bool(image.info.get("progressive"))
    if image.format == "JPEG":
        image.draft("RGB", (size, size))
    per_pixel = {"1": 1, "L": 1, "P": 5}.get(image.mode, 4)
    cost = image.width * image.height * per_pixel + (full * 3 if progressive else 0)
    if cost > AVATAR_MAX_DECODED:
        most = AVATAR_MAX_DECODED // (3 if progressive else per_pixel) // 1_000_000
        raise Invalid(_("The picture has too many pixels for its kind (at most %(mp)d "
                        "megapixels): save it smaller, or as a JPEG.", mp=most), field=field)
    image.load()
    return image


def do_deactivate_user(session: Session, user: User, *, acting_user: User | None) -> None:
    """Every login and remember-me token ends now, every socket at once (after commit, on every
    worker); API tokens stop with the account (their owner is checked active). No acting user:
    ``directory sync`` found them gone from the directory."""
    if acting_user is not None and user.id == acting_user.id:
        raise Conflict(_("You cannot deactivate your own account."))
    user.is_active_account = False
    audit(session, acting_user, "user.deactivate", "user", user.id)
    enqueue_index(session, "person", user.id, op="delete")
    end_logins(session, user.id)


def do_reactivate_user(session: Session, user: User, *, acting_user: User) -> None:
    user.is_active_account = True
    audit(session, acting_user, "user.reactivate", "user", user.id)
    enqueue_index(session, "person", user.id)


def do_create_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    clear, hashed = new_token()
    token = ApiToken(user_id=user.id, name=clean_text(name or "API", field="name", label=_("Name"),
                                                      max_len=80),
                     token_hash=hashed)
    session.add(token)
    session.flush()
    return token, clear


def do_revoke_token(session: Session, user: User, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound(_("This token does not exist."))
    token.revoked_at = utcnow()
    after_commit(session, lambda hashed=token.token_hash: forget_token(hashed))


def do_create_department(session: Session, name: str, *, acting_user: User | None) -> Department:
    """A department comes with its department group (public, led by the department's leads)."""

    name = clean_text(name, field="name", label=_("Name"), max_len=120)
    if session.scalar(select(Department.id).where(Department.name == name)):
        raise Conflict(_("This department already exists."), field="name")
    department = Department(name=name)
    session.add(department)
    session.flush()
    group = Group(name=name, slug=unique_slug(session, name), visibility=Visibility.PUBLIC,
                  kind=GroupKind.DEPARTMENT, department_id=department.id)
    session.add(group)
    session.flush()
    department.group_id = group.id
    audit(session, acting_user, "department.create", "department", department.id, name=name)
    enqueue_index(session, "group", group.id)
    return department
