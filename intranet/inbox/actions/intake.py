"""The webhook's intake, made cheap: sources read from a short cache, deliveries group-committed.

Per delivery, SQLite's commit (WAL pages of the comments, their four indexes and the delivery)
and SQLAlchemy's per-transaction work cost more than storing the comments. Deliveries wait for
the one ingest writer anyway (``writes.ingest_transaction``), so the thread that gets it stores
every delivery queued meanwhile in one transaction (group commit) and wakes their threads when
it is committed: each answer still means "stored durably", and a replayed signature still
affects only its own delivery (``ON CONFLICT DO NOTHING``, nothing to roll back).

A source (id, slug, secret) is kept ``SOURCE_TTL`` seconds: a change made in this process
applies at once (``source_changed`` after commit), in other processes within the TTL.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from intranet.inbox.actions.ingest import (
    PURGE_CHANCE,
    REPLAY_WINDOW,
    do_ingest,
    purge_deliveries,
    record_delivery,
    replayed,
)
from intranet.inbox.connectors.items import Item
from intranet.models import Connector, ExternalComment, Source, WebhookDelivery
from intranet.platform import db
from intranet.platform.events import after_commit
from intranet.platform.sqlite import bulk
from intranet.platform.sqlite.immediate import write_connection
from intranet.platform.sqlite.writes import ingest_transaction, sqlite_lock

SOURCE_TTL = 2.0
KEY = "inbox.intake"


@lru_cache(maxsize=1)
def _source_statement() -> Select:
    return select(Source.id, Source.slug, Source.secret).where(
        Source.slug == bindparam("slug"), Source.active, Source.connector == Connector.WEBHOOK)


@dataclass
class Delivery:
    source: Any  # a row with id, slug, secret
    signature: str
    items: list[Item]
    now: datetime
    replayed: bool = False
    accepted: int = 0
    duplicate: int = 0
    error: BaseException | None = None
    done: bool = False
    stored: list[tuple[int, Item]] = field(default_factory=list)
    wake: threading.Event = field(default_factory=threading.Event)


class Intake:
    def __init__(self) -> None:
        self._sources: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._queue: list[Delivery] = []
        self._busy = False

    def source(self, slug: str) -> Any:
        """The active webhook source of this slug (a row: id, slug, secret), or None."""
        cached = self._sources.get(slug)
        if cached is not None and time.monotonic() - cached[0] < SOURCE_TTL:
            return cached[1]
        row = db.session.connection().execute(_source_statement(), {"slug": slug}).first()
        db.session.commit()  # end the read: the request holds no transaction while it waits
        if row is not None:
            self._sources[slug] = (time.monotonic(), row)
        return row

    def forget(self) -> None:
        self._sources.clear()

    def store(self, delivery: Delivery) -> Delivery:
        """Store a delivery, with whatever others are queued (see the module's docstring).

        Each waiting thread is woken once: when its delivery is stored (or failed), or when it
        is the first of the queue and the writer's turn passes to it (a shared condition woke
        every waiting thread after each group commit, most of them to wait again)."""
        with self._lock:
            self._queue.append(delivery)
            writer, self._busy = not self._busy, True
        if not writer:
            delivery.wake.wait()
            if delivery.done:
                return _result(delivery)
        with self._lock:  # this thread's turn: its delivery is first in the queue
            batch, self._queue = self._queue, []
        try:
            _write(batch)
        finally:
            for d in batch:
                d.wake.set()
            with self._lock:
                if self._queue:
                    self._queue[0].wake.set()  # the writer's turn passes to it
                else:
                    self._busy = False
        return _result(delivery)


def _write(batch: list[Delivery]) -> None:
    try:
        if bulk.engine_supported(db.engine()) and (lock := sqlite_lock()) is not None:
            with lock:
                _write_sqlite(batch)
        else:
            _write_session(batch)
    except BaseException as exc:  # nothing of the batch was stored: every delivery fails alike
        for d in batch:
            d.error = exc
        raise
    finally:
        for d in batch:
            d.done = True


def _write_session(batch: list[Delivery]) -> None:

    with ingest_transaction() as s:
        if random.random() < PURGE_CHANCE:  # forgetting old signatures needs no hurry
            purge_deliveries(s, batch[0].now)
        for d in batch:
            if not record_delivery(s, d.source, d.signature, d.now):
                d.replayed = True
                continue
            result = do_ingest(s, d.source, d.items, now=d.now, defer=True)
            d.accepted, d.duplicate, d.stored = result.accepted, result.duplicate, result.stored


_DELIVERY_SQL = (f"INSERT INTO {WebhookDelivery.__tablename__} (source_id, signature, received_at) "
                 "VALUES (?, ?, ?) ON CONFLICT (source_id, signature) DO NOTHING")
_PURGE_SQL = f"DELETE FROM {WebhookDelivery.__tablename__} WHERE received_at < ?"


_COMMENT_COLUMNS = ("source_id", "external_id", "text", "author", "author_url", "followers", "url",
                    "posted_at", "lang", "in_reply_to", "received_at")


def _write_sqlite(batch: list[Delivery]) -> None:
    """The same as ``_write_session`` on one DB-API connection (SQLAlchemy's session and
    transaction bookkeeping cost more than these few statements), with the comments of every
    delivery of the batch in one INSERT: VALUES rows are inserted in order, so an external id
    repeated in the batch is new only in the first delivery that carries it, as when each
    delivery had its own statement."""
    with write_connection(db.engine()) as conn:
        if random.random() < PURGE_CHANCE:  # forgetting old signatures needs no hurry
            conn.execute(_PURGE_SQL, (bulk.sqlite_time(batch[0].now - REPLAY_WINDOW),))
        accepted, values = [], []
        for d in batch:
            when = bulk.sqlite_time(d.now)
            if conn.execute(_DELIVERY_SQL, (d.source.id, d.signature, when)).rowcount != 1:
                d.replayed = True
                continue
            accepted.append(d)
            values += [(d.source.id, i.external_id, i.text, i.author, i.author_url, i.followers, i.url,
                        bulk.sqlite_time(i.posted_at) if i.posted_at else when, i.lang, i.in_reply_to, when)
                       for i in d.items]
        new_ids = {(sid, ext): cid for cid, sid, ext in bulk.insert_values(
            conn, ExternalComment.__table__, _COMMENT_COLUMNS, values,
            returning=("id", "source_id", "external_id"), on_conflict=("source_id", "external_id"))}
        for d in accepted:  # pop: a repeated id is new once, in the first delivery carrying it
            d.stored = [(cid, item) for item in d.items
                        if (cid := new_ids.pop((d.source.id, item.external_id), None)) is not None]
            d.accepted, d.duplicate = len(d.stored), len(d.items) - len(d.stored)


def _result(delivery: Delivery) -> Delivery:
    if delivery.error is not None:
        raise delivery.error
    return delivery


def intake() -> Intake:
    return current_app.extensions[KEY]


def do_receive_delivery(source: Source, signature: str, items: list[Item], now: datetime) -> Delivery:
    """The webhook's action: store a verified delivery's new comments (pending processing) once;
    a delivery seen before is refused as replayed.

    Unlike other actions it commits: the deliveries waiting for the ingest writer are written in
    one transaction by whichever request thread gets it (group commit, above), so no caller could
    own that transaction."""
    result = intake().store(Delivery(source, signature, items, now))
    if result.replayed:
        raise replayed()
    return result


def source_changed(session: Session) -> None:
    """A source was created or changed: forget the cached ones after commit."""
    if not has_app_context() or KEY not in current_app.extensions:
        return
    cache = current_app.extensions[KEY]
    after_commit(session, cache.forget)


def init_app(app: Flask) -> None:
    app.extensions[KEY] = Intake()
