"""Replies leave through the source's connector: a signed POST to ``Source.reply_url``.

Signed like the inbound webhook: ``X-Intranet-Timestamp`` (Unix seconds) and
``X-Intranet-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>``, plus
``X-Intranet-Reply-Id`` so a receiver can drop a delivery it already has.

Sending happens after the commit that queued the reply, on one worker thread per app with a
few retries. A reply is claimed (queued -> sending) by one conditional UPDATE before the POST,
so two workers never send it twice; a send that still fails is recorded as FAILED with its
error, and an agent may retry it from the case page; so may a reply left queued or sending by a
process that stopped (after ``case_replies.STRANDED``): never lost.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time

from flask import Flask, current_app
from sqlalchemy import update

from intranet.inbox.actions.replies import record_outcome
from intranet.inbox.connectors.webhook import sign
from intranet.models import Case, CaseReply, ReplyState
from intranet.platform import db, outbound

log = logging.getLogger(__name__)
KEY = "intranet.outbound"


class Sender:
    """One queue and (while it has work) one thread per app."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queue: queue.Queue[int] = queue.Queue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def put(self, reply_id: int) -> None:
        with self.lock:
            self.queue.put(reply_id)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="reply-sender", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            with self.lock:
                try:
                    reply_id = self.queue.get_nowait()
                except queue.Empty:
                    self.thread = None
                    return
            try:
                with self.app.app_context():
                    deliver(reply_id)
            except Exception:
                log.exception("sending reply %s failed unexpectedly", reply_id)
            finally:
                self.queue.task_done()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Tests and the CLI: block until every queued reply was tried (True) or the timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.queue.unfinished_tasks == 0:
                return True
            time.sleep(0.01)
        return False


def sender(app: Flask | None = None) -> Sender:
    app = app or current_app._get_current_object()
    if KEY not in app.extensions:
        app.extensions[KEY] = Sender(app)
    return app.extensions[KEY]


def on_reply_queued(app: Flask, reply_id: int) -> None:
    """``replies.reply_queued``: the reply's transaction committed, send it."""
    sender(app).put(reply_id)


def _claim(reply_id: int) -> bool:
    with db.transaction() as s:
        changed = s.execute(update(CaseReply).where(CaseReply.id == reply_id,
                                                    CaseReply.state == ReplyState.QUEUED)
                            .values(state=ReplyState.SENDING, attempts=CaseReply.attempts + 1)).rowcount
    return changed == 1


def _payload(reply: CaseReply, case: Case) -> bytes:
    comment = case.comment
    return json.dumps({"reply_id": reply.id, "case_id": case.id, "in_reply_to": comment.external_id,
                       "url": comment.url, "text": reply.body}, ensure_ascii=False).encode()


def _post(url: str, secret: str, body: bytes, reply_id: int) -> None:
    """One attempt through the outbound guard (no private addresses unless allowed); raises
    with a short reason on any failure (refused address, network, timeout, non-2xx)."""
    headers = {"Content-Type": "application/json", **sign(secret, body, int(time.time())),
               "X-Intranet-Reply-Id": str(reply_id)}
    response = outbound.request(url, method="POST", body=body, headers=headers, max_bytes=64 * 1024,
                                timeout=current_app.config.get("INBOX_REPLY_TIMEOUT", 5))
    if not 200 <= response.status < 300:
        raise OSError(f"HTTP {response.status} {response.reason}")


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def deliver(reply_id: int) -> None:
    """Claim, POST with retries, record the outcome (and the case's first response)."""
    if not _claim(reply_id):
        return  # sent, sending elsewhere, or no longer queued
    s = db.session()
    reply = s.get(CaseReply, reply_id)
    case = s.get(Case, reply.case_id)
    url, secret = case.comment.source.reply_url, case.comment.source.secret
    body = _payload(reply, case)
    retries = max(1, int(current_app.config.get("INBOX_REPLY_ATTEMPTS", 3)))
    backoff = float(current_app.config.get("INBOX_REPLY_BACKOFF", 1.0))
    error, tried = "", 0
    s.rollback()  # no transaction held open during the network calls
    for attempt in range(retries):
        tried += 1
        try:
            _post(url, secret, body, reply_id)
            error = ""
            break
        except Exception as exc:  # any failure is recorded, never raised
            error = _reason(exc)
            log.warning("reply %s attempt %s failed: %s", reply_id, attempt + 1, error)
            if attempt + 1 < retries:
                time.sleep(backoff * (2 ** attempt))
    _record(reply_id, error, tried)


def _record(reply_id: int, error: str, tried: int) -> None:
    with db.transaction() as s:
        record_outcome(s, s.get(CaseReply, reply_id), error, tried)
