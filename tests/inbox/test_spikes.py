"""Spike alerts through the database and the worker, with a clock the test moves: a surge is
flagged within 15 minutes, its service's leads are told in the app and by mail, a crisis thread
opens in one click; a simulated month of the demo's normal traffic raises no alert."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from intranet.actions.mail_prefs import do_set_mail_settings
from intranet.actions.notification_mail import send_notification_mails
from intranet.demo.inbox import BRAND
from intranet.inbox.actions.ingest import do_ingest
from intranet.inbox.actions.spikes import do_check_spikes
from intranet.inbox.connectors.items import parse_item
from intranet.inbox.queries.rules import load_pipeline
from intranet.inbox.workers.spikes import check_spikes
from intranet.models import Notification, NotificationKind, Post, Source, Spike, User, utcnow
from intranet.platform import db
from tests.inbox_helpers import comment, deliver, make_route, make_rule, make_source
from tests.mail_helpers import text_part
from tests.spike_helpers import demo_traffic

SURGE = ["@AcmeCuisine ma Cafetière Connect a brûlé, de la fumée partout !",
         "Cafetière Connect Acme : fumée noire et odeur de brûlé ce matin",
         "Acme votre cafetière a brûlé mon plan de travail, fumée, c'est dangereux",
         "Same here, my Acme Cafetière Connect started smoking, burnt smell everywhere"]


def _setup(app, cast):
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, BRAND, name="Acme (brand)")
    make_route(app, cast.lea, cast.marketing, "Everything Acme", query="acme", position=1)  # Léa leads it
    return source


def _replay(app, source, start, days):
    """The demo's traffic, through the real ingest path, at the time it was "posted"."""
    with app.app_context(), db.transaction() as s:
        row, pipeline = s.get(Source, source.id), load_pipeline(s)
        for n, (at, (_key, author, followers, lang, _hours, text)) in enumerate(demo_traffic(start, days)):
            item = parse_item({"external_id": f"t{n}", "author": author, "followers": followers,
                               "lang": lang, "text": text, "posted_at": at.isoformat()})
            do_ingest(s, row, [item], pipeline=pipeline, now=at, live=False)


def test_a_surge_is_flagged_within_15_minutes_and_its_leads_are_told(app, cast, session, web, smtp_server,
                                                                     send_mail):
    source = _setup(app, cast)
    start = utcnow().replace(second=0, microsecond=0) - timedelta(hours=1)
    _replay(app, source, start - timedelta(days=15), 15)
    with app.app_context():
        assert check_spikes(start) == []  # the usual traffic
    client, flagged = app.test_client(), None
    for minute in range(1, 31):  # two angry comments a minute, the clock moving with them
        at = start + timedelta(minutes=minute)
        deliver(client, source, [comment(f"s{minute}-{i}", SURGE[(minute + i) % 4],
                                         posted_at=(at - timedelta(seconds=20 * i)).isoformat())
                                 for i in range(2)])
        with app.app_context():
            if check_spikes(at):
                flagged = minute
                break
    assert flagged is not None and flagged <= 15
    spike = session.scalars(select(Spike)).one()
    assert spike.count >= 10 and spike.baseline < 3 and spike.department_ids == [cast.marketing.id]
    assert {"fumee", "brule"} <= set(spike.words) and "acme" not in spike.words
    assert spike.sources == [["X mentions", spike.count]] and len(spike.comment_ids) == 5

    told = session.scalars(select(Notification).where(Notification.kind == NotificationKind.INBOX_SPIKE))
    assert [(n.user_id, n.group_id) for n in told.all()] == [(cast.lea.id, cast.marketing_group.id)]
    with app.app_context():  # the notification mailer, ten minutes on, through the real SMTP server
        assert send_notification_mails(now=start + timedelta(minutes=flagged + 11)) == 1
    assert send_mail() == 1
    [msg] = smtp_server.to("lea@example.com")
    assert msg["Subject"] == "Surge of comments: Acme (brand)"
    assert f"/inbox/spikes/{spike.id}" in text_part(msg) and "fumee" in text_part(msg)

    with app.app_context():  # the surge goes on: one alert, not one a minute
        assert check_spikes(start + timedelta(minutes=flagged + 1)) == []

    page = web.login(cast.lea).get(f"/inbox/spikes/{spike.id}").get_data(as_text=True)
    assert "fumee" in page and "Open a crisis thread" in page and "Cafetière Connect" in page
    assert "A surge of comments concerns Marketing" in web.get("/notifications").get_data(as_text=True)
    resp = web.post(f"/inbox/spikes/{spike.id}/thread", data={"group_id": str(cast.marketing_group.id)})
    assert resp.status_code in (200, 302, 303)
    session.expire_all()
    post = session.get(Post, session.get(Spike, spike.id).post_id)
    assert post.group_id == cast.marketing_group.id and post.author_id == cast.lea.id
    assert "Acme (brand)" in post.body and "fumee" in post.body and "> " in post.body
    web.post(f"/inbox/spikes/{spike.id}/thread", data={"group_id": str(cast.marketing_group.id)})
    posts = select(func.count()).select_from(Post).where(Post.group_id == cast.marketing_group.id)
    assert session.scalar(posts) == 1


