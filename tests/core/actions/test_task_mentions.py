"""@mentions in a task's description notify like a post's: only people who may read the task's
group, on an edit only the newly named, groups' members too, in-app and by mail per the
person's settings (a muted group still mails a mention)."""

from __future__ import annotations

from datetime import timedelta

from domain_helpers import act, fresh
from sqlalchemy import select

from intranet.actions.groups import do_remove_member
from intranet.actions.mail_prefs import do_set_mail_settings
from intranet.actions.notification_mail import send_notification_mails
from intranet.actions.tasks import do_create_task, do_update_task
from intranet.models import Notification, NotificationKind, Task, utcnow
from intranet.platform import db
from tests.mail_helpers import text_part

JSON = {"Accept": "application/json"}


def mentions(app, task_id: int) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(select(Notification.user_id).where(
            Notification.task_id == task_id, Notification.kind == NotificationKind.MENTION)))


def test_only_readers_of_the_group_are_told(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        task = do_create_task(s, fresh(s, cast.lea), fresh(s, cast.apollo), "Collect cases",
                              body="@alice and @bob, see the **forum**")
    assert ch.notified() == {cast.alice.id: ["mention"]}  # bob is outside the private group
    assert '<a href="/people/' in task.html
    with app.app_context():
        note = db.session.scalar(select(Notification).where(Notification.user_id == cast.alice.id))
        assert (note.task_id, note.group_id, note.actor_id) == (task.id, cast.apollo.id, cast.lea.id)
    live = [e for e in ch.of("notification") if e["data"]["kind"] == "mention"]
    assert [e["rooms"] for e in live] == [[f"user:{cast.alice.id}"]]


def test_an_edit_tells_only_the_newly_named(app, cast):
    with app.app_context(), db.transaction() as s:
        tid = do_create_task(s, fresh(s, cast.lea), fresh(s, cast.marketing_group), "FAQ",
                             body="cc @alice").id
    assert mentions(app, tid) == [cast.alice.id]

    def edit(body: str) -> None:
        with app.app_context(), db.transaction() as s:
            do_update_task(s, fresh(s, cast.lea), s.get(Task, tid), {"body": body})

    edit("cc @alice and @bob")  # a public group: bob may read it
    assert mentions(app, tid) == sorted([cast.alice.id, cast.bob.id])
    edit("cc @bob")
    edit("cc @alice @bob, and @lea herself")  # alice was told already; the author never is
    edit("Nobody")
    assert mentions(app, tid) == sorted([cast.alice.id, cast.bob.id])


def test_a_group_mention_tells_its_members(app, cast):
    with app.app_context(), db.transaction() as s:
        slug = fresh(s, cast.apollo).slug
        tid = do_create_task(s, fresh(s, cast.lea), fresh(s, cast.apollo), "Plan", body=f"@{slug} see").id
        # an outsider naming a group he may not post to tells nobody through it
        other = do_create_task(s, fresh(s, cast.bob), fresh(s, cast.coffee), "Beans",
                               body=f"@{fresh(s, cast.marketing_group).slug}").id
    assert mentions(app, tid) == [cast.alice.id]
    assert mentions(app, other) == []


def _mail_round(app, send_mail) -> int:
    with app.app_context():
        queued = send_notification_mails(now=utcnow() + timedelta(minutes=11))
    send_mail()
    return queued


def test_mentions_are_mailed_per_the_persons_settings(app, cast, smtp_server, send_mail):
    with app.app_context(), db.transaction() as s:
        do_set_mail_settings(s, fresh(s, cast.alice), groups={cast.apollo.id: "muted"})
        do_set_mail_settings(s, fresh(s, cast.bob), kinds={"mention": "never"})
        fresh(s, cast.lea).locale = "fr"
        tid = do_create_task(s, fresh(s, cast.bob), fresh(s, cast.coffee), "Order beans",
                             body="@alice @lea, which **beans**?").id
        do_create_task(s, fresh(s, cast.lea), fresh(s, cast.apollo), "Secret plan", body="@alice")
        do_create_task(s, fresh(s, cast.alice), fresh(s, cast.marketing_group), "Ask bob", body="@bob")
    assert _mail_round(app, send_mail) == 2  # alice and lea; bob mails no mention
    [alice] = smtp_server.to("alice@example.com")
    assert alice["Subject"] == "2 new notifications"
    text = text_part(alice)
    assert "Bob Durand mentioned you in the task “Order beans” in Coffee lovers" in text
    assert "Léa Bernard mentioned you in the task “Secret plan” in Project Apollo" in text  # muted group
    assert f"http://localhost:5000/tasks/{tid}" in text and "which beans?" in text
    [lea] = smtp_server.to("lea@example.com")
    assert lea["Subject"] == "Bob Durand vous a mentionné dans la tâche « Order beans » dans Coffee lovers"
    assert smtp_server.to("bob@example.com") == []


def test_nothing_is_mailed_once_the_group_is_left(app, cast, smtp_server, send_mail):
    with app.app_context(), db.transaction() as s:
        do_create_task(s, fresh(s, cast.lea), fresh(s, cast.apollo), "Secret plan", body="@alice")
    with app.app_context(), db.transaction() as s:
        do_remove_member(s, fresh(s, cast.lea), fresh(s, cast.apollo), fresh(s, cast.alice))
    assert _mail_round(app, send_mail) == 0


def test_through_the_pages(app, web, make_web, cast):
    web.login(cast.lea)
    res = web.post("/tasks", data={"group_id": cast.marketing_group.id, "title": "Prepare", "body": "@alice"})
    assert res.status_code == 302
    tid = int(res.headers["Location"].rsplit("/", 1)[-1])
    assert web.post(f"/tasks/{tid}/edit", data={"title": "Prepare", "body": "@alice @bob", "due_on": "",
                                                "labels": ""}).status_code == 302
    assert mentions(app, tid) == sorted([cast.alice.id, cast.bob.id])
    res = web.post(f"/api/v1/groups/{cast.marketing_group.id}/tasks", json={"title": "API", "body": "@bob"},
                   headers=JSON)
    assert res.status_code == 201 and mentions(app, res.get_json()["id"]) == [cast.bob.id]
    page = make_web().login(cast.bob).get("/notifications").get_data(as_text=True)
    assert "Léa Bernard mentioned you in a task" in page and f"/tasks/{tid}" in page
