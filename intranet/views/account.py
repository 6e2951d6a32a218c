"""My signed-in browsers (sign one out, or all) and my password (change, forgotten, reset)."""

from __future__ import annotations

import re

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from intranet.actions.accounts import do_end_login, do_sign_out_everywhere
from intranet.platform import db
from intranet.platform.sessions import current_login_id, forget_here, logins_of
from intranet.platform.web import wants_json
from intranet.views.common import done, me

bp = Blueprint("account", __name__)
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
            ("Chromium/", "Chromium"), ("Safari/", "Safari"), ("python-", "Script"), ("curl/", "curl"))
SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
           ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device(user_agent: str) -> str:
    """"Firefox on Windows" from a User-Agent header: enough to recognise one's own browsers."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in SYSTEMS if re.search(re.escape(mark), user_agent)), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown device")


@bp.route("/profile/sessions", methods=["GET"])
@login_required
def sessions() -> str:
    rows = logins_of(db.session, me().id)
    return render_template("account/sessions.html", logins=rows, current=current_login_id(), device=device)


@bp.route("/profile/sessions/<int:login_id>/end", methods=["POST"])
@login_required
def end(login_id: int) -> Response:
    user, mine = me(), login_id == current_login_id()
    with db.transaction() as s:
        do_end_login(s, user, login_id)
    if mine:
        return _signed_out()
    return done(_("That browser is signed out."), url_for("account.sessions"))


@bp.route("/profile/sessions/end-all", methods=["POST"])
@login_required
def end_all() -> Response:
    with db.transaction() as s:
        count = do_sign_out_everywhere(s, me())
    return _signed_out(count)


def _signed_out(count: int = 1) -> Response:
    """This browser's row is gone: forget the user here too, and say so on the login page."""
    forget_here()
    if wants_json():
        return done(None, "", ended=count)
    flash(_("You are signed out on every device.") if count > 1 else _("You are logged out."), "info")
    return redirect(url_for("auth.login"))
