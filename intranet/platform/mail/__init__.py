"""E-mail: a durable outbox (``outbox``), composing and SMTP (``smtp``), the background sender
(``sender``) and its commands (``cli``). Actions queue mail with ``intranet.actions.mail.
queue_mail``; nothing here runs inside a web request's SMTP conversation.

``init_app`` prepares the sender thread; it starts with the first request (CLI commands create
the app too and must not each start a sender) and is woken after a commit that queued mail.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, has_app_context
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from intranet.platform import db
from intranet.platform.mail.sender import SenderThread, register_job
from intranet.platform.mail.smtp import SmtpSettings

THREAD = "intranet.mail.thread"
_QUEUED = "intranet.mail.queued"
__all__ = ["init_app", "note_queued", "register_job"]
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    if app.config.get("MAIL_SENDER_THREAD"):
        sender = SenderThread(app, poll=float(app.config.get("MAIL_SENDER_POLL", 5.0)))
        app.extensions[THREAD] = sender
        app.before_request(sender.start)
    settings = SmtpSettings.from_config(app.config)
    if not settings.configured and not app.testing:
        log.info("mail: %s; mails wait in the outbox (flask --app wsgi mail status)", settings.describe())
    if not sa_event.contains(db.AppSession, "after_commit", _wake_sender):
        sa_event.listen(db.AppSession, "after_commit", _wake_sender)


def note_queued(session: Session) -> None:
    """Mail was queued in this transaction: wake the sender after commit."""
    session.info[_QUEUED] = True


def _wake_sender(session: Session) -> None:
    if session.info.pop(_QUEUED, False) and has_app_context():
        sender = current_app.extensions.get(THREAD)
        if sender is not None:
            sender.wake.set()
