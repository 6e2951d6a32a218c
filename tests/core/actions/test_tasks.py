"""Tasks through their actions: who may create, assign, move and see them; their events,
notifications, history, audit and search rows, and the deadline reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from domain_helpers import act, fresh, rooms
from sqlalchemy import select

from intranet.actions.comments import do_add_comment
from intranet.actions.posts import do_create_post
from intranet.actions.task_deadlines import remind
from intranet.actions.tasks import (
    TaskSource,
    do_check_item,
    do_create_task,
    do_delete_task,
    do_set_status,
    do_update_task,
)
from intranet.models import Notification, Task, TaskHistory, TaskStatus
from intranet.platform import db
from intranet.platform.errors import Forbidden, Invalid, NotFound


def new_task(app, author, group, title="Prepare the FAQ", **kw) -> int:
    with app.app_context(), db.transaction() as s:
        return do_create_task(s, fresh(s, author), fresh(s, group), title, **kw).id


def test_a_member_creates_a_task_told_to_its_assignees(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        task = do_create_task(s, fresh(s, cast.lea), fresh(s, cast.apollo), "Collect defect cases",
                              body="See **all** cases", assignee_ids=[cast.alice.id], due_on="2030-01-31",
                              checklist=["Export", "Sort"], labels=["Defect", "#robot"])
    assert task.html == "<p>See <strong>all</strong> cases</p>\n"
    assert task.labels == ["defect", "robot"] and task.due_on == dt.date(2030, 1, 31)
    assert [i.text for i in task.checklist] == ["Export", "Sort"]
    ev = ch.one("task")
    assert set(ev["rooms"]) == rooms(cast.lea, cast.alice)
    assert ev["data"]["op"] == "add" and ev["data"]["status"] == "open"
    assert ch.notified() == {cast.alice.id: ["task_assigned"]}
    assert ("task", task.id, "upsert") in ch.outbox
    assert [a[0] for a in ch.audits] == ["task.create"]
    with app.app_context():
        assert [h.kind for h in db.session.scalars(select(TaskHistory))] == ["create"]


@pytest.mark.parametrize(("who", "group", "error"), [
    ("bob", "apollo", Forbidden),  # a private group he is not in (listed, not readable)
    ("bob", "board", NotFound),  # secret
    ("alice", "coffee", Forbidden),  # public: readable, but she is not a member
])
def test_outsiders_cannot_create(app, cast, who, group, error):
    with pytest.raises(error), app.app_context(), db.transaction() as s:
        do_create_task(s, fresh(s, getattr(cast, who)), fresh(s, getattr(cast, group)), "x")


def test_assignees_must_be_able_to_read_the_group(app, cast):
    with pytest.raises(Invalid) as err, app.app_context(), db.transaction() as s:
        do_create_task(s, fresh(s, cast.lea), fresh(s, cast.apollo), "x", assignee_ids=[cast.bob.id])
    assert err.value.field == "assignee_ids"
    # a public group: anyone may be given its tasks
    new_task(app, cast.bob, cast.coffee, assignee_ids=[cast.alice.id])


@pytest.mark.parametrize(("field", "value"), [
    ("due_on", "31/01/2030"), ("due_on", "1999-01-01"), ("labels", ["ok", "no/slash"]),
    ("labels", "faq"), ("checklist", [1]), ("assignee_ids", [True]), ("service_group_id", "x"),
])
def test_invalid_fields_name_themselves(app, cast, field, value):
    with pytest.raises(Invalid) as err, app.app_context(), db.transaction() as s:
        do_create_task(s, fresh(s, cast.lea), fresh(s, cast.apollo), "x", **{field: value})
    assert err.value.field == field


def test_a_service_is_a_department_and_its_leads_hear(app, cast, captured_events):
    with pytest.raises(Invalid), app.app_context(), db.transaction() as s:
        do_create_task(s, fresh(s, cast.alice), fresh(s, cast.marketing_group), "x",
                       service_group_id=cast.coffee.id)
    with act(app, captured_events) as (s, ch):
        task = do_create_task(s, fresh(s, cast.alice), fresh(s, cast.marketing_group), "FAQ for the robot",
                              service_group_id=cast.service_group.id)
    assert task.service_group_id == cast.service_group.id
    assert cast.bob.id not in ch.notified()  # bob is a member of the service, not a lead
    group_rooms = {r for e in ch.of("task") for r in e["rooms"]}
    assert rooms(cast.bob) <= group_rooms  # the service's members see it move


def test_moving_a_task_records_history_audit_event_and_index(app, cast, captured_events):
    tid = new_task(app, cast.lea, cast.apollo, assignee_ids=[cast.alice.id])
    with act(app, captured_events) as (s, ch):
        assert do_set_status(s, fresh(s, cast.alice), s.get(Task, tid), "in_progress") is True
    assert ch.one("task")["data"] == {"op": "update", "id": tid, "group_id": cast.apollo.id,
                                      "status": "in_progress", "type": "task",
                                      "event_id": ch.rows[0].id}
    assert ch.audits[0][:3] == ("task.status", "task", tid)
    assert ch.audits[0][3]["old"] == "open" and ch.audits[0][3]["new"] == "in_progress"
    assert ch.outbox == [("task", tid, "upsert")]
    with act(app, captured_events) as (s, ch):
        assert do_set_status(s, fresh(s, cast.alice), s.get(Task, tid), "in_progress") is False
    assert ch.events == [] and ch.audits == []
    with pytest.raises(Invalid), app.app_context(), db.transaction() as s:
        do_set_status(s, fresh(s, cast.alice), s.get(Task, tid), "later")


def test_readers_of_a_public_group_cannot_move_its_tasks(app, cast):
    tid = new_task(app, cast.bob, cast.coffee)
    with pytest.raises(Forbidden), app.app_context(), db.transaction() as s:
        do_set_status(s, fresh(s, cast.alice), s.get(Task, tid), "done")
    # once given the task, she may
    with app.app_context(), db.transaction() as s:
        do_update_task(s, fresh(s, cast.bob), s.get(Task, tid), {"assignee_ids": [cast.alice.id]})
    with app.app_context(), db.transaction() as s:
        do_set_status(s, fresh(s, cast.alice), s.get(Task, tid), "done")
        assert s.get(Task, tid).done_at is not None


def test_editing_tells_only_new_assignees(app, cast, captured_events):
    tid = new_task(app, cast.lea, cast.marketing_group, assignee_ids=[cast.alice.id])
    with act(app, captured_events) as (s, ch):
        changed = do_update_task(s, fresh(s, cast.lea), s.get(Task, tid),
                                 {"title": "New title", "assignee_ids": [cast.alice.id, cast.lea.id],
                                  "due_on": "2031-02-03", "labels": ["faq"]})
    assert set(changed) == {"title", "assignees", "due_on", "labels"}
    assert ch.notified() == {}  # lea assigned herself: the actor is never told; alice already was
    with app.app_context():
        task = db.session.get(Task, tid)
        assert task.title == "New title"
        assert {a.user_id for a in task.assignees} == {cast.alice.id, cast.lea.id}


def test_checklist_ticks_are_history(app, cast):
    tid = new_task(app, cast.lea, cast.apollo, checklist=["One", "Two"])
    with app.app_context(), db.transaction() as s:
        task = s.get(Task, tid)
        do_check_item(s, fresh(s, cast.alice), task, task.checklist[0].id, True)
    with app.app_context():
        kinds = [h.kind for h in db.session.scalars(select(TaskHistory).where(TaskHistory.task_id == tid))]
        assert kinds == ["create", "check"]
        assert db.session.get(Task, tid).checklist[0].done is True


def test_made_from_a_post_and_a_comment(app, cast):
    with app.app_context(), db.transaction() as s:
        post = do_create_post(s, fresh(s, cast.alice), fresh(s, cast.apollo), "Customers ask about X")
        comment = do_add_comment(s, fresh(s, cast.lea), post, "Let's write an FAQ")
        pid, cid = post.id, comment.id
    t1 = new_task(app, cast.alice, cast.apollo, source=TaskSource(post_id=pid))
    t2 = new_task(app, cast.alice, cast.apollo, source=TaskSource(comment_id=cid))
    with app.app_context():
        assert db.session.get(Task, t1).post_id == pid and db.session.get(Task, t2).comment_id == cid


def test_delete_by_creator_or_lead_only(app, cast, captured_events):
    tid = new_task(app, cast.alice, cast.marketing_group)
    with pytest.raises(Forbidden), app.app_context(), db.transaction() as s:
        do_delete_task(s, fresh(s, cast.bob), s.get(Task, tid))
    with act(app, captured_events) as (s, ch):
        do_delete_task(s, fresh(s, cast.lea), s.get(Task, tid))
    assert ch.one("task")["data"]["op"] == "remove"
    assert ("task", tid, "delete") in ch.outbox and ch.audits[0][0] == "task.delete"


def test_reminders_once_per_due_date(app, cast):
    today = dt.date(2030, 3, 10)
    soon = new_task(app, cast.lea, cast.apollo, "Soon", assignee_ids=[cast.alice.id], due_on="2030-03-11")
    late = new_task(app, cast.lea, cast.apollo, "Late", assignee_ids=[cast.alice.id], due_on="2030-03-01")
    done = new_task(app, cast.lea, cast.apollo, "Done", assignee_ids=[cast.alice.id], due_on="2030-03-01")
    with app.app_context(), db.transaction() as s:
        do_set_status(s, fresh(s, cast.lea), s.get(Task, done), TaskStatus.DONE)
    for _round in range(2):
        with app.app_context(), db.transaction() as s:
            remind(s, today)
    with app.app_context():
        rows = db.session.execute(select(Notification.task_id, Notification.kind).where(
            Notification.user_id == cast.alice.id, Notification.kind != "task_assigned")).all()
    assert sorted((t, k.value) for t, k in rows) == [(soon, "task_due_soon"), (late, "task_overdue")]


def test_those_a_task_is_taken_from_hear_of_it_live(app, cast, captured_events):
    """Their "My tasks" page must drop it: a removed assignee outside the group and the members
    of the service it was taken from get the event too."""
    tid = new_task(app, cast.bob, cast.coffee, assignee_ids=[cast.alice.id],
                   service_group_id=cast.marketing_group.id)
    with act(app, captured_events) as (s, ch):
        do_update_task(s, fresh(s, cast.bob), s.get(Task, tid),
                       {"assignee_ids": [], "service_group_id": cast.service_group.id})
    reached = {r for e in ch.of("task") for r in e["rooms"]}
    assert rooms(cast.alice, cast.lea) <= reached  # alice by name; lea as a member of Marketing
    assert {e["data"]["op"] for e in ch.of("task")} == {"update"}
    with act(app, captured_events) as (s, ch):
        do_set_status(s, fresh(s, cast.bob), s.get(Task, tid), "done")
    assert not rooms(cast.alice, cast.lea) & {r for e in ch.of("task") for r in e["rooms"]}
