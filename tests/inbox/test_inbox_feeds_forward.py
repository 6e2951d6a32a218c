"""Watch feeds against a real local HTTP server, and employees forwarding a public comment."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intranet.inbox.workers.scheduler import poll_all
from intranet.models import Case, ExternalComment, Source
from tests.api_helpers import conforms
from tests.inbox_helpers import make_rule, make_source

DATA = Path(__file__).parent / "data"


@pytest.fixture
def feed_server(allow_local_outbound):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(DATA))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_feed_is_polled_once_per_entry(app, cast, session, feed_server):
    make_rule(app, cast.admin, "acme")
    source = make_source(app, cast.admin, "Reviews", connector="feed", network="trustpilot",
                         feed_url=f"{feed_server}/review_feed.xml")
    with app.app_context():
        first = poll_all()
        again = poll_all(force=True)
    assert (first[0].accepted, first[0].error) == (2, "")
    assert (again[0].accepted, again[0].duplicate) == (0, 2)
    stored = session.scalar(select(ExternalComment).where(ExternalComment.external_id == "review-101"))
    assert "Nobody answers" in stored.text and "<p>" not in stored.text
    assert stored.url == "https://reviews.example/acme/101" and stored.posted_at.day == 24
    assert session.scalar(select(func.count()).select_from(Case)) == 1
    with app.app_context():
        assert poll_all() == []  # not due again before its interval
    session.expire_all()
    assert session.get(Source, source.id).last_polled_at is not None


def test_a_feed_that_does_not_parse_is_shown_on_the_source(app, cast, session, feed_server, caplog, web):
    source = make_source(app, cast.admin, "Broken", connector="feed", network="forum",
                         feed_url=f"{feed_server}/not_a_feed.html")
    missing = make_source(app, cast.admin, "Gone", connector="feed", network="forum",
                          feed_url=f"{feed_server}/missing.xml")
    with app.app_context():
        outcomes = {o.slug: o for o in poll_all()}
    error = outcomes[source.slug].error
    assert "not valid RSS or Atom" in error or "not an RSS" in error
    assert "404" in outcomes[missing.slug].error
    session.expire_all()
    assert session.get(Source, source.id).last_error == outcomes[source.slug].error
    assert any(source.slug in r.message for r in caplog.records)
    page = web.login(cast.admin).get("/inbox/admin/sources")
    assert outcomes[source.slug].error.split(":")[0] in page.get_data(as_text=True)


def test_forwarding_twice_is_one_comment_and_opens_a_case(app, cast, web, session):
    web.login(cast.alice)
    body = {"url": "https://social.example/p/42#reply", "text": "Your app lost my transfer!",
            "author": "@someone"}
    first = web.post("/api/v1/inbox/forward", json=body)
    assert first.status_code == 201 and first.get_json()["outcome"] == "case"
    assert conforms(first.get_json(), "ForwardResult")
    again = web.post("/api/v1/inbox/forward", json={**body, "url": "HTTPS://social.example/p/42/"})
    assert again.status_code == 200 and again.get_json()["outcome"] == "duplicate"
    stored = session.scalars(select(ExternalComment)).all()
    assert len(stored) == 1 and stored[0].forwarded_by_id == cast.alice.id
    case = session.scalar(select(Case))
    assert "forwarded" in {r["code"] for r in case.triage["reasons"]}


def test_forward_validates_and_competitor_only_goes_to_the_watch(app, cast, web):
    make_rule(app, cast.admin, "globex", kind="competitor")
    web.login(cast.bob)
    bad = web.post("/api/v1/inbox/forward", json={"url": "javascript:alert(1)", "text": "x"})
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "url"
    empty = web.post("/api/v1/inbox/forward", json={"url": "https://a.example/1", "text": "  "})
    assert empty.status_code == 400 and empty.get_json()["error"]["field"] == "text"
    rival = web.post("/api/v1/inbox/forward", json={"url": "https://a.example/2", "text": "Globex rocks"})
    assert rival.get_json()["outcome"] == "competitor"
    anonymous = app.test_client().post("/api/v1/inbox/forward",
                                       json={"url": "https://a.example/3", "text": "x"})
    assert anonymous.status_code in (400, 401)


def test_cli_poll_reports_each_feed(app, cast, feed_server):
    make_source(app, cast.admin, "Reviews", connector="feed", network="trustpilot",
                feed_url=f"{feed_server}/review_feed.xml")
    make_source(app, cast.admin, "Broken", connector="feed", network="forum",
                feed_url=f"{feed_server}/not_a_feed.html")
    result = app.test_cli_runner().invoke(args=["inbox", "poll"])
    assert result.exit_code == 0
    assert "reviews: 2 new, 0 already known" in result.output and "broken: error:" in result.output
    again = app.test_cli_runner().invoke(args=["inbox", "poll", "--all"])
    assert "reviews: 0 new, 2 already known" in again.output
