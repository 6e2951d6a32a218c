"""Webhook intake split from processing: what is acknowledged is stored, pending, and processed
once by whichever worker gets it (the thread, ``inbox process``, or a restart after a crash)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from intranet import create_app
from intranet.inbox.actions.ingest import compute_pending, do_write_pending, pending_comments
from intranet.inbox.actions.settings import do_rotate_secret
from intranet.inbox.queries.rules import load_pipeline
from intranet.inbox.workers.processing import WORKER_KEY, Worker, drain
from intranet.models import Case, ExternalComment, Source, User, utcnow
from intranet.platform import db
from tests.inbox_helpers import comment, deliver, make_rule, make_source


def _count(session, model, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _store_pending(app, cast, n: int = 3):
    """Deliveries acknowledged while no worker runs (``external`` mode, none started)."""
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, "acme")
    app.config["INBOX_PROCESSING"] = "external"
    answer = deliver(app.test_client(), source, [comment(str(i), f"acme question {i}?") for i in range(n)]
                     + [comment("other", "nothing to see")])
    assert answer.status_code == 202 and answer.get_json()["accepted"] == n + 1
    return source


def test_acknowledged_comments_wait_pending_and_are_processed_once(app, cast, session, captured_events):
    _store_pending(app, cast)
    assert _count(session, ExternalComment, ExternalComment.processed_at.is_(None)) == 4
    assert _count(session, Case) == 0  # stored and acknowledged, not processed yet: a "crash" here
    with app.app_context():
        assert drain() == 4  # what a restarted worker or `inbox process` does first
        assert drain() == 0
    assert _count(session, Case) == 3 and _count(session, ExternalComment,
                                                 ExternalComment.processed_at.is_(None)) == 0
    case_events = [e for e in captured_events if e["type"] == "case"]
    assert case_events and {e["data"]["op"] for e in case_events} <= {"add", "batch"}


def test_two_workers_computing_the_same_batch_open_each_case_once(app, cast, session):
    _store_pending(app, cast)
    with app.app_context():
        with db.transaction() as s:
            rows, pipeline = pending_comments(s, 100), load_pipeline(s)
        first, second = (compute_pending(pipeline, rows, utcnow()) for _ in range(2))
        with db.transaction() as s:
            assert len(do_write_pending(s, first, utcnow())) == 3
        with db.transaction() as s:  # the slower worker finds them claimed: writes nothing
            assert do_write_pending(s, second, utcnow()) == []
    assert _count(session, Case) == 3


def test_cli_process_handles_what_is_pending(app, cast, session):
    _store_pending(app, cast, n=2)
    result = app.test_cli_runner().invoke(args=["inbox", "process"])
    assert result.exit_code == 0 and "3 comments processed." in result.output
    assert _count(session, Case) == 2


def test_the_worker_thread_opens_cases_soon_after_the_delivery(app, cast, session):
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, "acme")
    app.config["INBOX_PROCESSING"] = "thread"
    worker = app.extensions[WORKER_KEY] = Worker(app)
    worker.start()
    answer = deliver(app.test_client(), source, [comment("1", "acme is down")])
    assert answer.status_code == 202
    deadline = time.monotonic() + 10
    try:
        while _count(session, Case) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert _count(session, Case) == 1 and not worker.thread.is_alive()


def test_a_rotated_secret_applies_at_once_despite_the_source_cache(app, cast, session):
    source = make_source(app, cast.admin)
    client = app.test_client()
    assert deliver(client, source, [comment("1", "hi")]).status_code == 202  # cached now
    with app.app_context(), db.transaction() as s:
        new = do_rotate_secret(s, s.get(User, cast.admin.id), s.get(Source, source.id))
    assert deliver(client, source, [comment("2", "hi")], timestamp=int(time.time()) + 1).status_code == 401
    assert deliver(client, source, [comment("2", "hi")], secret=new).status_code == 202


def test_concurrent_deliveries_share_commits_and_keep_their_own_answers(app, cast, session):
    source = make_source(app, cast.admin)
    now, answers = int(time.time()), {}

    def send(i: int) -> None:
        items = [comment("shared", "same"), comment(f"own{i % 4}", "x")]
        # i and i + 4 send the same body at the same time: the same signature, a replay
        answers[i] = deliver(app.test_client(), source, items, timestamp=now + i % 4)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(a.status_code for a in answers.values())
    assert codes == [202] * 4 + [409] * 4
    bodies = [a.get_json() for a in answers.values() if a.status_code == 202]
    assert sum(b["accepted"] for b in bodies) == 5 and sum(b["duplicate"] for b in bodies) == 3
    assert _count(session, ExternalComment) == 5


def test_a_rule_saved_through_another_process_applies_at_the_next_batch(app, cast, session):
    """Two apps on one database stand for two workers: the second keeps its pipeline cached,
    yet a brand rule saved through the first matches the second's very next batch (no waiting
    out the time-to-live, which once let a webhook right after a new rule miss it)."""
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, "acme")
    other = create_app(dict(app.config))
    other.config["INBOX_PROCESSING"] = "inline"
    deliver(other.test_client(), source, [comment("1", "acme question?")])  # caches its pipeline
    make_rule(app, cast.admin, "kitcheo")  # through the first "process"
    deliver(other.test_client(), source, [comment("2", "kitcheo question?")])
    with other.app_context():
        db.engine().dispose()
    assert _count(session, Case) == 2
