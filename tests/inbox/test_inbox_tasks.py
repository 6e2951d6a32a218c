"""An inbox case made a task: the inbox side calls the core's action; the task links back to
the case and the case page lists the task; only people who may open the case can do it."""

from __future__ import annotations

from sqlalchemy import select

from intranet.models import AuditLog, Task
from intranet.platform import db
from tests.case_helpers import inbox_cast

JSON = {"Accept": "application/json"}


def test_an_agent_makes_a_case_a_task_for_marketing(app, make_web, cast):
    ic = inbox_cast(app, cast)
    sam = make_web().login(ic.sam)
    form = sam.get(f"/inbox/cases/{ic.case.id}/task").get_data(as_text=True)
    assert f"/inbox/cases/{ic.case.id}/task" in form and "charged twice" not in form
    chosen = sam.get(f"/inbox/cases/{ic.case.id}/task?group_id={cast.service_group.id}")
    assert f'Inbox case #{ic.case.id}' in chosen.get_data(as_text=True)
    res = sam.post(f"/inbox/cases/{ic.case.id}/task", headers=JSON, data={
        "group_id": cast.service_group.id, "title": "Prepare an FAQ on double charges",
        "service_group_id": cast.marketing_group.id, "labels": "faq"})
    assert res.status_code == 201, res.get_json()
    tid = res.get_json()["id"]
    with app.app_context():
        task = db.session.get(Task, tid)
        assert task.case_id == ic.case.id and task.service_group_id == cast.marketing_group.id
        assert db.session.scalar(select(AuditLog.action).where(
            AuditLog.target_type == "task", AuditLog.target_id == tid)) == "task.create"
    case_page = sam.get(f"/inbox/cases/{ic.case.id}").get_data(as_text=True)
    assert f"/tasks/{tid}" in case_page and "Prepare an FAQ on double charges" in case_page
    assert f"/inbox/cases/{ic.case.id}" in sam.get(f"/tasks/{tid}").get_data(as_text=True)


def test_people_who_cannot_open_the_case_cannot_make_it_a_task(app, make_web, cast):
    ic = inbox_cast(app, cast)
    alice = make_web().login(cast.alice)
    assert alice.get(f"/inbox/cases/{ic.case.id}/task").status_code == 404
    form = {"group_id": cast.marketing_group.id, "title": "x"}
    res = alice.post(f"/inbox/cases/{ic.case.id}/task", data=form)
    assert res.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Task.id)) is None
