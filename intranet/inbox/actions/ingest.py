"""From the outside world to a routed, triaged case: ingest, forward, replayed deliveries, SLA.

``do_ingest`` is the one path every connector takes. It writes comments with INSERT ... ON
CONFLICT DO NOTHING on (source, external id), so retries, replays and concurrent deliveries
store each comment once and the database (not a read-then-write race) decides what is new.
Only the new comments go on, at once or (webhook deliveries) later in batches by the worker of
``inbox.processing``, which claims pending rows with ``claim_pending``: watch rules (compiled
once per run), then for brand matches the triage, the route, the SLA due dates and the case
(``inbox.compute``), all written with bulk INSERTs.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from intranet.actions.notifications import notify
from intranet.inbox.connectors.items import Item
from intranet.inbox.queries.rules import current_pipeline, due_breaches, forget_pipeline, recorded_breaches
from intranet.inbox.rules.compute import Computed, Pipeline, compute
from intranet.models import (
    AuditLog,
    Case,
    CaseActivity,
    CaseStatus,
    CommentMatch,
    Department,
    ExternalComment,
    InboxAgent,
    Membership,
    NotificationKind,
    Role,
    RuleChange,
    SearchOutbox,
    Source,
    User,
    WebhookDelivery,
    utcnow,
)
from intranet.platform.db import conflict_insert
from intranet.platform.errors import Conflict, NotFound
from intranet.platform.events import after_commit, publish
from intranet.platform.sqlite import bulk

log = logging.getLogger(__name__)
LIVE_LIMIT = 50  # above this many new cases in one batch, one summary event per audience
WORKER_EACH = 3  # the worker's batches: a trickle still gets one event per case, a flood summaries
REPLAY_WINDOW = timedelta(minutes=10)
# (session, case_ids=..., now=...) inside the transaction that opened live cases: incidents
# group them (connected by ``inbox.init_app``; this module cannot import its receivers)
cases_opened = Namespace().signal("cases-opened")
PURGE_CHANCE = 0.02


@lru_cache(maxsize=4)
def _statements(dialect: str) -> dict[str, Any]:
    """The webhook's statements, built once per dialect: building and keying them cost more than
    running them (bound parameters carry the values)."""
    insert_ = conflict_insert(dialect)
    comments, deliveries = ExternalComment.__table__, WebhookDelivery.__table__
    return {
        "comments": insert_(comments).on_conflict_do_nothing(index_elements=["source_id", "external_id"])
        .returning(comments.c.id, comments.c.external_id),
        "delivery": insert_(deliveries).on_conflict_do_nothing(index_elements=["source_id", "signature"])
        .values(source_id=bindparam("source_id"), signature=bindparam("signature"),
                received_at=bindparam("received_at", type_=deliveries.c.received_at.type))
        .returning(deliveries.c.signature),
        "new_in": select(func.count()).select_from(Case).where(
            Case.department_id == bindparam("department_id"), Case.status == CaseStatus.NEW),
        "new_unrouted": select(func.count()).select_from(Case).where(
            Case.department_id.is_(None), Case.status == CaseStatus.NEW),
        "cases": insert(Case.__table__).returning(Case.__table__.c.id, Case.__table__.c.comment_id),
        "activity": insert(CaseActivity.__table__),
        "audit": insert(AuditLog.__table__),
        "outbox": insert(SearchOutbox.__table__),
        "matches": insert(CommentMatch.__table__),
    }


def statement(session: Session, name: str) -> Any:
    return _statements(session.get_bind().dialect.name)[name]


def pipeline_changed(session: Session) -> None:
    """Rules, routes or targets changed: move the rules version with this transaction (other
    processes reload at their next batch) and drop this process's cached pipeline after commit."""
    session.add(RuleChange())
    engine = session.get_bind()
    after_commit(session, lambda: forget_pipeline(engine))


Computer = Callable[[list[tuple[int, Item]], int | None, datetime], Computed]


@dataclass
class IngestResult:
    accepted: int = 0
    duplicate: int = 0
    case_ids: list[int] = field(default_factory=list)
    competitor: int = 0
    stored: list[tuple[int, Item]] = field(default_factory=list)  # new (comment id, item), if deferred


