"""The demo's reply receiver (`flask demo-receiver`, started by `make run`): it wires the demo's
webhook sources to itself through the outbound guard, then a reply an agent sends from the case
page is delivered, signed, and recorded as sent; other sources stay unable to reply."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from intranet.demo import receiver as demo_receiver
from intranet.inbox.actions.settings import do_save_source
from intranet.inbox.connectors.webhook import sign
from intranet.inbox.workers import outbound
from intranet.models import CaseReply, ReplyState, Source, User
from intranet.platform import db
from intranet.platform.errors import DomainError
from tests.case_helpers import make_agent, make_case

JSON = {"Accept": "application/json"}


def _demo_sources(app, admin_id: int) -> dict[str, Source]:
    """The demo's X (webhook) and Trustpilot (import) sources, as `flask demo` saves them."""
    with app.app_context(), db.transaction() as s:
        admin = s.get(User, admin_id)
        x = do_save_source(s, admin, None, name="X (mentions)", network="x", connector="webhook")
        trustpilot = do_save_source(s, admin, None, name="Trustpilot", network="trustpilot",
                                    connector="import")
        return {"x": x, "trustpilot": trustpilot}


@pytest.fixture
def running(app):
    server = demo_receiver.start(app, "127.0.0.1", 0)
    yield server
    server.shutdown()
    server.server_close()


def test_the_demo_replies_reach_the_receiver(app, cast, web, running, allow_local_outbound):
    app.config.update(INBOX_REPLY_BACKOFF=0)
    sources = _demo_sources(app, cast.admin.id)
    base = f"http://127.0.0.1:{running.server_address[1]}/replies"
    with app.app_context():
        assert demo_receiver.wire_demo_sources(base) == ["X (mentions)"]
        assert demo_receiver.wire_demo_sources(base) == []  # once
        assert db.session().get(Source, sources["trustpilot"].id).reply_url == ""
    agent = make_agent(app, "sam@example.com", "Sam Agent", cast.service)
    case = make_case(app, sources["x"], cast.service)
    quiet = make_case(app, sources["trustpilot"], cast.service)
    web.login(agent)
    assert "cannot send replies" not in web.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert "cannot send replies" in web.get(f"/inbox/cases/{quiet.id}").get_data(as_text=True)
    resp = web.post(f"/inbox/cases/{case.id}/replies", json={"body": "Bonjour, c'est réglé !"}, headers=JSON)
    assert resp.status_code == 201
    assert outbound.sender(app).wait_idle()
    with app.app_context():
        reply = db.session().query(CaseReply).filter_by(case_id=case.id).one()
        assert reply.state == ReplyState.SENT and reply.error == ""
    [got] = list(running.received)
    assert got["text"] == "Bonjour, c'est réglé !" and got["case_id"] == case.id
    assert got["source"] == sources["x"].slug


def test_the_receiver_refuses_unsigned_and_unknown(app, cast, running):
    sources = _demo_sources(app, cast.admin.id)
    base = f"http://127.0.0.1:{running.server_address[1]}/replies"
    body = json.dumps({"text": "hi"}).encode()

    def post(path: str, headers: dict[str, str]) -> int:
        request = urllib.request.Request(base + path, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    good = sign(sources["x"].secret, body, int(time.time()))
    assert post(f"/{sources['x'].slug}", good) == 200
    assert post(f"/{sources['x'].slug}", sign("wrong", body, int(time.time()))) == 401
    assert post("/no-such-source", good) == 404
    assert [r["text"] for r in running.received] == ["hi"]


def test_wiring_is_refused_in_words_when_the_guard_does_not_allow_the_receiver(app, cast):
    _demo_sources(app, cast.admin.id)
    app.config["OUTBOUND_ALLOW"] = ()
    with app.app_context(), pytest.raises(DomainError) as refused:
        demo_receiver.wire_demo_sources("http://127.0.0.1:5001/replies")
    assert "INTRANET_OUTBOUND_ALLOW" in refused.value.message