def test_a_lead_who_turned_surges_off_is_notified_in_the_app_but_not_mailed(app, cast, session, smtp_server,
                                                                            send_mail):
    source = _setup(app, cast)
    with app.app_context(), db.transaction() as s:
        do_set_mail_settings(s, s.get(User, cast.lea.id), kinds={"inbox_spike": "never"})
    now = utcnow()
    deliver(app.test_client(), source, [comment(f"s{i}", SURGE[i % 4],
                                                posted_at=(now - timedelta(minutes=i)).isoformat())
                                        for i in range(12)])
    with app.app_context():
        assert len(check_spikes(now)) == 1
        assert send_notification_mails(now=now + timedelta(minutes=11)) == 0
    assert send_mail() == 0 and smtp_server.messages == []
    spike_kind = Notification.kind == NotificationKind.INBOX_SPIKE
    told = session.scalars(select(Notification.user_id).where(spike_kind))
    assert told.all() == [cast.lea.id]


def test_only_the_alerted_services_leads_see_a_spike(app, cast, session, web, make_web):
    source = _setup(app, cast)
    now = utcnow()
    deliver(app.test_client(), source, [comment(f"s{i}", SURGE[i % 4],
                                                posted_at=(now - timedelta(minutes=i)).isoformat())
                                        for i in range(12)])
    result = app.test_cli_runner().invoke(args=["inbox", "spikes"])  # as cron runs it
    assert result.exit_code == 0 and "1 new spikes." in result.output
    spike_id = session.scalar(select(Spike.id))
    assert web.login(cast.bob).get(f"/inbox/spikes/{spike_id}").status_code == 404
    assert web.get("/inbox/spikes").status_code == 404  # leads no service
    assert "fumee" in make_web().login(cast.lea).get("/inbox/spikes").get_data(as_text=True)
    admin = make_web().login(cast.admin)
    assert admin.get(f"/inbox/spikes/{spike_id}").status_code == 200
    resp = admin.post(f"/inbox/spikes/{spike_id}/thread", data={"group_id": str(cast.coffee.id)})
    assert resp.status_code in (302, 303, 400) and session.get(Spike, spike_id).post_id is None


def test_a_simulated_month_of_demo_traffic_raises_no_alert(app, cast, session):
    source = _setup(app, cast)
    start = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(days=45)
    _replay(app, source, start, 44)
    first = start + timedelta(days=14)
    # every 75 minutes, so each quarter of an hour of the day is checked on some days (every 5
    # minutes of a month: test_spikes_rules); one transaction: the worker's commits cost more
    with app.app_context(), db.transaction() as s:
        found = [do_check_spikes(s, first + timedelta(minutes=75 * step)) for step in range(30 * 24 * 4 // 5)]
    assert [spike for spikes in found for spike in spikes] == []
    assert session.scalar(select(func.count()).select_from(Spike)) == 0
    matched = session.scalar(select(func.count()).select_from(Notification))
    assert matched == 0
