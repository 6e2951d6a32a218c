"""Task pages over HTTP: the Tasks tab (board and list), the form (also from a post, a comment
and a message), moving a card, "My tasks", the task page with its history, and access."""

from __future__ import annotations

import datetime as dt

import pytest
from domain_helpers import fresh
from sqlalchemy import select

from intranet.actions.comments import do_add_comment
from intranet.actions.messaging import do_send_message, do_start_conversation
from intranet.actions.posts import do_create_post
from intranet.actions.tasks import do_create_task
from intranet.models import AuditLog, Notification, Task
from intranet.platform import db

JSON = {"Accept": "application/json"}


def new_task(app, author, group, title="Prepare the FAQ", **kw) -> int:
    with app.app_context(), db.transaction() as s:
        return do_create_task(s, fresh(s, author), fresh(s, group), title, **kw).id


def test_create_from_the_form_and_see_it_on_the_board(app, web, cast):
    web.login(cast.lea)
    assert web.get(f"/tasks/new?group_id={cast.apollo.id}").status_code == 200
    res = web.post("/tasks", data={
        "group_id": cast.apollo.id, "title": "Collect defect cases", "body": "From **support**",
        "assignee_ids": [str(cast.alice.id)], "due_on": "2030-05-31", "checklist": "Export\nSort\n",
        "labels": "defect, robot"})
    assert res.status_code == 302
    with app.app_context():
        task = db.session.scalars(select(Task)).one()
        assert [i.text for i in task.checklist] == ["Export", "Sort"] and task.labels == ["defect", "robot"]
    board = web.get(f"/groups/{cast.apollo.id}/tasks").get_data(as_text=True)
    assert "Collect defect cases" in board and 'data-column="open"' in board and "0/2" in board
    listing = web.get(f"/groups/{cast.apollo.id}/tasks?view=list").get_data(as_text=True)
    assert f'id="task-row-{task.id}"' in listing
    page = web.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "<strong>support</strong>" in page and "Léa Bernard created the task" in page


def test_a_form_error_keeps_what_was_typed(web, cast):
    web.login(cast.lea)
    res = web.post("/tasks", data={"group_id": cast.apollo.id, "title": "Keep me", "due_on": "soon"})
    assert res.status_code == 400
    text = res.get_data(as_text=True)
    assert "Keep me" in text and "2026-05-31" in text


def test_json_create_and_move(app, web, cast):
    web.login(cast.alice)
    res = web.post("/tasks", json={"group_id": cast.apollo.id, "title": "T", "assignee_ids": [cast.lea.id]},
                   headers=JSON)
    assert res.status_code == 201
    tid = res.get_json()["id"]
    moved = web.post(f"/tasks/{tid}/status", json={"status": "done"}, headers=JSON)
    assert moved.status_code == 200 and moved.get_json()["state"] == "done"
    assert web.post(f"/tasks/{tid}/status", json={"status": "nope"}, headers=JSON).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "task.status"))
        assert db.session.scalar(select(Notification.kind).where(Notification.user_id == cast.lea.id)).value \
            == "task_assigned"


@pytest.mark.parametrize(("group", "outsider"), [("apollo", "bob"), ("board", "alice")])
def test_private_and_secret_tasks_are_404_to_outsiders(app, make_web, cast, group, outsider):
    author = "lea" if group == "apollo" else "admin"
    tid = new_task(app, getattr(cast, author), getattr(cast, group))
    web = make_web().login(getattr(cast, outsider))
    for url in (f"/tasks/{tid}", f"/tasks/{tid}/card", f"/tasks/{tid}/edit"):
        assert web.get(url).status_code == 404, url
    assert web.post(f"/tasks/{tid}/status", data={"status": "done"}).status_code == 404
    tab = web.get(f"/groups/{getattr(cast, group).id}/tasks").status_code
    assert tab == (403 if group == "apollo" else 404)


def test_public_group_tasks_are_readable_but_not_movable_by_readers(app, make_web, cast):
    tid = new_task(app, cast.bob, cast.coffee)
    web = make_web().login(cast.alice)
    page = web.get(f"/groups/{cast.coffee.id}/tasks").get_data(as_text=True)
    assert "Prepare the FAQ" in page and "data-task-movable" not in page
    assert web.post(f"/tasks/{tid}/status", json={"status": "done"}, headers=JSON).status_code == 403


