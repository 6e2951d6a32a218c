"""Administration of mail: where mails go (or that no SMTP server is configured, so nothing is
sent), how many wait, were sent or failed, and the latest failures with their errors."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import login_required
from sqlalchemy import select

from intranet import access
from intranet.models import MailOutbox, MailStatus
from intranet.platform import db
from intranet.platform.mail import outbox
from intranet.platform.mail.smtp import SmtpSettings
from intranet.views.common import me

bp = Blueprint("mail_admin", __name__)
FAILURES_SHOWN = 20


@bp.before_request
@login_required
def _admins_only() -> None:
    access.require_admin(me())


@bp.route("/admin/mail", methods=["GET"])
def status() -> str:
    settings = SmtpSettings.from_config(current_app.config)
    failures = db.session.scalars(select(MailOutbox).where(MailOutbox.status == MailStatus.FAILED)
                                  .order_by(MailOutbox.id.desc()).limit(FAILURES_SHOWN)).all()
    return render_template("admin/mail.html", settings=settings, counts=outbox.counts(),
                           failures=failures)
