"""Search: the only package that imports whoosh (DESIGN §5).

``text/`` (analysis, query language, in-memory matching: the language API other apps use),
``index/`` (schema, store, indexer, rebuild), ``query/`` (search, facets, highlight, present,
people), ``kinds/`` (what is indexed), ``registry`` (kinds and principals register themselves),
``cli``. This module is wiring: ``init_app`` imports the index and the kinds when the app is
built, so importing ``search.text`` (the inbox's rules, in a worker process) stays light.
"""

from __future__ import annotations

from flask import Flask, current_app, has_app_context
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from intranet.models import SearchOutbox
from intranet.platform import db

THREAD = "intranet.search.thread"
_DIRTY = "intranet.search.dirty"


def init_app(app: Flask) -> None:
    """Index store per app; the foundation's kinds; the indexer thread when configured.

    The thread starts with the first request, not here: CLI commands (demo, rebuild, worker)
    create the app too and must not start a second indexer.
    """
    from intranet.search.index.indexer import IndexerThread
    from intranet.search.index.store import IndexStore
    from intranet.search.kinds import register_core

    app.extensions["search"] = IndexStore(app.config["SEARCH_INDEX_DIR"])
    register_core()
    if app.config.get("SEARCH_INDEXER_THREAD"):
        indexer = IndexerThread(app, poll=app.config.get("SEARCH_INDEXER_POLL", 1.0),
                                gather=app.config.get("SEARCH_INDEXER_GATHER", 0.25))
        app.extensions[THREAD] = indexer
        app.before_request(indexer.start)
    if not sa_event.contains(db.AppSession, "after_commit", _wake_indexer):
        sa_event.listen(db.AppSession, "after_flush", _note_outbox)
        sa_event.listen(db.AppSession, "after_commit", _wake_indexer)


def _note_outbox(session: Session, _ctx: object) -> None:
    if any(isinstance(o, SearchOutbox) for o in session.new):
        note_outbox_written(session)


def note_outbox_written(session: Session) -> None:
    """Outbox rows were written in this transaction: wake the indexer after commit."""
    session.info[_DIRTY] = True


def _wake_indexer(session: Session) -> None:
    """Index work was just committed: wake this process's indexer (no polling delay)."""
    if session.info.pop(_DIRTY, False) and has_app_context():
        indexer = current_app.extensions.get(THREAD)
        if indexer is not None:
            indexer.wake.set()
