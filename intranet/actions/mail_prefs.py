"""Mail preferences: per kind (immediately / in the digest / never), per group (everything /
mentions only / muted), the digest's frequency; and the signed unsubscribe link that changes
one kind without logging in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from intranet.actions.mail_kinds import KINDS
from intranet.models import (
    DigestFrequency,
    Group,
    GroupLevel,
    GroupMailSetting,
    MailKindSetting,
    MailMode,
    MailPreference,
    User,
)
from intranet.platform.errors import Invalid, NotFound

UNSUBSCRIBE_SALT = "intranet.mail.unsubscribe"


@dataclass
class Settings:
    kinds: dict[str, MailMode]
    groups: dict[int, GroupLevel]
    digest: DigestFrequency


def kind_modes(session: Session, user_id: int) -> dict[str, MailMode]:
    """Every registered kind's mode for this person (their choice, else the kind's default)."""
    chosen = dict(session.execute(select(MailKindSetting.kind, MailKindSetting.mode)
                                  .where(MailKindSetting.user_id == user_id)).all())
    return {key: chosen.get(key, kind.default) for key, kind in KINDS.items()}


def group_levels(session: Session, user_id: int) -> dict[int, GroupLevel]:
    """The groups this person set to something other than "everything"."""
    return dict(session.execute(select(GroupMailSetting.group_id, GroupMailSetting.level)
                                .where(GroupMailSetting.user_id == user_id)).all())


def digest_frequency(session: Session, user_id: int) -> DigestFrequency:
    pref = session.get(MailPreference, user_id)
    return pref.digest if pref else DigestFrequency.WEEKLY


def settings_of(session: Session, user_id: int) -> Settings:
    return Settings(kind_modes(session, user_id), group_levels(session, user_id),
                    digest_frequency(session, user_id))


def muted_user_ids(session: Session, group_id: int, user_ids: list[int]) -> set[int]:
    """Among ``user_ids``, who muted ``group_id`` (in-app notifications from it are dropped,
    except direct mentions)."""
    if not user_ids:
        return set()
    return set(session.scalars(select(GroupMailSetting.user_id).where(
        GroupMailSetting.group_id == group_id, GroupMailSetting.level == GroupLevel.MUTED,
        GroupMailSetting.user_id.in_(user_ids))))


def _mode(key: str, value: object) -> MailMode:
    kind = KINDS.get(key)
    if kind is None:
        raise Invalid(_("Unknown kind of notification: %(kind)s.", kind=key), field="kinds")
    try:
        mode = MailMode(str(value))
    except ValueError:
        raise Invalid(_("Choose immediately, digest or never."), field=f"kinds.{key}") from None
    if mode == MailMode.NEVER and kind.always:
        raise Invalid(_("Announcements are always mailed until you acknowledge them."), field=f"kinds.{key}")
    return mode


def _level(value: object) -> GroupLevel:
    try:
        return GroupLevel(str(value))
    except ValueError:
        raise Invalid(_("Choose all, mentions or muted."), field="groups") from None


def do_set_mail_settings(session: Session, user: User, *, kinds: dict[str, object] | None = None,
                         groups: dict[int, object] | None = None, digest: object | None = None,
                         visible_group: Callable[[Group], bool] | None = None) -> Settings:
    """Change some of my settings (what is not given stays). ``visible_group(group)`` says
    whether I may see a group (a hidden or missing one is refused as not found)."""
    modes = {key: _mode(key, value) for key, value in (kinds or {}).items()}
    levels = {gid: _level(value) for gid, value in (groups or {}).items()}
    frequency = None
    if digest is not None:
        try:
            frequency = DigestFrequency(str(digest))
        except ValueError:
            raise Invalid(_("Choose off, daily or weekly."), field="digest") from None
    for gid in levels:
        group = session.get(Group, gid)
        if group is None or (visible_group is not None and not visible_group(group)):
            raise NotFound(_("This group does not exist."))
    for key, mode in modes.items():
        _upsert(session, MailKindSetting, (user.id, key), mode=mode)
    for gid, level in levels.items():
        if level == GroupLevel.ALL:
            session.execute(delete(GroupMailSetting).where(GroupMailSetting.user_id == user.id,
                                                           GroupMailSetting.group_id == gid))
        else:
            _upsert(session, GroupMailSetting, (user.id, gid), level=level)
    if frequency is not None:
        _upsert(session, MailPreference, user.id, digest=frequency)
    session.flush()
    return settings_of(session, user.id)


def _upsert(session: Session, model: type, key: object, **values: object) -> None:
    row = session.get(model, key)
    if row is None:
        ids = dict(zip(("user_id", "kind" if model is MailKindSetting else "group_id"), key, strict=True)) \
            if isinstance(key, tuple) else {"user_id": key}
        session.add(model(**ids, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A token that stops one kind of mail for one person (it never expires: mails are old)."""
    return _serializer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFound(_("This link is not valid.")) from None
    if not isinstance(user_id, int) or (kind not in KINDS and kind != "digest"):
        raise NotFound(_("This link is not valid."))
    return user_id, kind


def do_unsubscribe(session: Session, user_id: int, kind: str) -> None:
    """Stop mails of ``kind`` ("digest": the digest itself). Announcements, which cannot be
    stopped, move to the digest."""
    if kind == "digest":
        _upsert(session, MailPreference, user_id, digest=DigestFrequency.OFF)
        return
    mode = MailMode.DIGEST if KINDS[kind].always else MailMode.NEVER
    _upsert(session, MailKindSetting, (user_id, kind), mode=mode)
