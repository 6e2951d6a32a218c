"""Single sign-on: which way a login and password are checked (local account, LDAP), and the
OpenID Connect sign-in routes."""

from __future__ import annotations

import logging

from flask import Blueprint
from flask_babel import gettext as _
from sqlalchemy import func, select

from intranet.actions.directory import do_directory_sign_in
from intranet.models import User
from intranet.platform import db
from intranet.platform.auth import authenticate
from intranet.platform.directory import DirectoryUnavailable, ldap
from intranet.platform.errors import DomainError

log = logging.getLogger(__name__)
bp = Blueprint("sso", __name__)


class DirectoryDown(DomainError):
    status = 503
    code = "directory_unavailable"


def check_login(login: str, password: str) -> User | None:
    """The account these credentials open, or None (deactivated accounts too: the caller says why).

    A local account is checked against its own password first, without asking the directory, so
    the local administrator can sign in while the directory is down. Anyone else is checked by
    LDAP when it is configured; their account is created or brought up to date on success.
    """
    account = db.session.scalar(select(User).where(func.lower(User.email) == login.strip().lower()))
    if account is None or account.auth_source == "local":
        user = authenticate(login, password)
        if user is not None or not ldap.enabled():
            return user
    if not ldap.enabled():
        return None
    try:
        person = ldap.authenticate(login, password)
    except DirectoryUnavailable as exc:
        log.warning("LDAP sign-in of %r: %s", login, exc)
        raise DirectoryDown(_("The company directory does not answer. Try again in a few minutes.")) from exc
    if person is None:
        return None
    with db.transaction() as s:
        return do_directory_sign_in(s, person)