def _insert_comments(session: Session, source: Source, items: list[Item], now: datetime,
                     forwarded_by: int | None, processed: bool) -> dict[str, int]:
    """external id -> new comment id, for the items not stored before (duplicates drop out)."""
    extra = {"forwarded_by_id": forwarded_by, "processed_at": now if processed else None}
    rows = [item.row(source.id, now) | extra for item in items]
    if bulk.supported(session):
        found = bulk.insert_rows(session, ExternalComment.__table__, rows, returning=("id", "external_id"),
                                 on_conflict=("source_id", "external_id"))
    else:
        found = session.execute(statement(session, "comments"), rows)
    return {ext: cid for cid, ext in found}


def _insert(session: Session, name: str, table: Any, rows: list[dict[str, Any]],
            returning: tuple[str, ...] = ()) -> list[tuple]:
    """Bulk rows through ``inbox.bulk`` on SQLite, else the statement built for the dialect."""
    if bulk.supported(session):
        return bulk.insert_rows(session, table, rows, returning=returning)
    result = session.execute(statement(session, name), rows)
    return list(result) if returning else []


def do_ingest(session: Session, source: Source, items: list[Item], *, pipeline: Pipeline | None = None,
              actor: User | None = None, live: bool = True, always_case: bool = False,
              now: datetime | None = None, defer: bool = False,
              computer: Computer | None = None) -> IngestResult:
    """Store new comments once, then match watch rules and open cases for brand matches.

    ``defer``: only store them, pending (``processed_at`` NULL): the webhook acknowledges what
    is stored and the worker (``inbox.processing``) does the rest in batches; a crash in between
    loses nothing, the queue is in the database. ``always_case``: a person forwarded it, so it
    becomes a case unless only competitor rules match. ``live``: publish an event per case
    (webhooks, feeds); bulk imports pass False and get one summary event per audience.
    ``computer``: what computes the new comments' matches and cases instead of ``compute`` here
    (the bulk import's child process, ``inbox.parallel``).
    """
    if not items:
        return IngestResult()
    now = now or utcnow()
    actor_id = actor.id if actor else None
    new_ids = _insert_comments(session, source, items, now, actor_id, processed=not defer)
    result = IngestResult(accepted=len(new_ids), duplicate=len(items) - len(new_ids))
    entries = [(cid, item) for item in items  # pop: a repeated id in a batch is new once
               if (cid := new_ids.pop(item.external_id, None)) is not None]
    if defer:
        result.stored = entries
        return result
    if computer is not None and not always_case:
        computed = computer(entries, actor_id, now) if entries else Computed()
    else:
        computed = compute(pipeline or current_pipeline(session), entries, actor_id=actor_id,
                           always_case=always_case, now=now)
    result.competitor = computed.competitor
    result.case_ids = write_computed(session, source, computed, actor, live, now)
    return result


def write_computed(session: Session, source: Source, computed: Computed, actor: User | None,
                   live: bool, now: datetime, each: int = LIVE_LIMIT) -> list[int]:
    """Write what ``compute`` decided: the rule matches, then the cases; their ids. ``each``:
    up to this many new cases of a service get one live event each, more get one summary."""
    if computed.matches:
        _insert(session, "matches", CommentMatch.__table__, computed.matches)
    return _open_cases(session, source, computed.cases, actor, live, now, each) if computed.cases else []


def _open_cases(session: Session, source: Source, built: list[tuple[dict[str, Any], dict[str, Any]]],
                actor: User | None, live: bool, now: datetime, each: int = LIVE_LIMIT) -> list[int]:
    """Bulk-insert the cases, their opening activity and audit rows, then tell their people.

    A bulk import (``live`` False) writes one audit row per batch naming its cases, not one per
    case: the per-case timeline (``CaseActivity``) is still complete, and the audit log stays
    readable after an import of 200,000 comments.
    """
    ids = {comment_id: case_id for case_id, comment_id in _insert(
        session, "cases", Case.__table__, [r for r, _d in built], returning=("id", "comment_id"))}
    actor_id = actor.id if actor else None
    activity, audits, by_service = [], [], {}
    for row, data in built:
        case_id = ids[row["comment_id"]]
        data = {**data, "source": source.slug}
        activity.append({"case_id": case_id, "actor_id": actor_id, "kind": "open", "data": data,
                         "body_html": "", "created_at": now})
        if live:
            audits.append({"actor_id": actor_id, "action": "case.open", "target_type": "case",
                           "target_id": case_id, "data": data, "created_at": now})
        by_service.setdefault(row["department_id"], []).append(case_id)
    if not live:
        audits.append({"actor_id": actor_id, "action": "case.open_batch", "target_type": "source",
                       "target_id": source.id, "created_at": now,
                       "data": {"source": source.slug, "cases": sorted(ids.values())}})
    _insert(session, "activity", CaseActivity.__table__, activity)
    _insert(session, "audit", AuditLog.__table__, audits)
    _insert(session, "outbox", SearchOutbox.__table__, [  # searchable by their service's people
        {"kind": "case", "object_id": cid, "op": "upsert", "created_at": now} for cid in ids.values()])
    for department_id, case_ids in by_service.items():
        _announce(session, department_id, case_ids, live, each)
    if live:
        cases_opened.send(session, case_ids=sorted(ids.values()), now=now)
    return list(ids.values())


