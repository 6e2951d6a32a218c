"""The audit log in words, in the reader's language: "Alice deactivated Bob", "Alice imported
120 people", rather than ``user.deactivate`` and ``changes={...}``.

Each action has a phrase built from the actor's name, the target's name and the row's data. The
names of a page's people, groups and departments are fetched in three queries (``Names``). An
action without a phrase (a new one) still reads as a sentence, with its code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet.models import AuditLog, Department, Group, User


@dataclass
class Names:
    users: dict[int, str] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    departments: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, session: Session, rows: Iterable[AuditLog]) -> Names:
        users, groups, departments = set(), set(), set()
        for row in rows:
            data = row.data or {}
            users |= {row.actor_id, data.get("user_id"), row.target_id if row.target_type == "user" else None,
                      data.get("to") if row.action == "case.assign" else None}
            groups |= {data.get("group_id"), row.target_id if row.target_type == "group" else None}
            departments |= {data.get("department_id"),
                            row.target_id if row.target_type == "department" else None}

        def fetch(model: Any, ids: set) -> dict[int, str]:
            ids = {i for i in ids if isinstance(i, int)}
            if not ids:
                return {}
            return dict(session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())

        return cls(fetch(User, users), fetch(Group, groups), fetch(Department, departments))


@dataclass
class Line:
    """What a phrase may use: ``actor``, ``target`` (by name) and the row's ``data``."""

    actor: str
    target: str
    data: dict
    names: Names

    def user(self, key: str = "user_id") -> str:
        return self.names.users.get(self.data.get(key), _("someone"))

    def department(self) -> str:
        return self.names.departments.get(self.data.get("department_id"), _("no department"))

    def n(self, key: str) -> int:
        value = self.data.get(key)
        return value if isinstance(value, int) else 0


def _import(w: Line) -> str:
    people = w.n("created") + w.n("updated") + w.n("unchanged")
    return ngettext("%(actor)s imported %(num)d person (%(created)d new, %(updated)d updated, "
                    "%(errors)d lines refused)",
                    "%(actor)s imported %(num)d people (%(created)d new, %(updated)d updated, "
                    "%(errors)d lines refused)", people, actor=w.actor, created=w.n("created"),
                    updated=w.n("updated"), errors=w.n("errors"))


def _delete(w: Line) -> str:
    if w.data.get("policy") == "remove":
        return _("%(actor)s deleted a person (%(target)s) and removed %(posts)d posts, %(comments)d "
                 "comments and %(messages)d messages", actor=w.actor, target=w.target,
                 posts=w.n("posts"), comments=w.n("comments"), messages=w.n("messages"))
    return _("%(actor)s deleted a person (%(target)s), keeping their posts under \"former employee\"",
             actor=w.actor, target=w.target)


def _retention(w: Line) -> str:
    return _("%(actor)s redacted %(comments)d inbox comments and erased %(messages)d messages "
             "(retention periods)", actor=w.actor, comments=w.n("comments"), messages=w.n("messages"))


def _role(w: Line) -> str:
    if w.data.get("role") == "lead":
        return _("%(actor)s made %(user)s a lead of %(target)s", actor=w.actor, user=w.user(),
                 target=w.target)
    return _("%(actor)s made %(user)s a member of %(target)s", actor=w.actor, user=w.user(),
             target=w.target)


def _join(w: Line) -> str:
    if w.data.get("approved"):
        return _("%(actor)s accepted the request of %(user)s to join %(target)s", actor=w.actor,
                 user=w.user(), target=w.target)
    return _("%(actor)s refused the request of %(user)s to join %(target)s", actor=w.actor,
             user=w.user(), target=w.target)


def _simple(text: Callable[..., str]) -> Callable[[Line], str]:
    return lambda w: text(actor=w.actor, target=w.target)


