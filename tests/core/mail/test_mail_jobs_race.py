"""Two mail workers running the same job at the same moment (two web servers' sender threads, or
a thread and `flask mail worker`): each person still gets one mail. The jobs compose first and
claim last with a conditional UPDATE (or the first digest's INSERT), so the loser's claim fails
and its mail is dropped, never sent twice."""

from __future__ import annotations

import threading
from datetime import timedelta

from intranet.actions.comments import do_add_comment
from intranet.actions.digest import send_digests
from intranet.actions.notification_mail import send_notification_mails
from intranet.actions.posts import do_create_post
from intranet.models import Post, User, utcnow
from intranet.platform import db


def _do(app, fn):
    with app.app_context(), db.transaction() as s:
        return fn(s)


def _race(app, job) -> list[int]:
    """``job`` in two threads released together; what each returned (an exception fails)."""
    start, results, errors = threading.Barrier(2), [], []

    def run() -> None:
        with app.app_context():
            start.wait()
            try:
                results.append(job())
            except Exception as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(results) == 2
    return results


def test_two_notification_mailers_at_once_mail_each_person_once(app, cast, smtp_server, send_mail):
    def activity(s):
        lea, alice = s.get(User, cast.lea.id), s.get(User, cast.alice.id)
        mine = do_create_post(s, alice, None, "My plan")
        do_create_post(s, lea, s.get(type(cast.apollo), cast.apollo.id), "@alice please review")
        do_add_comment(s, s.get(User, cast.bob.id), mine, "Looks good")
        bobs = do_create_post(s, s.get(User, cast.bob.id), None, "Coffee at ten")
        do_add_comment(s, lea, bobs, "Count me in")
    _do(app, activity)
    later = utcnow() + timedelta(minutes=11)
    assert sum(_race(app, lambda: send_notification_mails(now=later))) == 2  # alice's and bob's
    send_mail()
    assert len(smtp_server.to("alice@example.com")) == 1 and len(smtp_server.to("bob@example.com")) == 1
    assert len(smtp_server.messages) == 2


def test_two_digest_workers_at_once_send_each_digest_once(app, cast, smtp_server, send_mail):
    _do(app, lambda s: do_create_post(s, s.get(User, cast.admin.id), None, "Company news for everyone"))
    later = utcnow() + timedelta(days=8)
    queued = sum(_race(app, lambda: send_digests(now=later)))
    send_mail()
    with app.app_context():
        readers = [u.email for u in db.session.query(User) if u.id != cast.admin.id and u.is_active_account]
        assert db.session.query(Post).count() == 1
    assert len(readers) >= 3 and queued == len(smtp_server.messages) == len(readers)
    for address in readers:  # everyone but the author reads about the company post, once
        assert len(smtp_server.to(address)) == 1, address
