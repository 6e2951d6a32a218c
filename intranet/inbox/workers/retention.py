"""The retention job: redact customers' data in the inbox and erase messages past their periods.

Run by the inbox scheduler's thread or by ``flask --app wsgi inbox retention`` from cron (the
tick timer, every minute), at most once an hour (``last_run_at``, unless forced) and once across
workers (``platform.locks.exclusive``). Work goes in batches of ``BATCH``
rows, one short transaction each, so a first run over years of data never holds the write lock
for long. A run that changed something is recorded in the audit log with its counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from intranet.actions.common import audit
from intranet.actions.retention import erase_old_messages, retention_settings
from intranet.inbox.actions.retention import redact_old_comments
from intranet.models import utcnow
from intranet.platform import db
from intranet.platform.locks import exclusive

BATCH = 500
EVERY = timedelta(hours=1)


@dataclass
class RetentionOutcome:
    comments: int = 0
    messages: int = 0
    skipped: bool = False


def _in_batches(step: Callable[[Session, datetime, int], int], before: datetime) -> int:
    total = 0
    while True:
        with db.transaction() as s:
            done = step(s, before, BATCH)
        total += done
        if done < BATCH:
            return total


def apply_retention(now: datetime | None = None, *, force: bool = False) -> RetentionOutcome:
    """Apply the current settings (``skipped`` when another worker is doing it, or when the last
    run is less than an hour old and ``force`` is not given)."""
    now = now or utcnow()
    with exclusive("retention") as mine:
        if not mine:
            return RetentionOutcome(skipped=True)
        with db.transaction() as s:
            settings = retention_settings(s)
            inbox_days, message_days, last = settings.inbox_days, settings.message_days, settings.last_run_at
        if not force and last is not None and now - last < EVERY:
            return RetentionOutcome(skipped=True)
        outcome = RetentionOutcome()
        if inbox_days:
            outcome.comments = _in_batches(redact_old_comments, now - timedelta(days=inbox_days))
        if message_days:
            outcome.messages = _in_batches(erase_old_messages, now - timedelta(days=message_days))
        with db.transaction() as s:
            retention_settings(s).last_run_at = now
            if outcome.comments or outcome.messages:
                audit(s, None, "retention.apply", "retention", 1, comments=outcome.comments,
                      messages=outcome.messages, inbox_days=inbox_days, message_days=message_days)
        return outcome
