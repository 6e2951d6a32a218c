"""Webhook intake is split from processing: the request stores, a worker matches and triages.

A webhook delivery is acknowledged (202) once its comments are stored, pending
(``processed_at`` NULL). Then, by ``INBOX_PROCESSING``:

- ``"thread"`` (the embedded default): a worker thread of this process, woken by each
  delivery, claims pending comments in batches and opens their cases (live ``case`` events
  follow within a fraction of a second). Batches make the per-comment work several times
  cheaper than in the request, and requests no longer wait for triage.
- ``"inline"`` (tests, where "thread" means this): the request itself drains the queue after
  its commit, so a test sees the cases as soon as the webhook answered.
- ``"external"`` (webhook volume, several workers or servers): ``flask --app wsgi inbox process
  --loop`` does it, run niced (README) so that under a burst acknowledging comes first.

Nothing acknowledged is lost: a crash between the store and the processing leaves the comments
pending in the database; the next worker start (or ``inbox process``) resumes them. Claiming is
one UPDATE, so concurrent workers never process a comment twice.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app

from intranet.inbox.actions import intake
from intranet.inbox.actions.ingest import compute_pending, do_write_pending, pending_comments
from intranet.inbox.connectors import ratelimit
from intranet.inbox.queries.rules import current_pipeline
from intranet.models import utcnow
from intranet.platform import db
from intranet.platform.sqlite.writes import ingest_transaction

log = logging.getLogger(__name__)
BATCH = 200  # comments per transaction: big enough to amortise, short enough for the write lock
GATHER_SECONDS = 0.05  # after a wake-up, let a few more deliveries arrive to share the batch
# ``inbox process --loop``: after a round that found comments, let more arrive before the next.
# Looking again at once, under a steady flow, made rounds of a few comments, each paying the
# batch's fixed work (2 transactions, the claim, per-case ``case`` events with their audience
# query): ~5x the CPU per comment of full batches. Idle, it looks every second (as before).
LOOP_GATHER_SECONDS = 0.25
IDLE_SECONDS = 5.0  # also look now and then: another process may have stored comments
WORKER_KEY = "inbox.worker"


def process_pending(limit: int = BATCH) -> int:
    """One batch of pending comments (needs an app context); how many were read.

    Read, compute (rules, triage, routes: no lock held), then one short write transaction that
    claims them and writes the cases, so deliveries never wait behind the triage.
    """

    with db.transaction() as s:
        rows = pending_comments(s, limit)
        if not rows:  # nothing to do: no pipeline loaded (nor cached stale, see current_pipeline)
            return 0
        pipeline = current_pipeline(s)
    if rows:
        now = utcnow()
        batches = compute_pending(pipeline, rows, now)
        with ingest_transaction() as s:
            do_write_pending(s, batches, now)
    return len(rows)


def drain(limit: int = BATCH) -> int:
    """Process pending comments until none are left; how many."""
    done = 0
    while (n := process_pending(limit)) > 0:
        done += n
        if n < limit:
            break
    return done


def stored() -> None:
    """Comments were committed pending: process them by the configured means."""
    mode = current_app.config["INBOX_PROCESSING"]
    if mode == "inline":
        drain()
    elif mode == "thread":
        worker = current_app.extensions.get(WORKER_KEY)
        if worker is not None:
            worker.wake.set()


class Worker:
    """The processing thread of one app (started with the first request)."""

    def __init__(self, app: Flask) -> None:
        self.app, self.wake, self.stopping = app, threading.Event(), threading.Event()
        self._started = threading.Lock()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        with self._started:
            if self.thread is None:
                self.thread = threading.Thread(target=self._loop, name="inbox-worker", daemon=True)
                self.thread.start()

    def stop(self) -> None:
        """End the thread after its current batch (tests; the server's thread is a daemon)."""
        self.stopping.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout=10)

    def _loop(self) -> None:
        self.wake.set()  # first, whatever a previous run left pending
        while True:
            self.wake.wait(IDLE_SECONDS)
            self.wake.clear()
            if self.stopping.is_set():
                return
            time.sleep(GATHER_SECONDS)
            try:
                with self.app.app_context():
                    drain()
            except Exception as exc:  # the next wake-up tries again; never kill the thread
                db.log_round_failure(log, exc, "inbox worker: processing failed")
                time.sleep(1)


def init_app(app: Flask) -> None:
    """The webhook's rate limit counters and intake; in "thread" mode, the worker, started by the first
    request (so CLI commands never start one)."""

    ratelimit.init_app(app)
    intake.init_app(app)
    if app.testing and app.config["INBOX_PROCESSING"] == "thread":
        app.config["INBOX_PROCESSING"] = "inline"  # as the scheduler: no background thread in tests
    if app.config["INBOX_PROCESSING"] != "thread":
        return
    worker = app.extensions[WORKER_KEY] = Worker(app)

    def start() -> None:
        if worker.thread is None:
            worker.start()

    app.before_request(start)
