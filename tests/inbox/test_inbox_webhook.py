"""The signed webhook: good, bad, stale and replayed signatures, malformed and oversized bodies,
bad items alone rejected, each comment stored once whatever the retries."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select

from intranet.models import Case, ExternalComment, WebhookDelivery
from intranet.platform import db
from intranet.platform.sqlite import immediate
from tests.api_helpers import conforms, error_of
from tests.inbox_helpers import WEBHOOK, comment, deliver, make_rule, make_source


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_good_signature_stores_and_opens_cases_for_brand_matches(app, cast, session):
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, '"Acme Bank" OR acmebank')
    make_rule(app, cast.admin, "globex", kind="competitor")
    answer = deliver(app.test_client(), source, [
        comment("1", "Acme Bank blocked my card, why?"),
        comment("2", "Globex has better rates"),
        comment("3", "Nice weather today")])
    assert answer.status_code == 202
    assert answer.get_json() == {"accepted": 3, "duplicate": 0, "rejected": []}
    assert conforms(answer.get_json(), "WebhookResult")
    assert _count(session, ExternalComment) == 3
    case = session.scalar(select(Case))
    assert case.comment.external_id == "1" and case.needs_response and case.status.value == "new"
    assert {r["code"] for r in case.triage["reasons"]} >= {"question", "watch_rule"}


def test_wrong_secret_missing_headers_and_stale_timestamp_are_401(app, cast, session, caplog):
    source = make_source(app, cast.admin)
    client = app.test_client()
    wrong = deliver(client, source, [comment("1", "hi")], secret="not-the-secret")
    assert wrong.status_code == 401 and error_of(wrong)["code"] == "bad_signature"
    stale = deliver(client, source, [comment("1", "hi")], timestamp=int(time.time()) - 301)
    assert stale.status_code == 401 and "5 minutes" in stale.get_json()["error"]["message"]
    future = deliver(client, source, [comment("1", "hi")], timestamp=int(time.time()) + 400)
    assert future.status_code == 401
    bare = client.post(WEBHOOK.format(slug=source.slug), data=b'{"comments": []}',
                       headers={"Content-Type": "application/json"})
    assert bare.status_code == 401 and "X-Intranet-Signature" in bare.get_json()["error"]["message"]
    altered_body = json.dumps({"comments": [comment("1", "hi")]}).encode()
    tampered = deliver(client, source, body=altered_body,
                       headers={"X-Intranet-Timestamp": str(int(time.time()) + 1)})
    assert tampered.status_code == 401
    assert _count(session, ExternalComment) == 0
    assert sum("refused" in r.message for r in caplog.records) == 5


def test_replayed_delivery_is_refused_but_a_new_retry_is_deduplicated(app, cast, session):
    source = make_source(app, cast.admin)
    client, now = app.test_client(), int(time.time())
    first = deliver(client, source, [comment("1", "hello")], timestamp=now)
    replay = deliver(client, source, [comment("1", "hello")], timestamp=now)
    assert first.status_code == 202 and replay.status_code == 409
    retry = deliver(client, source, [comment("1", "hello")], timestamp=now + 1)
    assert retry.get_json() == {"accepted": 0, "duplicate": 1, "rejected": []}
    assert _count(session, ExternalComment) == 1 and _count(session, WebhookDelivery) == 2


def test_malformed_json_and_wrong_shape_are_400(app, cast, session):
    source = make_source(app, cast.admin)
    client = app.test_client()
    broken = deliver(client, source, body=b'{"comments": [')
    assert broken.status_code == 400 and "not valid JSON" in broken.get_json()["error"]["message"]
    shape = deliver(client, source, body=b'{"items": []}')
    assert shape.status_code == 400 and shape.get_json()["error"]["field"] == "comments"


def test_oversized_body_is_413_and_unknown_source_404(app, cast):
    source = make_source(app, cast.admin)
    app.config["INBOX_WEBHOOK_MAX_BYTES"] = 2000
    big = deliver(app.test_client(), source, [comment("1", "x" * 3000)])
    assert big.status_code == 413
    missing = app.test_client().post(WEBHOOK.format(slug="nope"), data=b"{}")
    assert missing.status_code == 404


def test_bad_items_are_rejected_alone_with_their_index(app, cast, session, caplog):
    source = make_source(app, cast.admin)
    answer = deliver(app.test_client(), source, [
        comment("1", "fine"), {"text": "no id"}, comment("3", ""), "not an object",
        comment("5", "bad count", followers=-3), comment("6", "also fine", posted_at="2026-11-01T10:00:00Z")])
    body = answer.get_json()
    assert answer.status_code == 202 and body["accepted"] == 2 and body["duplicate"] == 0
    assert [r["index"] for r in body["rejected"]] == [1, 2, 3, 4] and conforms(body, "WebhookResult")
    assert "external_id is required" in body["rejected"][0]["message"]
    assert "text is required" in body["rejected"][1]["message"]
    assert "followers" in body["rejected"][3]["message"]
    assert sum("rejected" in r.message for r in caplog.records) == 4
    stored = session.scalar(select(ExternalComment).where(ExternalComment.external_id == "6"))
    assert stored.posted_at.isoformat().startswith("2026-11-01T10:00:00")


def test_same_comment_twice_in_one_batch_and_concurrent_deliveries_store_once(app, cast, session):
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, "acme")
    answer = deliver(app.test_client(), source, [comment("1", "acme one"), comment("1", "acme again")])
    assert answer.get_json()["accepted"] == 1 and answer.get_json()["duplicate"] == 1
    results = []

    def send(i: int) -> None:
        results.append(deliver(app.test_client(), source, [comment("c", "acme race"),
                                                           comment(f"own{i}", "acme own")],
                               timestamp=int(time.time()) + i).status_code)
    threads = [threading.Thread(target=send, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [202] * 6
    ids = session.scalars(select(ExternalComment.external_id)).all()
    assert len(ids) == len(set(ids)) == 8
    assert _count(session, Case) == 8


@pytest.mark.sqlite_only
def test_delivery_waits_for_another_process_write_lock_then_stores(app, cast, session):
    """The intake looks at SQLite's write lock itself while another process (a worker) holds it:
    the delivery is stored once the lock is released, and the pooled connection gets its busy
    timeout back."""

    source = make_source(app, cast.admin)
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # as a worker's write transaction
    released = threading.Event()

    def release() -> None:
        time.sleep(0.3)
        released.set()
        holder.execute("COMMIT")

    thread = threading.Thread(target=release)
    thread.start()
    answer = deliver(app.test_client(), source, [comment("1", "waited for the lock")])
    thread.join()
    holder.close()
    assert answer.status_code == 202 and released.is_set()
    assert answer.get_json()["accepted"] == 1 and _count(session, ExternalComment) == 1
    with app.app_context():
        raw = db.engine().raw_connection()
        try:
            timeout = raw.driver_connection.execute("PRAGMA busy_timeout").fetchone()[0]
        finally:
            raw.close()
    assert timeout == immediate.BUSY_SECONDS * 1000


def test_webhook_needs_no_csrf_and_is_rate_limited_per_source(app, cast):
    source = make_source(app, cast.admin)
    app.config["INBOX_WEBHOOK_RATE_LIMIT"] = "2 per minute"
    client = app.test_client()
    codes = [deliver(client, source, [comment(str(i), "hi")], timestamp=int(time.time()) + i).status_code
             for i in range(3)]
    assert codes == [202, 202, 429]


def test_hostile_items_are_rejected_alone_and_a_retry_reports_the_same(app, cast, session):
    """A lone surrogate (text cut inside an emoji), a control character or an absurd number in
    one comment costs that comment alone; a retry signed again stores nothing twice."""
    source = make_source(app, cast.admin)
    batch = [comment("ok-1", "fine 🎉"), comment("cut", "half an emoji \ud83c"),
             comment("who", "fine text", author="Jane \udc00"), comment("nul", "nul \x00 inside"),
             comment("esc", "bell \x07"), comment("deep", [[["not text"]]]),
             comment("many", "big audience", followers=2**70), comment(10**250, "id too long"),
             comment("ok-2", "tab\tand\nlines\r\n")]
    body = json.dumps({"comments": batch}).encode()  # lone surrogates travel as \ud83c escapes
    client, now = app.test_client(), int(time.time())
    first = deliver(client, source, body=body, timestamp=now)
    assert first.status_code == 202, first.get_json()
    result = first.get_json()
    assert conforms(result, "WebhookResult")
    assert result["accepted"] == 3 and result["duplicate"] == 0
    assert [(r["index"], r.get("field")) for r in result["rejected"]] == [
        (1, "text"), (2, "author"), (3, "text"), (4, "text"), (5, "text"), (7, "external_id")]
    assert "surrogate" in result["rejected"][0]["message"]
    assert "control character" in result["rejected"][2]["message"]
    retry = deliver(client, source, body=body, timestamp=now + 1)
    assert retry.status_code == 202
    assert retry.get_json() == {**result, "accepted": 0, "duplicate": 3}
    stored = set(session.scalars(select(ExternalComment.external_id)))
    assert stored == {"ok-1", "many", "ok-2"}


def test_a_deep_or_huge_numbered_body_is_a_clear_400(app, cast, session):
    source = make_source(app, cast.admin)
    client = app.test_client()
    deep = deliver(client, source, body=b'{"comments": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert deep.status_code == 400 and "deeply" in error_of(deep)["message"]
    nan = deliver(client, source, body=b'{"comments": [{"external_id": "1", "text": "x", "followers": NaN}]}')
    assert nan.status_code == 400
    stamp = deliver(client, source, [comment("1", "x")], headers={"X-Intranet-Timestamp": "\u00b2"})
    assert stamp.status_code == 401
    assert _count(session, ExternalComment) == 0
