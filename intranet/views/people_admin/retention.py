"""Retention settings page: how long customers' data in the inbox and messages are kept."""

from __future__ import annotations

from flask import Response, url_for
from flask_babel import gettext as _

from intranet.actions.retention import do_set_retention, retention_settings
from intranet.platform import db
from intranet.platform.errors import DomainError
from intranet.views.common import done, form_failed, form_page, me
from intranet.views.people_admin.forms import RetentionForm
from intranet.views.people_admin.pages import bp


@bp.route("/admin/retention", methods=["GET", "POST"])
def retention() -> Response:
    with db.transaction() as s:
        settings = retention_settings(s)
    form = RetentionForm(obj=settings)
    if not form.validate_on_submit():
        return form_page("people_admin/retention.html", form, settings=settings)
    try:
        with db.transaction() as s:
            do_set_retention(s, inbox_days=form.inbox_days.data, message_days=form.message_days.data,
                             acting_user=me())
    except DomainError as exc:
        return form_failed("people_admin/retention.html", form, exc, settings=settings)
    return done(_("The retention periods are saved; they apply within the hour."),
                url_for("people_admin.retention"))
