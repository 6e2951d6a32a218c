"""Notification mails, read from a real SMTP server: what is still unread after the delay,
one mail per person per round, in their language, only what they may still read, with links
and a one-kind unsubscribe link that works without logging in."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from intranet.actions.comments import do_add_comment
from intranet.actions.groups import do_join_group, do_remove_member, do_set_member
from intranet.actions.mail_prefs import do_set_mail_settings
from intranet.actions.messaging import do_send_message, do_start_conversation
from intranet.actions.notification_mail import send_notification_mails
from intranet.actions.posts import do_acknowledge, do_create_post
from intranet.models import MailKindSetting, MailMode, Notification, NotificationKind, User, utcnow
from intranet.platform import db
from tests.mail_helpers import html_part, text_part

LATER = timedelta(minutes=11)  # past MAIL_DELAY_SECONDS (600)


def _do(app, fn):
    with app.app_context(), db.transaction() as s:
        return fn(s)


def _get(s, obj):
    return s.get(type(obj), obj.id)


def _post(app, author, group, body, **kw):
    return _do(app, lambda s: do_create_post(s, _get(s, author), _get(s, group) if group else None, body,
                                             **kw))


def _mail_round(app, send_mail, now=None):
    with app.app_context():
        queued = send_notification_mails(now=now or utcnow() + LATER)
    send_mail()
    return queued


def test_an_unread_mention_is_mailed_after_the_delay(app, cast, smtp_server, send_mail):
    post = _post(app, cast.lea, cast.apollo, "@alice can you check the **launch** plan?")
    assert _mail_round(app, send_mail, now=utcnow()) == 0  # not yet: alice may still see it live
    assert _mail_round(app, send_mail) == 1
    [msg] = smtp_server.to("alice@example.com")
    assert msg["Subject"] == "Léa Bernard mentioned you in Project Apollo"
    text = text_part(msg)
    assert "Hello Alice Martin," in text
    assert "can you check the launch plan?" in text
    assert f"http://localhost:5000/posts/{post.id}" in text
    assert f'href="http://localhost:5000/posts/{post.id}"' in html_part(msg)
    assert msg["List-Unsubscribe"].startswith("<http://localhost:5000/mail/unsubscribe/")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _mail_round(app, send_mail) == 0  # mailed once
    assert len(smtp_server.messages) == 1


def test_what_was_read_in_time_is_not_mailed(app, cast, smtp_server, send_mail, session):
    _post(app, cast.lea, cast.apollo, "@alice hello")
    session.execute(update(Notification).values(read_at=utcnow()))
    session.commit()
    assert _mail_round(app, send_mail) == 0
    assert smtp_server.messages == []


def test_read_notifications_are_settled_at_once_and_unread_ones_still_mailed(app, cast, smtp_server,
                                                                             send_mail, session):
    mine = _post(app, cast.alice, cast.apollo, "My plan for the launch")
    _do(app, lambda s: do_add_comment(s, _get(s, cast.lea), _get(s, mine), "Looks good"))
    _post(app, cast.lea, cast.apollo, "@alice one more thing")
    session.execute(update(Notification).where(Notification.kind == NotificationKind.COMMENT)
                    .values(read_at=utcnow()))
    session.commit()
    assert _mail_round(app, send_mail) == 1
    [msg] = smtp_server.to("alice@example.com")
    assert msg["Subject"] == "Léa Bernard mentioned you in Project Apollo"  # the comment, read, is not in it
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.mailed_at.is_(None))) == 0


def test_several_notifications_make_one_mail(app, cast, smtp_server, send_mail):
    mine = _post(app, cast.alice, cast.apollo, "My plan for the launch")
    _post(app, cast.lea, cast.apollo, "@alice first question")
    _do(app, lambda s: do_add_comment(s, _get(s, cast.lea), _get(s, mine), "Looks good"))
    conv, _new = _do(app, lambda s: do_start_conversation(s, _get(s, cast.bob), [cast.alice.id]))
    _do(app, lambda s: do_send_message(s, _get(s, cast.bob), _get(s, conv), "Lunch at noon?"))
    assert _mail_round(app, send_mail) == 1
    [msg] = smtp_server.to("alice@example.com")
    assert msg["Subject"] == "3 new notifications"
    text = text_part(msg)
    assert "Léa Bernard mentioned you in Project Apollo" in text
    assert "Léa Bernard commented on your post" in text and "Looks good" in text
    assert "Bob Durand sent you new messages" in text and "Lunch at noon?" in text
    assert f"/messages/{conv.id}" in text


def test_the_mail_is_in_the_persons_language(app, cast, smtp_server, send_mail, session):
    session.execute(update(User).where(User.id == cast.alice.id).values(locale="fr"))
    session.commit()
    _post(app, cast.lea, cast.apollo, "@alice une question")
    _mail_round(app, send_mail)
    [msg] = smtp_server.to("alice@example.com")
    assert msg["Subject"] == "Léa Bernard vous a mentionné dans Project Apollo"
    assert "Bonjour Alice Martin," in text_part(msg)
    assert "Se désabonner" in html_part(msg)
    assert '<html lang="fr">' in html_part(msg)


def test_content_of_a_group_the_person_left_is_never_mailed(app, cast, smtp_server, send_mail):
    _post(app, cast.lea, cast.apollo, "@alice secret roadmap")
    _post(app, cast.bob, cast.coffee, "@alice espresso or latte?")
    _do(app, lambda s: do_remove_member(s, _get(s, cast.lea), _get(s, cast.apollo), _get(s, cast.alice)))
    assert _mail_round(app, send_mail) == 1
    [msg] = smtp_server.to("alice@example.com")
    assert "espresso or latte?" in text_part(msg)
    assert "secret roadmap" not in msg.as_string() and "Apollo" not in msg.as_string()


def test_unsubscribing_stops_one_kind_without_logging_in(app, cast, smtp_server, send_mail, make_web,
                                                         session):
    _post(app, cast.lea, cast.apollo, "@alice one")
    _mail_round(app, send_mail)
    link = re.search(r"<(http://localhost:5000(/mail/unsubscribe/[^>]+))>",
                     smtp_server.messages[0]["List-Unsubscribe"]).group(2)
    anonymous = make_web()
    page = anonymous.get(link)
    assert page.status_code == 200 and "Stop the mails about Mentions of me?" in page.get_data(as_text=True)
    assert session.scalar(select(MailKindSetting.mode)) is None  # looking is not unsubscribing
    one_click = anonymous.raw.post(link, data={"List-Unsubscribe": "One-Click"})  # as a mail client: no CSRF
    assert one_click.status_code == 200
    assert session.scalar(select(MailKindSetting.mode).where(
        MailKindSetting.user_id == cast.alice.id, MailKindSetting.kind == "mention")) == MailMode.NEVER
    _post(app, cast.lea, cast.apollo, "@alice two")
    mine = _post(app, cast.alice, cast.apollo, "a post of mine")
    _do(app, lambda s: do_add_comment(s, _get(s, cast.lea), _get(s, mine), "a comment"))
    _mail_round(app, send_mail)
    second = smtp_server.to("alice@example.com")[1]
    assert "commented on your post" in text_part(second) and "two" not in text_part(second)
    assert anonymous.get(link[:-3] + "xyz").status_code == 404  # a forged token


def test_a_muted_group_sends_only_mentions_in_app_and_by_mail(app, cast, smtp_server, send_mail, session):
    group = cast.marketing_group
    _do(app, lambda s: do_set_member(s, _get(s, cast.admin), _get(s, group), _get(s, cast.alice), "member"))
    _do(app, lambda s: do_set_mail_settings(s, _get(s, cast.alice), groups={group.id: "muted"}))
    _post(app, cast.lea, cast.marketing_group, "All hands on Friday", announcement=True)
    _post(app, cast.lea, cast.marketing_group, "@alice please prepare slides")
    kinds = session.scalars(select(Notification.kind).where(Notification.user_id == cast.alice.id)).all()
    assert kinds == [NotificationKind.MENTION]
    _mail_round(app, send_mail)
    [msg] = smtp_server.to("alice@example.com")
    assert "please prepare slides" in text_part(msg)


def test_mentions_only_keeps_other_kinds_out_of_the_mail(app, cast, smtp_server, send_mail):
    _do(app, lambda s: do_set_mail_settings(s, _get(s, cast.alice), groups={cast.apollo.id: "mentions"}))
    mine = _post(app, cast.alice, cast.apollo, "draft")
    _do(app, lambda s: do_add_comment(s, _get(s, cast.lea), _get(s, mine), "a comment"))
    assert _mail_round(app, send_mail) == 0
    _post(app, cast.lea, cast.apollo, "@alice now you")
    assert _mail_round(app, send_mail) == 1


def test_an_announcement_is_mailed_until_acknowledged_even_when_read(app, cast, smtp_server, send_mail,
                                                                    session):
    first = _post(app, cast.lea, cast.apollo, "Read the new policy", announcement=True)
    session.execute(update(Notification).values(read_at=utcnow()))
    session.commit()
    assert _mail_round(app, send_mail) == 1
    assert "posted an announcement" in text_part(smtp_server.to("alice@example.com")[0])
    _post(app, cast.lea, cast.apollo, "Second policy", announcement=True)
    _do(app, lambda s: do_acknowledge(s, _get(s, cast.alice), _get(s, first)))
    second = _post(app, cast.lea, cast.apollo, "Third", announcement=True)
    _do(app, lambda s: do_acknowledge(s, _get(s, cast.alice), _get(s, second)))
    before = len(smtp_server.messages)
    _mail_round(app, send_mail)
    assert len(smtp_server.to("alice@example.com")) == 2  # "Second policy" only; "Third" acknowledged
    assert "Second policy" in text_part(smtp_server.messages[before])


def test_never_and_digest_kinds_are_not_mailed_now(app, cast, smtp_server, send_mail):
    _do(app, lambda s: do_set_mail_settings(s, _get(s, cast.alice), kinds={"mention": "digest"}))
    _post(app, cast.lea, cast.apollo, "@alice for the digest")
    assert _mail_round(app, send_mail) == 0


def test_a_deactivated_person_gets_no_mail(app, cast, smtp_server, send_mail, session):
    _post(app, cast.lea, cast.apollo, "@alice hi")
    session.execute(update(User).where(User.id == cast.alice.id).values(is_active_account=False))
    session.commit()
    assert _mail_round(app, send_mail) == 0


def test_a_delay_of_zero_mails_at_once(app, cast, smtp_server, send_mail):
    app.config["MAIL_DELAY_SECONDS"] = 0
    _post(app, cast.lea, cast.apollo, "@alice now")
    assert _mail_round(app, send_mail, now=utcnow()) == 1


def test_a_join_request_is_mailed_to_the_groups_leads(app, cast, smtp_server, send_mail):
    _do(app, lambda s: do_join_group(s, _get(s, cast.bob), _get(s, cast.apollo), "I can help"))
    assert _mail_round(app, send_mail) == 1
    [msg] = smtp_server.to("lea@example.com")
    assert msg["Subject"] == "Bob Durand asks to join Project Apollo"
    assert f"/groups/{cast.apollo.id}/members" in text_part(msg)


def test_a_long_batch_shows_fifteen_items_and_counts_the_rest(app, cast, smtp_server, send_mail):
    for n in range(18):
        _post(app, cast.lea, cast.apollo, f"@alice question {n}")
    _mail_round(app, send_mail)
    [msg] = smtp_server.to("alice@example.com")
    assert msg["Subject"] == "18 new notifications"
    text = text_part(msg)
    assert "question 14" in text and "question 15" not in text
    assert "… and 3 more" in text and "/notifications" in text
