"""Replies through the source's connector: a real local HTTP receiver checks the signature;
approval, a failed send then a retry (never lost, never sent twice), first-response stamping."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from intranet.inbox.workers import outbound
from intranet.models import Case, CaseReply, ReplyState, utcnow
from intranet.platform import db
from tests.case_helpers import inbox_cast, set_service

JSON = {"Accept": "application/json"}


class Receiver(ThreadingHTTPServer):
    """A network's reply endpoint: records deliveries, verifies signatures, can be told to fail."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.deliveries: list[dict] = []
        self.fail_next = 0
        self.secret = "s3cret"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/replies"


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        server: Receiver = self.server  # type: ignore[assignment]
        body = self.rfile.read(int(self.headers["Content-Length"]))
        stamp = self.headers["X-Intranet-Timestamp"]
        expected = "sha256=" + hmac.new(server.secret.encode(), stamp.encode() + b"." + body,
                                        hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(expected, self.headers["X-Intranet-Signature"])
        if server.fail_next > 0:
            server.fail_next -= 1
            self.send_response(503)
        else:
            server.deliveries.append({"valid": valid, "body": json.loads(body),
                                      "reply_id": self.headers["X-Intranet-Reply-Id"]})
            self.send_response(202 if valid else 401)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def ic(app, cast, receiver, allow_local_outbound) -> SimpleNamespace:
    app.config.update(INBOX_REPLY_BACKOFF=0, INBOX_REPLY_ATTEMPTS=2)
    return inbox_cast(app, cast, reply_url=receiver.url)


def _reply(app, case_id: int) -> CaseReply:
    with app.app_context():
        return db.session().query(CaseReply).filter_by(case_id=case_id).order_by(CaseReply.id.desc()).first()


def test_a_reply_is_signed_and_delivered_after_commit_and_stamps_the_first_response(app, web, ic, receiver):
    web.login(ic.sam)
    resp = web.post(f"/inbox/cases/{ic.case.id}/replies", json={"body": "Sorry! We refund you today."},
                    headers=JSON)
    assert resp.status_code == 201 and resp.get_json()["state"] == "queued"
    assert outbound.sender(app).wait_idle()
    assert len(receiver.deliveries) == 1
    delivery = receiver.deliveries[0]
    assert delivery["valid"]
    assert delivery["body"]["text"] == "Sorry! We refund you today."
    assert delivery["body"]["in_reply_to"].startswith("ext-")
    reply = _reply(app, ic.case.id)
    assert reply.state == ReplyState.SENT and reply.attempts == 1 and reply.sent_at
    assert delivery["reply_id"] == str(reply.id)
    with app.app_context():
        assert db.session().get(Case, ic.case.id).first_response_at == reply.sent_at
    page = web.get(f"/inbox/cases/{ic.case.id}").get_data(as_text=True)
    assert "The reply was delivered to the network." in page


def test_a_failed_send_is_recorded_then_retried_once(app, web, ic, receiver):
    receiver.fail_next = 2  # both attempts of the first send fail
    web.login(ic.sam)
    web.post(f"/inbox/cases/{ic.case.id}/replies", json={"body": "Hello"}, headers=JSON)
    assert outbound.sender(app).wait_idle()
    reply = _reply(app, ic.case.id)
    assert reply.state == ReplyState.FAILED and "503" in reply.error and reply.attempts == 2
    assert receiver.deliveries == []
    with app.app_context():
        assert db.session().get(Case, ic.case.id).first_response_at is None
    assert "Sending the reply failed" in web.get(f"/inbox/cases/{ic.case.id}").get_data(as_text=True)
    retry = f"/inbox/cases/{ic.case.id}/replies/{reply.id}/retry"
    assert web.post(retry, headers=JSON).status_code == 200
    assert outbound.sender(app).wait_idle()
    assert _reply(app, ic.case.id).state == ReplyState.SENT
    assert len(receiver.deliveries) == 1
    # a sent reply cannot be sent again
    again = web.post(retry, headers=JSON)
    assert again.status_code == 409
    outbound.sender(app).put(reply.id)  # even a stray duplicate in the queue is not sent twice
    assert outbound.sender(app).wait_idle()
    assert len(receiver.deliveries) == 1


def test_approval_flow_holds_the_reply_until_a_lead_approves(app, cast, web, make_web, ic, receiver):
    set_service(app, cast.service, require_approval=True)
    web.login(ic.sam)
    resp = web.post(f"/inbox/cases/{ic.case.id}/replies", json={"body": "We are on it"}, headers=JSON)
    assert resp.get_json()["state"] == "pending_approval"
    assert outbound.sender(app).wait_idle()
    assert receiver.deliveries == []
    reply = _reply(app, ic.case.id)
    approve = f"/inbox/cases/{ic.case.id}/replies/{reply.id}/approve"
    assert web.post(approve, headers=JSON).status_code == 403  # an agent is not a lead
    admin = make_web().login(cast.admin)
    assert admin.post(approve, headers=JSON).status_code == 200
    assert outbound.sender(app).wait_idle()
    assert len(receiver.deliveries) == 1 and _reply(app, ic.case.id).approved_by_id == cast.admin.id
    assert admin.post(approve, headers=JSON).status_code == 409
    # a rejected reply never leaves
    web.post(f"/inbox/cases/{ic.case.id}/replies", json={"body": "Oops, wrong tone"}, headers=JSON)
    second = _reply(app, ic.case.id)
    reject = admin.post(f"/inbox/cases/{ic.case.id}/replies/{second.id}/reject", headers=JSON)
    assert reject.status_code == 200
    assert outbound.sender(app).wait_idle()
    assert _reply(app, ic.case.id).state == ReplyState.REJECTED and len(receiver.deliveries) == 1


def test_a_reply_that_fails_validation_writes_nothing(app, web, ic, receiver):
    web.login(ic.sam)
    resp = web.post(f"/inbox/cases/{ic.case.id}/replies", json={"body": "   "}, headers=JSON)
    assert resp.status_code == 400 and resp.get_json()["error"]["field"] == "body"
    assert _reply(app, ic.case.id) is None


def test_a_reply_stranded_in_the_queue_can_be_sent_again(app, web, ic, receiver):
    """A process stopped between the commit and the send: after a while the page offers to
    send the reply again, and it leaves once."""

    with app.app_context(), db.transaction() as s:
        s.add(CaseReply(case_id=ic.case.id, author_id=ic.sam.id, body="Stranded", state=ReplyState.SENDING,
                        attempts=1, created_at=utcnow() - timedelta(minutes=30)))
    reply = _reply(app, ic.case.id)
    web.login(ic.sam)
    retry = f"/inbox/cases/{ic.case.id}/replies/{reply.id}/retry"
    assert f'action="{retry}"' in web.get(f"/inbox/cases/{ic.case.id}").get_data(as_text=True)
    assert web.post(retry, headers=JSON).status_code == 200
    assert outbound.sender(app).wait_idle()
    assert _reply(app, ic.case.id).state == ReplyState.SENT
    assert [d["body"]["text"] for d in receiver.deliveries] == ["Stranded"]
