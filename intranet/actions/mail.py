"""Queueing mail: one outbox row written in the caller's transaction (DESIGN §3: actions never
commit). The background sender (``platform.mail``) sends it after commit, never the request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from intranet.models import MailOutbox, User
from intranet.platform.db import insert_now
from intranet.platform.errors import Invalid
from intranet.platform.mail import note_queued
from intranet.platform.mail.smtp import header_safe

MAX_SUBJECT = 400


def queue_mail(session: Session, *, to: str, subject: str, text: str, html: str | None = None,
               kind: str = "system", user_id: int | None = None,
               headers: dict[str, str] | None = None) -> None:
    """Queue one mail to ``to``. ``kind`` names what it is about (notification kinds, "invitation",
    "password_reset"...) for the admin's counts and the unsubscribe links; ``headers`` are
    extra headers (``List-Unsubscribe``...). Header values are folded onto one line, so a
    subject or a name can never inject a header."""
    address = to.strip()
    if not _plausible(address):
        raise Invalid(f"Not an e-mail address: {to!r}", field="to")
    extra = {header_safe(k): header_safe(v) for k, v in (headers or {}).items()}
    insert_now(session, MailOutbox.__table__, {  # Core: no ORM bookkeeping for a row nobody reads back
        "to_addr": address, "subject": header_safe(subject)[:MAX_SUBJECT], "text": text, "html": html,
        "kind": kind, "user_id": user_id, "headers": extra or None})
    note_queued(session)


def _plausible(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at and local and domain and "." in domain.strip(".")) and not any(
        c.isspace() or c in "<>,;\"" for c in address) and len(address) <= 320


@contextmanager
def link_context() -> Iterator[None]:
    """Where ``url_for(..., _external=True)`` makes links for mails: the current request's
    address, or outside a request (the mailer's rounds) ``MAIL_BASE_URL``."""
    if has_request_context() and not current_app.config.get("MAIL_BASE_URL"):
        yield
        return
    base = current_app.config.get("MAIL_BASE_URL") or "http://localhost:5000"
    with current_app.test_request_context("/", base_url=base):
        yield


def locale_of(user: User | None) -> str:
    languages = current_app.config["LANGUAGES"]
    if user is not None and user.locale in languages:
        return user.locale
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def render_mail(template: str, locale: str, **context: object) -> tuple[str, str]:
    """``mail/<template>.txt`` and ``.html`` rendered in ``locale``: (text, html)."""
    with force_locale(locale):
        return (render_template(f"mail/{template}.txt", lang=locale, **context),
                render_template(f"mail/{template}.html", lang=locale, **context))


def one_click_unsubscribe(url: str) -> dict[str, str]:
    """The headers that let a mail client unsubscribe in one click (RFC 8058) at ``url``."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
