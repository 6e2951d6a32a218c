"""The mail outbox and its sender against a real SMTP server (aiosmtpd, tests/mail_helpers.py):
content, nothing sent without a server, retries with back-off after the server was down, 5xx
refusals, and each mail sent once by two senders at once or after a sender died mid-round."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from intranet import create_app
from intranet.actions.mail import queue_mail
from intranet.models import MailOutbox, MailStatus, utcnow
from intranet.platform import db
from intranet.platform.errors import Invalid
from intranet.platform.mail import outbox
from intranet.platform.mail.sender import SenderThread, backoff, send_all, send_due
from tests.mail_helpers import html_part, text_part


def _queue(app, n=1, **kw):
    with app.app_context(), db.transaction() as s:
        for i in range(n):
            queue_mail(s, to=kw.get("to", f"person{i}@example.com"), subject=kw.get("subject", f"Hello {i}"),
                       text=kw.get("text", f"Body {i}"), html=kw.get("html"), kind=kw.get("kind", "system"),
                       headers=kw.get("headers"))


def _rows(session):
    session.expire_all()
    return session.scalars(select(MailOutbox).order_by(MailOutbox.id)).all()


def test_a_mail_carries_its_text_html_and_headers(app, smtp_server, send_mail, session):
    _queue(app, to="alice@example.com", subject="Réunion\r\nBcc: evil@example.com demain",
           text="Bonjour Alice,\nà demain.", html="<p>Bonjour <b>Alice</b>, à demain.</p>",
           headers={"List-Unsubscribe": "<https://intranet.example/u/abc>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    assert send_mail() == 1
    [msg] = smtp_server.messages
    assert msg["Subject"] == "Réunion Bcc: evil@example.com demain"  # folded: no header injected
    assert msg["Bcc"] is None
    assert msg["To"] == "alice@example.com"
    assert msg["From"].addresses[0].addr_spec == "intranet@example.com"
    assert msg["List-Unsubscribe"] == "<https://intranet.example/u/abc>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg.get_content_type() == "multipart/alternative"
    assert text_part(msg).strip() == "Bonjour Alice,\nà demain."
    assert "<b>Alice</b>" in html_part(msg)
    [row] = _rows(session)
    assert row.status == MailStatus.SENT and row.attempts == 1 and row.sent_at is not None
    assert msg["Message-ID"].startswith(f"<intranet.mail.{row.id}.")
    assert smtp_server.envelopes == [("intranet@example.com", ["alice@example.com"])]


def test_text_only_mail_is_a_single_part(app, smtp_server, send_mail):
    _queue(app, text="Just text")
    assert send_mail() == 1
    assert smtp_server.messages[0].get_content_type() == "text/plain"


def test_queued_mail_is_part_of_the_callers_transaction(app, smtp_server, send_mail, session):
    with pytest.raises(RuntimeError), app.app_context(), db.transaction() as s:
        queue_mail(s, to="alice@example.com", subject="Never", text="rolled back")
        raise RuntimeError("the action failed")
    assert _rows(session) == []
    assert send_mail() == 0 and smtp_server.messages == []


@pytest.mark.parametrize("address", ["nobody", "a@b", "x y@example.com", "a@example.com\nBcc: b@c.d", ""])
def test_a_bad_address_is_refused_when_queued(app, address):
    with pytest.raises(Invalid), app.app_context(), db.transaction() as s:
        queue_mail(s, to=address, subject="s", text="t")


def test_without_a_server_nothing_is_sent_and_mails_wait(app, send_mail, session):
    _queue(app, 2)
    assert send_mail() == 0
    assert [r.status for r in _rows(session)] == [MailStatus.PENDING] * 2
    assert all(r.attempts == 0 for r in _rows(session))
    result = app.test_cli_runner().invoke(args=["mail", "status"])
    assert "no SMTP server configured" in result.output
    assert "pending: 2" in result.output
    assert "until INTRANET_MAIL_SERVER is set" in result.output
    listing = app.test_cli_runner().invoke(args=["mail", "list"]).output
    assert "pending  system       person1@example.com: Hello 1" in listing


def test_a_server_that_was_down_gets_the_mail_on_a_later_try(app, smtp_server, send_mail, session):
    smtp_server.stop()
    _queue(app, to="bob@example.com")
    assert send_mail() == 0
    [row] = _rows(session)
    assert row.status == MailStatus.PENDING and row.attempts == 1
    assert "connecting to 127.0.0.1" in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=20)  # MAIL_RETRY_SECONDS: 30
    assert send_mail() == 0  # not due yet, even with the server back
    smtp_server.start()
    assert send_mail() == 0 and smtp_server.messages == []
    session.execute(update(MailOutbox).values(next_attempt_at=utcnow()))  # the retry comes due
    session.commit()
    assert send_mail() == 1
    [row] = _rows(session)
    assert row.status == MailStatus.SENT and row.attempts == 2 and row.last_error is None
    assert [m["To"] for m in smtp_server.messages] == ["bob@example.com"]


def test_back_off_doubles_up_to_an_hour():
    assert [backoff(n, 30).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(20, 30).total_seconds() == 3600


def test_the_last_allowed_try_marks_the_mail_failed(app, smtp_server, send_mail, session):
    app.config.update(MAIL_MAX_ATTEMPTS=2, MAIL_RETRY_SECONDS=0)
    smtp_server.stop()
    _queue(app)
    send_mail()
    assert _rows(session)[0].status == MailStatus.PENDING
    send_mail()
    [row] = _rows(session)
    assert row.status == MailStatus.FAILED and row.attempts == 2
    smtp_server.start()
    assert send_mail() == 0 and smtp_server.messages == []


def test_a_refused_recipient_fails_at_once(app, smtp_server, send_mail, session):
    smtp_server.refuse = True
    _queue(app, to="gone@example.com")
    assert send_mail() == 0
    [row] = _rows(session)
    assert row.status == MailStatus.FAILED and "550" in row.last_error


def test_two_senders_send_each_mail_once(app, smtp_server, database_url, tmp_path, session):
    """Two apps on one database, as two worker processes would be, each sending in its own
    thread until nothing is due: every mail arrives exactly once."""
    _queue(app, 60)
    app.config["MAIL_BATCH"] = 5
    other = create_app({**app.config, "SEARCH_INDEX_DIR": str(tmp_path / "index2")})
    counts: list[int] = []
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def run(a):
        try:
            with a.app_context():
                start.wait()
                counts.append(send_all())
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in (app, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with other.app_context():
        db.engine().dispose()
    assert failures == []
    assert sum(counts) == 60
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == 60 and len(set(ids)) == 60
    assert {r.status for r in _rows(session)} == {MailStatus.SENT}
    assert {r.attempts for r in _rows(session)} == {1}


def test_a_sender_that_died_mid_round_leaves_its_mails_to_the_next(app, smtp_server, send_mail, session):
    _queue(app, 3)
    with app.app_context():
        token, _lease, claimed = outbox.claim(2, 300)  # a sender claims two, then dies
    assert len(claimed) == 2
    assert send_mail() == 1  # the third; the two are leased
    session.execute(update(MailOutbox).where(MailOutbox.claim == token)
                    .values(lease_until=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert send_mail() == 2
    with app.app_context():
        assert not outbox.mark_sent(token, claimed[0].id)  # the dead sender's claim is void
    assert len(smtp_server.messages) == 3
    assert {r.status for r in _rows(session)} == {MailStatus.SENT}


def test_a_commit_that_queues_mail_wakes_the_sender_thread(app, smtp_server):
    sender = SenderThread(app, poll=3600)
    app.extensions["intranet.mail.thread"] = sender
    sender.start()
    try:
        _queue(app, to="carol@example.com")
        assert smtp_server.wait_for(1), "the commit did not wake the sender"
    finally:
        assert sender.stop(wait=30)
    assert smtp_server.messages[0]["To"] == "carol@example.com"


def test_send_due_claims_at_most_a_batch(app, smtp_server, session):
    app.config["MAIL_BATCH"] = 2
    _queue(app, 5)
    with app.app_context():
        assert send_due() == 2
        assert send_all() == 3
    assert len(smtp_server.messages) == 5
