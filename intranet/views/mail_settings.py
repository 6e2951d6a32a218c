"""My mail settings (per kind, per group, the digest), and the unsubscribe link of a mail, which
works without logging in: its signed token names the person and the one kind it stops."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from intranet import access
from intranet.actions.mail_kinds import KINDS
from intranet.actions.mail_prefs import (
    do_set_mail_settings,
    do_unsubscribe,
    read_unsubscribe_token,
    settings_of,
)
from intranet.models import DigestFrequency, GroupLevel, MailMode, User
from intranet.platform import db
from intranet.platform.errors import DomainError, NotFound
from intranet.platform.extensions import csrf
from intranet.views.common import done, me

bp = Blueprint("mail", __name__)


def settings_context(user: User) -> dict[str, Any]:
    """What the settings page shows: every kind with its mode, my groups with their level."""
    current = settings_of(db.session(), user.id)
    groups = sorted(access.my_group_names(user).items(), key=lambda item: item[1].lower())
    return {"kinds": list(KINDS.values()), "settings": current, "groups": groups,
            "modes": list(MailMode), "levels": list(GroupLevel), "frequencies": list(DigestFrequency)}


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def settings() -> Response:
    user = me()
    if request.method == "POST":
        kinds = {key: request.form[f"kind-{key}"] for key in KINDS if f"kind-{key}" in request.form}
        groups = {gid: request.form[f"group-{gid}"] for gid in access.memberships(user)
                  if f"group-{gid}" in request.form}
        try:
            with db.transaction() as s:
                do_set_mail_settings(s, user, kinds=kinds, groups=groups,
                                     digest=request.form.get("digest"),
                                     visible_group=lambda g: access.can_see_group(user, g))
        except DomainError as exc:
            page = render_template("mail/settings.html", error=exc.message, **settings_context(user))
            return make_response(page, exc.status)
        return done(_("Your notification settings are saved."), url_for("mail.settings"))
    return make_response(render_template("mail/settings.html", **settings_context(user)))


def _kind_label(kind: str) -> str:
    return _("the digest") if kind == "digest" else str(KINDS[kind].label)


@bp.route("/mail/unsubscribe/<token>", methods=["GET"])
def unsubscribe(token: str) -> Response:
    """The link in a mail: asks to confirm (a link checker or a preview must not unsubscribe)."""
    user_id, kind = read_unsubscribe_token(token)
    if db.session.get(User, user_id) is None:
        raise NotFound(_("This link is not valid."))
    return make_response(render_template("mail/unsubscribe.html", token=token, kind=_kind_label(kind),
                                         done=False, always=kind in KINDS and KINDS[kind].always))


@bp.route("/mail/unsubscribe/<token>", methods=["POST"])
@csrf.exempt  # the signed token is the proof; mail clients post List-Unsubscribe=One-Click (RFC 8058)
def unsubscribe_confirmed(token: str) -> Response:
    user_id, kind = read_unsubscribe_token(token)
    if db.session.get(User, user_id) is None:
        raise NotFound(_("This link is not valid."))
    with db.transaction() as s:
        do_unsubscribe(s, user_id, kind)
    return make_response(render_template("mail/unsubscribe.html", token=token, kind=_kind_label(kind),
                                         done=True, always=kind in KINDS and KINDS[kind].always))
