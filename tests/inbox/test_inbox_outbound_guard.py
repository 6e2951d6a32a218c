"""The inbox's outbound addresses under the guard: refused on the form when private, refused
again when polled or posted to, and allowed through ``OUTBOUND_ALLOW``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from intranet.inbox.workers import outbound as reply_sender
from intranet.inbox.workers.scheduler import poll_all
from intranet.models import CaseReply, ReplyState, Source
from intranet.platform import db
from tests.case_helpers import inbox_cast
from tests.inbox_helpers import make_source
from tests.outbound_helpers import Receiver, serve

JSON = {"Accept": "application/json"}
SOURCE = {"name": "Reviews", "network": "forum", "connector": "feed", "poll_minutes": "15", "active": "y"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = serve()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("field", ["feed_url", "reply_url"])
def test_an_admin_saving_a_private_address_gets_a_form_error(app, cast, web, session, receiver, field):
    web.login(cast.admin)
    for url in (receiver.url(), "http://localhost/feed", "http://169.254.169.254/", "http://[::1]/",
                "http://[::ffff:127.0.0.1]/", "http://10.0.0.1/x"):
        data = {**SOURCE, "feed_url": "https://a.invalid/f", field: url}
        page = web.post("/inbox/admin/sources", data=data)
        assert page.status_code == 400
        assert "INTRANET_OUTBOUND_ALLOW" in page.get_data(as_text=True)
        answer = web.post("/inbox/admin/sources", headers=JSON, data=data)
        assert answer.status_code == 400 and answer.get_json()["error"]["field"] == field
    assert session.scalars(select(Source)).all() == [] and receiver.seen == []
    app.config["OUTBOUND_ALLOW"] = ("127.0.0.1",)
    created = web.post("/inbox/admin/sources", data={**SOURCE, "feed_url": "https://a.invalid/f",
                                                     field: receiver.url()})
    assert created.status_code == 302
    assert getattr(session.scalar(select(Source)), field) == receiver.url()


def test_editing_a_source_to_a_private_address_changes_nothing(app, cast, web, session):
    source = make_source(app, cast.admin, "Reviews", connector="feed", network="forum",
                         feed_url="https://reviews.invalid/feed.rss")
    web.login(cast.admin)
    page = web.post(f"/inbox/admin/sources/{source.id}",
                    data={**SOURCE, "feed_url": "http://169.254.169.254/latest/meta-data"})
    assert page.status_code == 400 and "169.254.169.254" in page.get_data(as_text=True)
    session.expire_all()
    assert session.get(Source, source.id).feed_url == "https://reviews.invalid/feed.rss"


def test_a_feed_allowed_then_no_longer_allowed_is_refused_when_polled(app, cast, session, receiver):
    app.config["OUTBOUND_ALLOW"] = ("127.0.0.1",)
    source = make_source(app, cast.admin, "Local", connector="feed", network="forum",
                         feed_url=receiver.url("/feed.xml"))
    app.config["OUTBOUND_ALLOW"] = ()
    with app.app_context():
        outcome = poll_all()[0]
    assert "INTRANET_OUTBOUND_ALLOW" in outcome.error and receiver.seen == []
    session.expire_all()
    assert "INTRANET_OUTBOUND_ALLOW" in session.get(Source, source.id).last_error


def test_a_feed_that_redirects_into_the_network_is_refused(app, cast, receiver):
    app.config["OUTBOUND_ALLOW"] = (f"127.0.0.1:{receiver.server_address[1]}",)
    make_source(app, cast.admin, "Hop", connector="feed", network="forum",
                feed_url=receiver.url("/to?http://10.0.0.1/feed.xml"))
    with app.app_context():
        outcome = poll_all()[0]
    assert "10.0.0.1" in outcome.error and len(receiver.seen) == 1


def test_a_reply_to_a_private_address_fails_with_the_reason_and_sends_nothing(app, cast, web, receiver):
    ic = inbox_cast(app, cast, reply_url=receiver.url("/replies"))  # stored before the guard existed
    app.config.update(INBOX_REPLY_BACKOFF=0, INBOX_REPLY_ATTEMPTS=1)
    web.login(ic.sam)
    sent = web.post(f"/inbox/cases/{ic.case.id}/replies", json={"body": "Hello"}, headers=JSON)
    assert sent.status_code == 201
    assert reply_sender.sender(app).wait_idle()
    with app.app_context():
        reply = db.session().scalar(select(CaseReply).where(CaseReply.case_id == ic.case.id))
    assert reply.state == ReplyState.FAILED and "INTRANET_OUTBOUND_ALLOW" in reply.error
    assert receiver.seen == []