_PENDING_COLUMNS = ("id", "source_id", "external_id", "text", "lang", "followers", "forwarded_by_id")


def pending_comments(session: Session, limit: int) -> list[Any]:
    """The oldest comments stored but not processed (a read: the write claims them, ``claim_ids``)."""
    t = ExternalComment.__table__
    return list(session.execute(select(*(t.c[name] for name in _PENDING_COLUMNS))
                                .where(t.c.processed_at.is_(None)).order_by(t.c.id).limit(limit)))


def claim_ids(session: Session, ids: list[int], now: datetime) -> set[int]:
    """Of these comments, mark those still pending processed and return them. The UPDATE is the
    claim: two workers never write the same comment's case, and a rollback (a crash before the
    cases are written) puts them back in the queue."""
    if bulk.supported(session):
        return {cid for (cid,) in bulk.execute(
            session, "UPDATE inbox_comments SET processed_at = ? WHERE processed_at IS NULL AND id IN "
            "(SELECT value FROM json_each(?)) RETURNING id", (bulk.sqlite_time(now), json.dumps(ids)))}
    t = ExternalComment.__table__
    stmt = (update(t).where(t.c.id.in_(ids), t.c.processed_at.is_(None)).values(processed_at=now)
            .returning(t.c.id))
    return set(session.scalars(stmt))


PendingBatch = tuple[int, int | None, list[int], Computed]  # source, forwarder, comment ids, result


def compute_pending(pipeline: Pipeline, rows: list[Any], now: datetime) -> list[PendingBatch]:
    """What ``do_ingest`` would decide for these pending comments, per (source, forwarder): CPU
    only, run outside the write lock so deliveries are not kept waiting."""
    groups: dict[tuple[int, int | None], list[tuple[int, Item]]] = {}
    for row in rows:
        item = Item(external_id=row.external_id, text=row.text, lang=row.lang, followers=row.followers)
        groups.setdefault((row.source_id, row.forwarded_by_id), []).append((row.id, item))
    return [(source_id, actor_id, [cid for cid, _item in entries],
             compute(pipeline, entries, actor_id=actor_id, always_case=actor_id is not None, now=now))
            for (source_id, actor_id), entries in groups.items()]


def do_write_pending(session: Session, batches: list[PendingBatch], now: datetime) -> list[int]:
    """Claim the comments of computed batches and write their matches and cases (live ``case``
    events); comments another worker claimed meanwhile are left out. The new case ids."""
    claimed = claim_ids(session, [cid for batch in batches for cid in batch[2]], now)
    case_ids = []
    for source_id, actor_id, ids, computed in batches:
        if len(claimed) < len(ids) or not claimed.issuperset(ids):
            computed = computed.only(claimed)
        actor = session.get(User, actor_id) if actor_id else None
        case_ids += write_computed(session, session.get(Source, source_id), computed, actor, True, now,
                                   each=WORKER_EACH)
    return case_ids


def inbox_people(session: Session) -> list[int]:
    """Everyone who works some inbox (agents, department leads, admins): unrouted cases are theirs."""

    agents = select(InboxAgent.user_id)
    leads = (select(Membership.user_id).join(Department, Department.group_id == Membership.group_id)
             .where(Membership.role == Role.LEAD))
    admins = select(User.id).where(User.is_admin.is_(True))
    return list(session.scalars(agents.union(leads, admins)))


def new_cases(session: Session, department_id: int | None) -> int:
    """New (unassigned) cases of a service, or unrouted ones: the count the inbox badge shows."""
    if department_id is None:
        return session.scalar(statement(session, "new_unrouted")) or 0
    return session.scalar(statement(session, "new_in"), {"department_id": department_id}) or 0


