"""Runs a people import's batches in a background thread, one transaction per batch.

Started by the upload; a page (or API client) polling an unfinished import whose thread is gone
(a restarted worker) starts it again in its own process, and the import carries on from where it
stopped (its offset is saved with each batch). On PostgreSQL one advisory lock per import keeps
two workers from running the same one.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app
from sqlalchemy import update

from intranet.actions.people_import import do_import_batch
from intranet.models import PeopleImport, User, utcnow
from intranet.platform import db
from intranet.platform.locks import exclusive

log = logging.getLogger(__name__)
_threads: dict[int, threading.Thread] = {}
_guard = threading.Lock()


def ensure_running(job: PeopleImport) -> None:
    """Start the job's thread in this process unless it is finished or already running here."""
    if job.status in ("done", "failed"):
        return
    app = current_app._get_current_object()
    with _guard:
        thread = _threads.get(job.id)
        if thread is not None and thread.is_alive():
            return
        thread = threading.Thread(target=_run, args=(app, job.id), name=f"people-import-{job.id}",
                                  daemon=True)
        _threads[job.id] = thread
        thread.start()


def wait(job_id: int, timeout: float = 60) -> None:
    """For tests and the CLI: until the job's thread in this process ends."""
    thread = _threads.get(job_id)
    if thread is not None:
        thread.join(timeout)


def _run(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            with exclusive(f"people.import.{job_id}") as mine:
                while mine and not _batch(job_id):
                    pass
        except Exception:
            log.exception("people import %s failed", job_id)
            with db.transaction() as s:
                job = s.get(PeopleImport, job_id)
                job.status, job.finished_at, job.content = "failed", utcnow(), ""
        finally:
            db.session.remove()


def _batch(job_id: int) -> bool:
    """One batch in one transaction; True when there is nothing left to do."""
    with db.transaction() as s:
        # Write first: on SQLite this takes the write lock before the batch reads anything, so
        # a request committing meanwhile cannot leave the batch on a stale snapshot ("database
        # is locked" at its first insert); on PostgreSQL it locks the import's row.
        claimed = s.execute(update(PeopleImport).where(
            PeopleImport.id == job_id, PeopleImport.status.in_(("queued", "running")))
            .values(status="running")).rowcount
        job = s.get(PeopleImport, job_id)
        if not claimed or job is None:
            return True
        actor = s.get(User, job.created_by_id) if job.created_by_id else None
        if actor is None:
            job.status = "failed"
            return True
        return do_import_batch(s, job, actor)
