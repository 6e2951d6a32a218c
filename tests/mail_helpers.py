"""A real SMTP server in the test process (aiosmtpd) and the fixtures to use it.

``smtp_server`` starts one on a free loopback port, points the test's app at it (``MAIL_SERVER``,
``MAIL_PORT``) and collects what it receives as parsed ``EmailMessage`` objects; ``stop()`` and
``start()`` take it down and bring it back on the same port (a server that was down), and
``refuse`` makes it answer 550 to every recipient. ``send_mail()`` runs the sender's rounds
synchronously (the sender thread is off in tests) and returns the number of mails sent.
"""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from intranet.platform.mail.sender import send_all
from tests.ports import free_port


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if self.sink.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        with self.sink.arrived:
            self.sink.messages.append(msg)
            self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.sink.arrived.notify_all()
        return "250 Message accepted for delivery"


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 keeping every message it accepted."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse = False
        self.controller: Controller | None = None
        self.arrived = threading.Condition()

    def wait_for(self, count: int, timeout: float = 30.0) -> bool:
        """Block until ``count`` messages arrived (a sender thread at work); False on timeout."""
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)

    def start(self) -> None:
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def configure(self, app: Flask) -> None:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=self.port, MAIL_USE_TLS=False,
                          MAIL_FROM="Intranet <intranet@example.com>")

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received for ``address``."""
        return [m for m in self.messages if m["To"].addresses[0].addr_spec == address]


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[SmtpSink]:
    """A running SMTP server that the test's app sends to."""
    sink = SmtpSink()
    sink.start()
    sink.configure(app)
    yield sink
    sink.stop()


@pytest.fixture
def send_mail(app: Flask) -> Any:
    """Run the mail sender now, as its thread would; mails sent."""

    def run() -> int:
        with app.app_context():
            return send_all()
    return run


def text_part(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")


def html_part(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("html",))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")
