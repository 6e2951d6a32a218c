"""Composing (``email.message.EmailMessage``: plain text plus an HTML alternative) and sending
(``smtplib``) one round of mails over one SMTP connection.

The standard library does both well; a wrapper library would add a dependency and hide the
distinction this sender needs: a permanent refusal (5xx: the address is wrong, retrying cannot
help) versus a failure worth retrying (the server is down, a 4xx, a timeout).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any

from intranet.platform.mail.outbox import Claimed


@dataclass(frozen=True)
class SmtpSettings:
    """``MAIL_*`` settings; ``server`` None: no SMTP server configured, nothing is sent."""

    server: str | None
    port: int
    use_tls: bool  # STARTTLS on a plain connection (port 465 is implicit TLS whatever this says)
    username: str | None
    password: str | None
    sender: str
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        return cls(server=config.get("MAIL_SERVER") or None, port=int(config.get("MAIL_PORT") or 25),
                   use_tls=bool(config.get("MAIL_USE_TLS")),
                   username=config.get("MAIL_USERNAME") or None,
                   password=config.get("MAIL_PASSWORD") or None,
                   sender=config.get("MAIL_FROM") or "intranet@localhost",
                   timeout=float(config.get("MAIL_TIMEOUT_SECONDS") or 20))

    @property
    def configured(self) -> bool:
        return bool(self.server)

    def describe(self) -> str:
        """Where mails go, for people (no password)."""
        if not self.server:
            return "nowhere: no SMTP server configured (INTRANET_MAIL_SERVER)"
        who = f" as {self.username}" if self.username else ""
        tls = " with TLS" if self.use_tls or self.port == 465 else ""
        return f"smtp://{self.server}:{self.port}{tls}{who}, from {self.sender}"


class PermanentFailure(Exception):
    """The server refused the mail for good (5xx): no retry."""


def compose(row: Claimed, sender: str) -> EmailMessage:
    """The message of an outbox row. Its Message-ID is derived from the row, so a mail sent a
    second time (a sender that died before recording the first) can be recognised."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row.to_addr
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(row.created_at)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    msg["Message-ID"] = f"<intranet.mail.{row.id}.{int(row.created_at.timestamp())}@{domain}>"
    for name, value in row.headers.items():
        msg[name] = value
    msg.set_content(row.text)
    if row.html:
        msg.add_alternative(row.html, subtype="html")
    return msg


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An open, authenticated connection (raises OSError / SMTPException on failure)."""
    assert settings.server
    if settings.port == 465:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.server, settings.port, timeout=settings.timeout,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
        if settings.use_tls:
            smtp.starttls(context=ssl.create_default_context())
    if settings.username:
        smtp.login(settings.username, settings.password or "")
    return smtp


def send(smtp: smtplib.SMTP, msg: EmailMessage) -> None:
    """Send one message; ``PermanentFailure`` for a 5xx refusal, other errors are retryable."""
    try:
        refused = smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if all(code >= 500 for code in codes):
            raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
        raise
    except smtplib.SMTPResponseException as exc:
        retry_later = isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError)
        if exc.smtp_code >= 500 and not retry_later:  # our settings may be fixed meanwhile
            raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        raise
    if refused:  # only with several recipients; ours have one
        raise PermanentFailure(f"refused: {refused}")


def header_safe(value: str) -> str:
    """A header value on one line (no header injection through a subject or a name)."""
    return " ".join(value.split())


def address(name: str, email: str) -> str:
    """``Name <email>`` with the name encoded as needed."""
    return formataddr((header_safe(name), email))
