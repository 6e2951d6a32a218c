"""The demo's stand-in for the social networks' reply endpoints, so replies in the demo succeed.

``flask --app wsgi demo-receiver`` (started by ``make run`` beside the app) points the demo's
webhook sources (X, Facebook, Instagram) at itself, through the same action and outbound guard
as the settings page (so ``INTRANET_OUTBOUND_ALLOW`` must list its address, as ``make run``
does), then answers each signed reply: 200 when the source's signature is right, 401 when not,
404 for an unknown source. ``GET /`` lists what it received. The other demo sources (reviews,
forum, import) keep no reply address: the case page says they cannot reply from here.
"""

from __future__ import annotations

import json
import sys
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from flask import Flask
from sqlalchemy import select

from intranet.demo.inbox import SOURCES
from intranet.inbox.actions.settings import do_save_source
from intranet.inbox.connectors.webhook import BadSignature, verify
from intranet.models import Connector, Source, User, utcnow
from intranet.platform import db

KEPT = 200  # deliveries listed by GET /


def wire_demo_sources(base_url: str) -> list[str]:
    """Give the demo's webhook sources ``base_url/<slug>`` as reply address (once; an address
    someone set by hand is kept). Returns the names wired; raises ``DomainError`` (e.g. the
    guard refusing a loopback address that is not allowed) with the reason in words."""
    names = {name for name, _network, connector, _url, _active in SOURCES.values() if connector == "webhook"}
    wired = []
    with db.transaction() as s:
        admin = s.scalar(select(User).where(User.is_admin.is_(True)).order_by(User.id).limit(1))
        unwired = select(Source).where(Source.name.in_(names), Source.connector == Connector.WEBHOOK,
                                       Source.reply_url == "")
        for source in s.scalars(unwired):
            do_save_source(s, admin, source, name=source.name, network=source.network.value,
                           connector=source.connector.value, feed_url=source.feed_url,
                           poll_minutes=source.poll_minutes, reply_url=f"{base_url}/{source.slug}",
                           active=source.active)
            wired.append(source.name)
    return wired


class Receiver(ThreadingHTTPServer):
    """Checks each reply against its source's secret, read from the database per request."""

    daemon_threads = True

    def __init__(self, app: Flask, host: str, port: int) -> None:
        super().__init__((host, port), _Handler)
        self.app = app
        self.received: deque[dict[str, Any]] = deque(maxlen=KEPT)
        self.lock = threading.Lock()

    def secret_of(self, slug: str) -> str | None:
        with self.app.app_context():
            return db.session().scalar(select(Source.secret).where(Source.slug == slug))

    def refusal(self, secret: str, body: bytes, timestamp: str | None, header: str | None) -> str:
        """Why the signature is not the source's (in words), or "" when it is."""
        with self.app.app_context():
            try:
                verify(secret, timestamp, header, body, utcnow())
            except BadSignature as exc:
                return exc.message
        return ""


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        with self.server.lock:
            self._answer(200, {"received": list(self.server.received)})

    def do_POST(self) -> None:
        prefix, _sep, slug = self.path.partition("/replies/")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, 64 * 1024))
        secret = self.server.secret_of(slug) if not prefix and slug else None
        if secret is None:
            self._answer(404, {"error": "no such source"})
            return
        problem = self.server.refusal(secret, raw, self.headers.get("X-Intranet-Timestamp"),
                                      self.headers.get("X-Intranet-Signature"))
        if problem:
            self._answer(401, {"error": problem})
            return
        reply = json.loads(raw or b"{}")
        entry = {"source": slug, "reply_id": self.headers.get("X-Intranet-Reply-Id"),
                 "case_id": reply.get("case_id"), "text": reply.get("text", "")}
        with self.server.lock:
            self.server.received.append(entry)
        sys.stdout.write(f"demo receiver: reply {entry['reply_id']} on {slug}: {entry['text'][:80]}\n")
        sys.stdout.flush()  # shown in the terminal of `make run`, between the app's own lines
        self._answer(200, {"ok": True, "id": f"demo-{entry['reply_id']}"})

    def log_message(self, *_args: object) -> None:
        pass  # one line per reply above is enough


def start(app: Flask, host: str = "127.0.0.1", port: int = 5001) -> Receiver:
    """Serve in a thread (tests); the CLI serves in the foreground."""
    server = Receiver(app, host, port)
    threading.Thread(target=server.serve_forever, name="demo-receiver", daemon=True).start()
    return server

