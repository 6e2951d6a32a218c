"""Signing browsers out and passwords: what ends a person's logins, tokens and sockets.

Logins are rows (``platform.sessions``): ending one deletes its row in the caller's transaction,
and its sockets are closed after commit (on every worker, through the message queue).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from intranet.actions.common import audit
from intranet.models import User
from intranet.platform.errors import NotFound
from intranet.platform.sessions import end_logins, end_one_login


def do_end_login(session: Session, user: User, login_id: int) -> None:
    """Sign one of my browsers out (the profile's list)."""
    if not end_one_login(session, user.id, login_id):
        raise NotFound(_("This session does not exist."))
    audit(session, user, "user.sign_out", "user", user.id, login_id=login_id)


def do_sign_out_everywhere(session: Session, user: User) -> int:
    """Every browser of mine, this one included, with their remember-me tokens and sockets
    (API tokens stay: they are listed and revoked on their own page)."""
    count = end_logins(session, user.id)
    audit(session, user, "user.sign_out_everywhere", "user", user.id, sessions=count)
    return count
