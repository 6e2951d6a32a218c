"""The background sender: claims due outbox rows and sends them over one SMTP connection a round,
with retries and exponential back-off. Never in a web request.

It runs as a thread of the web process (started with the first request, like the search indexer,
woken right after a commit that queued mail) or as its own process (``flask --app wsgi mail
worker``, the systemd unit ``intranet-mail``). Several of either may run at once: the claims in
``outbox`` make each mail go to one sender. With no SMTP server configured no row is claimed:
mails wait, pending, until one is.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, current_app

from intranet.models import utcnow
from intranet.platform import db
from intranet.platform.locks import exclusive
from intranet.platform.mail import outbox
from intranet.platform.mail.smtp import PermanentFailure, SmtpSettings, compose, connect, send

log = logging.getLogger(__name__)


def backoff(attempts: int, base: float, cap: float = 3600.0) -> timedelta:
    """Wait before the next try after ``attempts`` failed ones: base, 2 base, 4 base... capped."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def send_due() -> int:
    """One round: claim due rows, send them over one connection; mails sent. Retryable failures
    go back to pending with a later ``next_attempt_at``; a 5xx refusal or the last allowed try
    marks the row FAILED with its error."""
    config = current_app.config
    settings = SmtpSettings.from_config(config)
    if not settings.configured:
        return 0
    token, lease_end, rows = outbox.claim(int(config.get("MAIL_BATCH", 20)),
                                          float(config.get("MAIL_LEASE_SECONDS", 300)))
    if not rows:
        return 0
    sent = 0
    try:
        smtp = connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        for row in rows:
            _failed(token, row, f"connecting to {settings.server}: {exc}", permanent=False)
        log.warning("mail: cannot reach %s (%s); %d mail(s) will be retried", settings.server, exc, len(rows))
        return 0
    try:
        for i, row in enumerate(rows):
            if _lease_short(lease_end, settings.timeout):
                outbox.release(token, [r.id for r in rows[i:]])
                break
            sent += _send_one(smtp, settings, token, row)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return sent


def _lease_short(lease_end: datetime, timeout: float) -> bool:
    """Too little lease left for one more send: another sender could take the row meanwhile."""
    return lease_end - utcnow() < timedelta(seconds=3 * timeout)


def _send_one(smtp: smtplib.SMTP, settings: SmtpSettings, token: str, row: outbox.Claimed) -> int:
    try:
        send(smtp, compose(row, settings.sender))
    except PermanentFailure as exc:
        _failed(token, row, str(exc), permanent=True)
        return 0
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        _failed(token, row, f"{type(exc).__name__}: {exc}", permanent=isinstance(exc, ValueError))
        return 0
    if not outbox.mark_sent(token, row.id):
        log.warning("mail %s was sent after its lease ran out", row.id)
    return 1


def _failed(token: str, row: outbox.Claimed, error: str, *, permanent: bool) -> None:
    config = current_app.config
    last = row.attempts >= int(config.get("MAIL_MAX_ATTEMPTS", 8))
    retry_at = None if permanent or last else utcnow() + backoff(
        row.attempts, float(config.get("MAIL_RETRY_SECONDS", 30)))
    outbox.mark_failed(token, row.id, error, retry_at=retry_at)
    log.info("mail %s to %s failed (try %d): %s%s", row.id, row.to_addr, row.attempts, error,
             "" if retry_at else "; giving up")


Job = Callable[[], int]
JOBS: dict[str, Job] = {}


def register_job(name: str, job: Job) -> None:
    """A periodic job the senders run every ``MAIL_JOBS_SECONDS`` before sending (the
    notification mails, the digests); on PostgreSQL one sender at a time runs each."""
    JOBS[name] = job


def run_jobs() -> int:
    """Run every registered job once (those another process is running are skipped): mails
    they queued."""
    queued = 0
    for name, job in JOBS.items():
        with exclusive(f"mail.job.{name}") as mine:
            if not mine:
                continue
            try:
                queued += job()
            except Exception as exc:
                db.log_round_failure(log, exc, "mail job %s failed, will run again", name)
    return queued


class JobClock:
    """Runs the jobs at most every ``MAIL_JOBS_SECONDS`` (0: never; `flask mail jobs` from cron)."""

    def __init__(self) -> None:
        self.due = 0.0

    def tick(self) -> int:
        every = float(current_app.config.get("MAIL_JOBS_SECONDS", 30))
        now = time.monotonic()
        if not every or now < self.due:
            return 0
        self.due = now + every
        return run_jobs()


def send_all(rounds: int = 1000) -> int:
    """Send everything due now (tests, ``flask mail send``); mails sent."""
    total = 0
    for _ in range(rounds):
        before = total
        total += send_due()
        if total == before:
            break
    return total


class SenderThread:
    """The sender in the web process: a round when woken by a commit that queued mail, else
    every ``poll`` seconds (retries coming due, rows written by other processes)."""

    def __init__(self, app: Flask, poll: float = 5.0) -> None:
        self.app = app
        self.poll = poll
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.clock = JobClock()

    def start(self) -> None:
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)
                self.thread.start()

    def stop(self, wait: float | None = None) -> bool:
        self.stopping.set()
        self.wake.set()
        if wait is not None and self.thread is not None:
            self.thread.join(wait)
        return self.thread is None or not self.thread.is_alive()

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.wake.wait(self.poll)
            self.wake.clear()
            if self.stopping.is_set():
                break
            try:
                with self.app.app_context():
                    self.clock.tick()
                    found = send_due()
            except Exception as exc:  # keep going: the rows stay in the outbox for the next round
                db.log_round_failure(log, exc, "mail sender: round failed, will retry")
                self.stopping.wait(self.poll)
                continue
            if found:
                self.wake.set()  # maybe more due: the next round at once


def run_worker(poll: float = 5.0, stop: Callable[[], bool] = lambda: False,
               pause: Callable[[float], object] = time.sleep) -> None:
    """``flask mail worker``: the same rounds in their own process."""
    clock = JobClock()
    while not stop():
        try:
            clock.tick()
            if not send_due():
                pause(poll)
        except Exception as exc:
            db.log_round_failure(log, exc, "mail worker: round failed, will retry")
            pause(poll)