def test_make_it_a_task_from_a_post_a_comment_and_a_message(app, web, cast):
    with app.app_context(), db.transaction() as s:
        post = do_create_post(s, fresh(s, cast.alice), fresh(s, cast.apollo), "Customers ask about the robot")
        comment = do_add_comment(s, fresh(s, cast.lea), post, "An FAQ would help")
        conv, _new = do_start_conversation(s, fresh(s, cast.alice), [cast.lea.id])
        message = do_send_message(s, fresh(s, cast.alice), conv, "Can support collect cases?")
        pid, cid, mid, conv_id = post.id, comment.id, message.id, conv.id
    web.login(cast.alice)
    form = web.get(f"/tasks/new?post_id={pid}").get_data(as_text=True)
    assert "Customers ask about the robot" in form and f'name="post_id" value="{pid}"' in form
    res = web.post("/tasks", data={"group_id": cast.apollo.id, "post_id": pid, "title": "FAQ"}, headers=JSON)
    post_task = res.get_json()["id"]
    assert "FAQ" in web.get(f"/posts/{pid}").get_data(as_text=True).split("comments-title")[0]
    assert f"/posts/{pid}" in web.get(f"/tasks/{post_task}").get_data(as_text=True)
    res = web.post("/tasks", data={"group_id": cast.apollo.id, "comment_id": cid, "title": "C"}, headers=JSON)
    assert f"#comment-{cid}" in web.get(f"/tasks/{res.get_json()['id']}").get_data(as_text=True)
    # a message: the group is chosen first
    assert "Can support collect cases?" in web.get(f"/tasks/new?message_id={mid}&group_id={cast.apollo.id}") \
        .get_data(as_text=True)
    res = web.post("/tasks", data={"group_id": cast.apollo.id, "message_id": mid, "title": "M"}, headers=JSON)
    mtask = res.get_json()["id"]
    assert f"/tasks/{mtask}" in web.get(f"/messages/{conv_id}").get_data(as_text=True)
    # a source I may not open is refused
    other = web.post("/tasks", data={"group_id": cast.marketing_group.id, "message_id": 999999, "title": "x"},
                     headers=JSON)
    assert other.status_code == 404


def test_my_tasks_puts_overdue_first_across_groups(app, web, cast):
    yesterday = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)).isoformat()
    later = new_task(app, cast.lea, cast.marketing_group, "Later", assignee_ids=[cast.alice.id],
                     due_on="2099-01-01")
    late = new_task(app, cast.lea, cast.apollo, "Late", assignee_ids=[cast.alice.id], due_on=yesterday)
    new_task(app, cast.lea, cast.apollo, "Not mine")
    page = web.login(cast.alice).get("/tasks").get_data(as_text=True)
    assert page.index(f'/tasks/{late}"') < page.index(f'/tasks/{later}"') and "Not mine" not in page
    assert "is-overdue" in page


def test_my_tasks_row_for_the_live_page(app, make_web, cast):
    """``?as=mine``: the row when the task is given to me (by name or to my service), nothing
    (204) when it is not or no longer, 404 when I may not read it."""
    by_name = new_task(app, cast.lea, cast.marketing_group, "By name", assignee_ids=[cast.bob.id])
    to_service = new_task(app, cast.lea, cast.marketing_group, "To the service",
                          service_group_id=cast.service_group.id, due_on="2099-01-02")
    other = new_task(app, cast.lea, cast.marketing_group, "Someone else's", assignee_ids=[cast.alice.id])
    hidden = new_task(app, cast.lea, cast.apollo, "Private")
    web = make_web().login(cast.bob)
    row = web.get(f"/tasks/{by_name}/card?as=mine")
    assert row.status_code == 200 and 'data-status="open"' in row.get_data(as_text=True)
    text = web.get(f"/tasks/{to_service}/card?as=mine").get_data(as_text=True)
    assert f'data-sort="02099-01-02~{999999999999 - to_service:012d}"' in text and "Marketing" in text
    assert web.get(f"/tasks/{other}/card?as=mine").status_code == 204
    assert web.get(f"/tasks/{hidden}/card?as=mine").status_code == 404
    page = web.get("/tasks").get_data(as_text=True)
    assert 'data-my-tasks="open"' in page and 'data-my-tasks="done"' in page and "By name" in page


def test_edit_and_checklist_pages(app, web, cast):
    tid = new_task(app, cast.lea, cast.apollo, checklist=["One"])
    web.login(cast.alice)
    assert web.get(f"/tasks/{tid}/edit").status_code == 200
    res = web.post(f"/tasks/{tid}/edit", data={"title": "Renamed", "due_on": "", "labels": "faq",
                                               "assignee_ids": [str(cast.lea.id)]})
    assert res.status_code == 302
    assert web.post(f"/tasks/{tid}/checklist", data={"text": "Two"}).status_code == 302
    with app.app_context():
        task = db.session.get(Task, tid)
        item = task.checklist[0].id
        assert task.title == "Renamed" and [i.text for i in task.checklist] == ["One", "Two"]
    assert web.post(f"/tasks/{tid}/checklist/{item}", data={"done": "1"}).status_code == 302
    page = web.get(f"/tasks/{tid}").get_data(as_text=True)
    assert "Alice Martin ticked “One”" in page and "Alice Martin changed" in page
    assert web.get(f"/tasks/{tid}/card").status_code == 200
    assert web.post(f"/tasks/{tid}/delete").status_code == 302  # not hers: refused, back to the task
    with app.app_context():
        assert db.session.get(Task, tid) is not None


def test_french_board(web, cast, app):
    new_task(app, cast.lea, cast.apollo)
    web.login(cast.lea)
    res = web.get(f"/groups/{cast.apollo.id}/tasks", headers={"Accept-Language": "fr"})
    page = res.get_data(as_text=True)
    assert "En cours" in page and "À faire" in page
