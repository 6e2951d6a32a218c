"""Periodic work: poll the watch feeds that are due, record SLA breaches, sweep removed files.

The embedded default (one process) runs ``run_once`` every minute in a daemon thread started by
the first request, so CLI commands never start one. Each job runs once across workers: it holds
its lock (``platform.locks.exclusive``: a PostgreSQL advisory lock) while it runs, and a worker
that finds it taken skips that round; so several workers may all keep the thread, or run
``flask --app wsgi inbox poll`` and ``inbox sla`` from cron instead (``INTRANET_INBOX_SCHEDULER=0``).
The jobs are idempotent besides (comments once per external id, each breach once per case even
when two runs overlap). Webhook comments are processed by their own worker (``inbox.processing``,
``INBOX_PROCESSING``).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select

from intranet.actions.files import sweep_files
from intranet.inbox.actions.incidents import do_record_incident_breaches
from intranet.inbox.actions.ingest import do_ingest, do_record_breaches, purge_deliveries
from intranet.inbox.connectors.feeds import FeedError, entries_to_items, fetch, parse
from intranet.inbox.connectors.items import parse_item
from intranet.inbox.workers.retention import apply_retention
from intranet.inbox.workers.spikes import check_spikes
from intranet.models import Connector, Source, utcnow
from intranet.platform import db
from intranet.platform.errors import Invalid
from intranet.platform.locks import exclusive
from intranet.platform.sqlite.writes import ingest_transaction

log = logging.getLogger(__name__)
_started = threading.Event()
_last_sweep = -3600.0


@dataclass
class PollOutcome:
    slug: str
    accepted: int = 0
    duplicate: int = 0
    error: str = ""


def due_feeds(now: datetime, *, force: bool = False) -> list[Source]:
    sources = db.session.scalars(select(Source).where(Source.active, Source.connector == Connector.FEED))
    return [s for s in sources if force or s.last_polled_at is None
            or s.last_polled_at + timedelta(minutes=max(s.poll_minutes, 1)) <= now]


def poll_source(source: Source, now: datetime) -> PollOutcome:
    """Download, parse and ingest one feed; a failure is kept on the source for the admin page."""

    outcome = PollOutcome(source.slug)
    try:
        entries = parse(fetch(source.feed_url))
    except FeedError as exc:
        outcome.error = str(exc)
        log.warning("feed %s: %s", source.slug, exc)
    items = []
    for raw in entries_to_items(entries) if not outcome.error else []:
        try:
            items.append(parse_item(raw))
        except Invalid as exc:
            log.warning("feed %s entry %s skipped: %s", source.slug, raw.get("external_id"), exc.message)
    with ingest_transaction() as s:
        row = s.get(Source, source.id)
        row.last_polled_at, row.last_error = now, outcome.error[:2000]
        if items:
            result = do_ingest(s, row, items, now=now)
            outcome.accepted, outcome.duplicate = result.accepted, result.duplicate
    return outcome


def poll_all(now: datetime | None = None, *, force: bool = False) -> list[PollOutcome]:
    """Poll the due feeds, unless another worker is polling them right now (then nothing)."""
    now = now or utcnow()
    with exclusive("inbox.poll") as mine:
        if not mine:
            log.info("inbox: another worker is polling the feeds; skipped")
            return []
        return [poll_source(source, now) for source in due_feeds(now, force=force)]


def check_sla(now: datetime | None = None) -> list[tuple[int, str]]:
    """Record due SLA breaches (and forget webhook signatures too old to be replayed), unless
    another worker is doing it right now."""

    now = now or utcnow()
    with exclusive("inbox.sla") as mine:
        if not mine:
            log.info("inbox: another worker is checking SLAs; skipped")
            return []
        with db.transaction() as s:
            purge_deliveries(s, now)
            do_record_incident_breaches(s, now)  # an incident's one clock (its members have none)
            return do_record_breaches(s, now)


def sweep_files_hourly(now: datetime | None = None) -> int:
    """The stored files of removed posts and deleted messages go within the hour (this thread
    is the embedded default's only periodic runner; cron runs ``flask files sweep`` elsewhere)."""

    global _last_sweep
    if time.monotonic() - _last_sweep < 3600:
        return 0
    _last_sweep = time.monotonic()
    with exclusive("files.sweep") as mine:
        if not mine:
            return 0
        with db.transaction() as s:
            return sweep_files(s)


def run_once(app: Flask) -> None:
    with app.app_context():
        for job in (poll_all, check_sla, sweep_files_hourly, apply_retention, check_spikes):
            try:
                job()
            except Exception as exc:  # the next minute tries again; never kill the thread
                db.log_round_failure(log, exc, "inbox scheduler: %s failed", job.__name__)


def _loop(app: Flask) -> None:
    interval = app.config["INBOX_SCHEDULER_SECONDS"]
    while True:
        time.sleep(interval)
        run_once(app)


def init_app(app: Flask) -> None:
    """Start the thread with the first request (never in tests, never for CLI commands)."""
    if not app.config.get("INBOX_SCHEDULER") or app.testing:
        return

    def start() -> None:
        if not _started.is_set():
            _started.set()
            threading.Thread(target=_loop, args=(app,), name="inbox-scheduler", daemon=True).start()

    app.before_request(start)
