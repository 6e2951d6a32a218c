"""Task notifications reach the mail through the ordinary notification-mail path: assignment,
due tomorrow and overdue, in the person's language, and never about a group they left."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from domain_helpers import fresh

from intranet.actions.groups import do_remove_member
from intranet.actions.notification_mail import send_notification_mails
from intranet.actions.task_deadlines import send_task_reminders
from intranet.actions.tasks import do_create_task
from intranet.models import utcnow
from intranet.platform import db
from intranet.platform.time_zones import company_today
from tests.mail_helpers import text_part

LATER = timedelta(minutes=11)


def _round(app, send_mail):
    with app.app_context():
        queued = send_notification_mails(now=utcnow() + LATER)
    send_mail()
    return queued


def test_an_assignment_is_mailed_with_a_link_to_the_task(app, cast, smtp_server, send_mail):
    with app.app_context(), db.transaction() as s:
        task = do_create_task(s, fresh(s, cast.lea), fresh(s, cast.apollo), "Collect defect cases",
                              body="From the **forum**", assignee_ids=[cast.alice.id])
        tid = task.id
    assert _round(app, send_mail) == 1
    [msg] = smtp_server.to("alice@example.com")
    assert msg["Subject"] == "Léa Bernard gave you a task: Collect defect cases"
    text = text_part(msg)
    assert f"http://localhost:5000/tasks/{tid}" in text and "From the forum" in text


def test_reminders_are_mailed_in_french(app, cast, smtp_server, send_mail):
    with app.app_context():
        tomorrow = (company_today() + dt.timedelta(days=1)).isoformat()  # the reminders' day
    with app.app_context(), db.transaction() as s:
        fresh(s, cast.alice).locale = "fr"
        task = do_create_task(s, fresh(s, cast.alice), fresh(s, cast.apollo), "Relire la FAQ",
                              assignee_ids=[cast.alice.id], due_on=tomorrow)
        tid = task.id
    with app.app_context():
        send_task_reminders()
    assert _round(app, send_mail) == 1
    [msg] = smtp_server.to("alice@example.com")
    assert msg["Subject"] == "Tâche à rendre demain : Relire la FAQ"
    assert f"/tasks/{tid}" in text_part(msg)


def test_nothing_is_mailed_about_a_group_one_has_left(app, cast, smtp_server, send_mail):
    with app.app_context(), db.transaction() as s:
        do_create_task(s, fresh(s, cast.lea), fresh(s, cast.apollo), "Secret plan",
                       assignee_ids=[cast.alice.id])
    with app.app_context(), db.transaction() as s:
        do_remove_member(s, fresh(s, cast.lea), fresh(s, cast.apollo), fresh(s, cast.alice))
    assert _round(app, send_mail) == 0
    assert smtp_server.to("alice@example.com") == []
