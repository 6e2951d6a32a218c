"""The spike watcher's round: judge every watch rule's last 15 minutes against its baseline.

Run each minute by the scheduler thread (``inbox.workers.scheduler``) or by cron through
``flask --app wsgi inbox spikes``; once across workers (``platform.locks.exclusive``), and
``COOLDOWN`` keeps two overlapping rounds from alerting twice for one surge.
"""

from __future__ import annotations

import logging
from datetime import datetime

from intranet.inbox.actions.spikes import do_check_spikes
from intranet.models import utcnow
from intranet.platform import db
from intranet.platform.locks import exclusive

log = logging.getLogger(__name__)


def check_spikes(now: datetime | None = None) -> list[int]:
    """The ids of the spikes found now (none when another worker is checking)."""
    now = now or utcnow()
    with exclusive("inbox.spikes") as mine:
        if not mine:
            log.info("inbox: another worker is checking spikes; skipped")
            return []
        with db.transaction() as s:
            found = do_check_spikes(s, now)
            ids = [spike.id for spike in found]
    for spike_id in ids:
        log.warning("inbox: surge of comments recorded as spike %s", spike_id)
    return ids