def _announce(session: Session, department_id: int | None, case_ids: list[int], live: bool,
              each: int = LIVE_LIMIT) -> None:
    """``case`` events: one per case when few (the inbox inserts rows live), else one summary.

    Unrouted cases go to each inbox person's own room (no service audience fits them).
    """
    if live and len(case_ids) <= each:
        count = new_cases(session, department_id)
        payloads = [{"op": "add", "id": cid, "service_id": department_id, "status": "new", "new": count}
                    for cid in case_ids]
    else:  # a bulk batch: the inbox reloads its list and count (no count query per batch)
        payloads = [{"op": "batch", "ids": case_ids[:LIVE_LIMIT], "count": len(case_ids),
                     "service_id": department_id}]
    people = inbox_people(session) if department_id is None else []
    for payload in payloads:
        if department_id is not None:
            publish(session, "case", payload, service_id=department_id)
        for user_id in people:
            publish(session, "case", payload, user_id=user_id)


def do_accept_delivery(session: Session, source: Source, signature: str, now: datetime) -> None:
    """Remember a signature for the freshness window; the same one again is a replay (409)."""
    if random.random() < PURGE_CHANCE:  # forgetting old signatures needs no hurry
        purge_deliveries(session, now)
    if not record_delivery(session, source, signature, now):
        raise replayed()


def record_delivery(session: Session, source: Any, signature: str, now: datetime) -> bool:
    """Remember a signature; False if it was already received (a replay). The unique constraint
    decides, so two copies racing in parallel cannot both pass."""
    values = {"source_id": source.id, "signature": signature, "received_at": now}
    # A returned row, not ``rowcount``: psycopg 3 reports -1 for an INSERT the driver ran with
    # RETURNING (SQLAlchemy adds one for the key), which refused every delivery as replayed.
    return session.connection().execute(statement(session, "delivery"), values).first() is not None


def replayed() -> Conflict:
    return Conflict(_("This delivery was already received (replayed signature)."))


def purge_deliveries(session: Session, now: datetime) -> None:
    """Signatures older than the freshness window can never be replayed: forget them."""
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.received_at < now - REPLAY_WINDOW))


def do_record_breaches(session: Session, now: datetime) -> list[tuple[int, str]]:
    """Record every SLA breach due by ``now`` once: the case's list, a timeline entry, an audit
    row, a notification to the service's leads (admins for unrouted cases) and a ``case`` event."""
    recorded = []
    for case, kind in due_breaches(session, now):
        if not _mark_breached(session, case, kind):
            continue  # another run recorded it meanwhile
        session.add(CaseActivity(case_id=case.id, kind="sla_breach", data={"breach": kind},
                                 created_at=now))
        session.add(AuditLog(action="case.sla_breach", target_type="case", target_id=case.id,
                             data={"breach": kind}))
        notify(session, service_leads(session, case.department_id), NotificationKind.SLA_BREACH,
               actor=None, case_id=case.id)
        payload = {"op": "breach", "id": case.id, "breach": kind, "service_id": case.department_id}
        if case.department_id is not None:
            publish(session, "case", payload, service_id=case.department_id)
        recorded.append((case.id, kind))
    session.flush()
    return recorded


def _mark_breached(session: Session, case: Case, kind: str) -> bool:
    """Add ``kind`` to the case's breaches unless it is there already: one conditional UPDATE, so
    of two runs that overlap (two workers, cron beside a worker) only one records it; the other's
    UPDATE matches no row and it records nothing. ``due_breaches`` locked the row (PostgreSQL) and
    read it fresh, so no other breach kind is overwritten."""
    breaches = [*(case.breaches or []), kind]
    done = session.execute(
        update(Case).where(Case.id == case.id, recorded_breaches().not_like(f'%"{kind}"%'))
        .values(breaches=breaches).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        return False
    set_committed_value(case, "breaches", breaches)
    return True


def service_leads(session: Session, department_id: int | None) -> list[int]:
    """Who leads a service (its department group's leads; the admins for cases of no service)."""
    if department_id is None:
        return list(session.scalars(select(User.id).where(User.is_admin.is_(True), User.is_active_account)))
    group_id = session.scalar(select(Department.group_id).where(Department.id == department_id))
    if group_id is None:
        raise NotFound(_("This service does not exist."))
    return list(session.scalars(select(Membership.user_id).where(Membership.group_id == group_id,
                                                                 Membership.role == Role.LEAD)))
