"""The work view's own changes: saved filters (per person) and bulk actions over selected cases.

A bulk action is the single-case action (``bulk_change`` names it) that the view applies to
each case in its own transaction, so one refused case (resolved already, not in my services)
never undoes the others; the outcome says which went through and why the others did not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from intranet.actions.common import clean_text
from intranet.inbox.actions import cases
from intranet.models import Case, CaseStatus, SavedFilter, User
from intranet.platform.errors import Invalid, NotFound
from intranet.platform.inputs import parse_int

MAX_FILTERS = 20
MAX_NAME = 60
MAX_BULK = 100
BULK_ACTIONS = ("assign", "status", "ignore")


def do_save_filter(session: Session, user: User, name: Any, args: dict[str, Any]) -> SavedFilter:
    """Save (or replace, by name) one of my views of the list; ``args`` were parsed already."""
    text = clean_text(name, field="name", label=_("Name"), max_len=MAX_NAME)
    row = session.scalar(select(SavedFilter).where(SavedFilter.user_id == user.id, SavedFilter.name == text))
    if row is None:
        count = session.scalar(select(func.count()).select_from(SavedFilter)
                               .where(SavedFilter.user_id == user.id)) or 0
        if count >= MAX_FILTERS:
            raise Invalid(_("You have %(n)s saved filters already: delete one first.", n=MAX_FILTERS),
                          field="name")
        row = SavedFilter(user_id=user.id, name=text)
        session.add(row)
    row.args = {k: str(v) for k, v in args.items() if k != "before"}
    session.flush()
    return row


def do_delete_filter(session: Session, user: User, filter_id: int) -> None:
    """Only my own; someone else's is as missing as one that never was."""
    done = session.execute(delete(SavedFilter).where(SavedFilter.id == filter_id,
                                                     SavedFilter.user_id == user.id)).rowcount
    if not done:
        raise NotFound(_("This saved filter does not exist."))


def split_op(data: dict[str, Any]) -> dict[str, Any]:
    """The page's one select (``op``: ``assign:me``, ``assign:12``, ``status:resolved``,
    ``ignore``) as the separate fields scripts send (``action``, ``user_id``, ``status``)."""
    op = data.get("op")
    if not isinstance(op, str) or not op:
        return data
    action, _sep, value = op.partition(":")
    if action == "assign":
        return {**data, "action": action, "user_id": value if value == "me" else parse_int(value, low=1)}
    return {**data, "action": action, "status": value} if action == "status" else {**data, "action": action}


def bulk_change(user: User, data: dict[str, Any]) -> Callable[[Session, Case], None]:
    """The single-case action a bulk request means (refused early when it means none)."""
    data = split_op(data)
    action = data.get("action")
    if action == "assign":
        target = data.get("user_id")
        return lambda s, c: cases.do_assign(s, user, c, user.id if target in (None, "", "me") else target)
    if action == "status":
        status = data.get("status")
        if status not in {s.value for s in CaseStatus}:
            raise Invalid(_("Choose a status."), field="status")
        return lambda s, c: cases.do_set_status(s, user, c, status)
    if action == "ignore":
        return lambda s, c: cases.do_set_status(s, user, c, CaseStatus.IGNORED.value)
    raise Invalid(_("Choose what to do with the selected cases."), field="action")