PHRASES: dict[str, Callable[[Line], str]] = {
    "user.create": _simple(lambda **k: _("%(actor)s created the account of %(target)s", **k)),
    "user.update": lambda w: _("%(actor)s changed %(fields)s of %(target)s", actor=w.actor, target=w.target,
                               fields=", ".join(_field(f) for f in w.data.get("fields", []))),
    "user.deactivate": _simple(lambda **k: _("%(actor)s deactivated %(target)s", **k)),
    "user.reactivate": _simple(lambda **k: _("%(actor)s reactivated %(target)s", **k)),
    "user.department": lambda w: _("%(actor)s moved %(target)s to %(department)s", actor=w.actor,
                                   target=w.target, department=w.department()),
    "user.delete": _delete,
    "user.data_export": lambda w: (
        _("%(actor)s downloaded their personal data", actor=w.actor) if w.actor == w.target
        else _("%(actor)s downloaded the personal data of %(target)s", actor=w.actor, target=w.target)),
    "user.password_change": _simple(lambda **k: _("%(actor)s changed their password", **k)),
    "user.password_reset": _simple(lambda **k: _("%(actor)s reset their password", **k)),
    "user.password_reset_request": _simple(lambda **k: _("A password reset was asked for %(target)s", **k)),
    "user.force_password_reset": _simple(
        lambda **k: _("%(actor)s made %(target)s choose a new password", **k)),
    "user.sign_out": _simple(lambda **k: _("%(actor)s signed out a device", **k)),
    "user.sign_out_everywhere": _simple(lambda **k: _("%(actor)s signed out everywhere", **k)),
    "user.directory_update": _simple(lambda **k: _("The directory updated %(target)s", **k)),
    "people.import": _import,
    "department.create": _simple(lambda **k: _("%(actor)s created the department %(target)s", **k)),
    "group.create": _simple(lambda **k: _("%(actor)s created the group %(target)s", **k)),
    "group.update": _simple(lambda **k: _("%(actor)s changed the settings of %(target)s", **k)),
    "group.member_add": _role,
    "group.member_role": _role,
    "group.member_remove": lambda w: _("%(actor)s removed %(user)s from %(target)s", actor=w.actor,
                                       user=w.user(), target=w.target),
    "group.join_request": _join,
    "post.remove": _simple(lambda **k: _("%(actor)s removed a post (%(target)s) as moderator", **k)),
    "post.pin": _simple(lambda **k: _("%(actor)s pinned or unpinned a post (%(target)s)", **k)),
    "comment.remove": _simple(lambda **k: _("%(actor)s removed a comment (%(target)s) as moderator", **k)),
    "retention.update": lambda w: _("%(actor)s set the retention periods: inbox %(inbox)s, messages "
                                    "%(messages)s", actor=w.actor, inbox=_days(w.data.get("inbox_days")),
                                    messages=_days(w.data.get("message_days"))),
    "retention.apply": _retention,
    "case.assign": lambda w: _("%(actor)s assigned %(target)s to %(user)s", actor=w.actor, target=w.target,
                               user=w.user("to")),
    "case.status": lambda w: _("%(actor)s changed the status of %(target)s to %(status)s", actor=w.actor,
                               target=w.target, status=w.data.get("to", "?")),
    "case.triage": lambda w: _("%(actor)s corrected the triage of %(target)s (%(what)s)", actor=w.actor,
                               target=w.target, what=", ".join(sorted(w.data.get("changes", {})))),
    "case.escalate": _simple(lambda **k: _("%(actor)s escalated %(target)s into a group", **k)),
    "case.note": _simple(lambda **k: _("%(actor)s wrote a note on %(target)s", **k)),
    "case.reply": _simple(lambda **k: _("%(actor)s answered the customer of %(target)s", **k)),
}


def _field(name: str) -> str:
    return {"name": _("name"), "email": _("e-mail"), "job_title": _("job title"),
            "department": _("department"), "is_admin": _("administrator role")}.get(name, name)


def _days(value: object) -> str:
    return _("%(n)s days", n=value) if isinstance(value, int) else _("kept for ever")


def _target(row: AuditLog, names: Names) -> str:
    if row.target_type == "user":
        return names.users.get(row.target_id, _("a former account (#%(id)s)", id=row.target_id))
    if row.target_type == "group":
        return names.groups.get(row.target_id, _("a removed group"))
    if row.target_type == "department":
        return names.departments.get(row.target_id, _("a removed department"))
    if row.target_type == "case":
        return _("case #%(id)s", id=row.target_id)
    return f"{row.target_type} #{row.target_id}" if row.target_id is not None else row.target_type


def describe(row: AuditLog, names: Names) -> str:
    """One row as a sentence in the current language."""
    actor = names.users.get(row.actor_id, _("Someone")) if row.actor_id else _("The system")
    line = Line(actor, _target(row, names), dict(row.data or {}), names)
    phrase = PHRASES.get(row.action)
    if phrase is None:
        return _("%(actor)s: %(action)s (%(target)s)", actor=actor, action=row.action, target=line.target)
    return phrase(line)


def actions() -> list[str]:
    """The action codes the filter offers."""
    return sorted(PHRASES)
