"""Digests, read from a real SMTP server: daily or weekly as each person chose, the most active
posts of their groups and the company feed they have not taken part in, the notifications they
chose for the digest, in their language; once per period."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from intranet.actions.comments import do_add_comment, do_add_reaction
from intranet.actions.digest import send_digests
from intranet.actions.mail_prefs import do_set_mail_settings
from intranet.actions.posts import do_create_post
from intranet.models import MailPreference, User, utcnow
from intranet.platform import db
from tests.mail_helpers import html_part, text_part


def _do(app, fn):
    with app.app_context(), db.transaction() as s:
        return fn(s)


def _u(s, who):
    return s.get(User, who.id)


def _post(app, author, group, body):
    def create(s):
        return do_create_post(s, _u(s, author), s.get(type(group), group.id) if group else None, body)
    return _do(app, create)


def _round(app, send_mail, days):
    with app.app_context():
        queued = send_digests(now=utcnow() + timedelta(days=days))
    send_mail()
    return queued


def _activity(app, cast):
    quiet = _post(app, cast.lea, cast.apollo, "A quiet post")
    busy = _post(app, cast.lea, cast.apollo, "The **busy** post")
    company = _post(app, cast.admin, None, "Company news for everyone")
    secret = _post(app, cast.admin, cast.board, "Board secret")
    mine = _post(app, cast.alice, cast.apollo, "My own post")
    for kind in ("like", "love"):
        _do(app, lambda s, kind=kind: do_add_reaction(s, _u(s, cast.lea), s.get(type(busy), busy.id), kind))
    _do(app, lambda s: do_add_comment(s, _u(s, cast.lea), s.get(type(busy), busy.id), "Agreed"))
    return quiet, busy, company, secret, mine


def test_a_weekly_digest_lists_the_most_active_posts_first(app, cast, smtp_server, send_mail):
    *_, company, _secret, _mine = _activity(app, cast)
    assert _round(app, send_mail, days=1) == 0  # weekly by default: not yet
    _round(app, send_mail, days=8)
    [msg] = smtp_server.to("alice@example.com")
    assert msg["Subject"] == "Your weekly digest"
    text = text_part(msg)
    assert text.index("The busy post") < text.index("A quiet post")
    assert "Léa Bernard in Project Apollo (1 comment, 2 reactions)" in text
    assert "Company news for everyone" in text and f"/posts/{company.id}" in text
    assert "Board secret" not in msg.as_string()  # not hers to read
    assert "My own post" not in text
    assert msg["List-Unsubscribe"].startswith("<http://localhost:5000/mail/unsubscribe/")
    assert _round(app, send_mail, days=9) == 0  # once a week


def test_a_daily_digest_in_french_skips_what_i_took_part_in(app, cast, smtp_server, send_mail, session):
    session.execute(update(User).where(User.id == cast.alice.id).values(locale="fr"))
    session.commit()
    _do(app, lambda s: do_set_mail_settings(s, _u(s, cast.alice), digest="daily"))
    _quiet, busy, *_ = _activity(app, cast)
    _do(app, lambda s: do_add_comment(s, _u(s, cast.alice), s.get(type(busy), busy.id), "Me too"))
    _round(app, send_mail, days=2)
    [msg] = smtp_server.to("alice@example.com")
    assert msg["Subject"] == "Votre résumé quotidien"
    assert "The busy post" not in text_part(msg) and "A quiet post" in text_part(msg)
    assert "Arrêter le résumé quotidien" in html_part(msg)


def test_digest_kinds_and_muted_groups(app, cast, smtp_server, send_mail):
    _do(app, lambda s: do_set_mail_settings(s, _u(s, cast.alice), kinds={"mention": "digest"},
                                            groups={cast.apollo.id: "muted"}))
    _post(app, cast.lea, cast.apollo, "Muted group chatter")
    _post(app, cast.lea, cast.apollo, "@alice still a mention")
    _round(app, send_mail, days=8)
    [msg] = smtp_server.to("alice@example.com")
    text = text_part(msg)
    assert "Waiting for you:" in text and "Léa Bernard mentioned you in Project Apollo" in text
    assert "Muted group chatter" not in text


def test_no_digest_when_off_or_nothing_new(app, cast, smtp_server, send_mail, session):
    _do(app, lambda s: do_set_mail_settings(s, _u(s, cast.alice), digest="off"))
    _activity(app, cast)
    _round(app, send_mail, days=8)
    assert smtp_server.to("alice@example.com") == []
    assert smtp_server.to("bob@example.com") != []  # bob sees the company post
    session.expire_all()
    assert session.scalar(select(MailPreference.last_digest_at).where(MailPreference.user_id == cast.bob.id))
    assert _round(app, send_mail, days=16) == 0  # nothing new since
