"""The task pages read a fixed number of SQL statements whatever the number of tasks: a board
of 500 once spent most of a second building and rendering each card (bench/task_board_bench.py
measures the time; here only the count, which must not grow with the tasks)."""

from __future__ import annotations

import datetime as dt

from domain_helpers import fresh
from sqlalchemy import event

from intranet.actions.tasks import do_create_task, do_set_status
from intranet.platform import db

PAGES = ("board", "list", "mine")


def add_tasks(app, cast, first: int, count: int, *, more_places: bool = False) -> None:
    """Tasks as varied as a real board: several assignees, a service, checklists, labels, due
    dates, every status, in two groups (so "My tasks" spans groups); ``more_places``: also a
    second service, and tasks for alice in a third group (each new group or service must not
    cost a statement of its own)."""
    today = dt.datetime.now(dt.UTC).date()
    people = [cast.alice.id, cast.lea.id, cast.bob.id]
    services = [cast.service_group.id, cast.marketing_group.id] if more_places else [cast.service_group.id]
    with app.app_context(), db.transaction() as s:
        for n in range(first, first + count):
            public = n % 3 != 0
            group = fresh(s, cast.marketing_group if public else cast.apollo)
            task = do_create_task(
                s, fresh(s, cast.lea), group, f"Task {n}", body=f"Step **{n}**",
                assignee_ids=people[: 1 + n % 3] if public else [cast.alice.id],
                service_group_id=services[n % len(services)] if n % 2 else None,
                due_on=today + dt.timedelta(days=n % 7 - 3) if n % 4 else None,
                checklist=[f"Item {k}" for k in range(n % 4)], labels=["faq", f"l{n % 5}"][: n % 3])
            if n % 3:
                do_set_status(s, fresh(s, cast.lea), task, "in_progress" if n % 3 == 1 else "done")
        if more_places:
            do_create_task(s, fresh(s, cast.bob), fresh(s, cast.coffee), "Coffee order",
                           assignee_ids=[cast.alice.id], service_group_id=cast.marketing_group.id)


def statements(app, web, url: str) -> tuple[int, str]:
    """The SQL statements of one request for ``url`` (after a first one that warms caches)."""
    assert web.get(url).status_code == 200
    seen: list[str] = []
    with app.app_context():
        engine = db.engine()

    def listener(*args) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", listener)
    try:
        res = web.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert res.status_code == 200
    return len(seen), res.get_data(as_text=True)


def test_task_pages_do_not_query_per_task(app, web, cast):
    web.login(cast.alice)
    urls = {"board": f"/groups/{cast.marketing_group.id}/tasks",
            "list": f"/groups/{cast.marketing_group.id}/tasks?view=list", "mine": "/tasks"}
    add_tasks(app, cast, 0, 10)
    small = {name: statements(app, web, url) for name, url in urls.items()}
    add_tasks(app, cast, 10, 40, more_places=True)
    large = {name: statements(app, web, url) for name, url in urls.items()}
    for name in PAGES:
        assert large[name][0] == small[name][0], name
    # the pages did show the tasks, with what each card says
    board, listing, mine = (large[name][1] for name in PAGES)
    assert board.count('class="task-card"') == 33 and listing.count('id="task-row-') == 33
    assert "Service: Service client" in board and "Bob Durand" in board and "faq" in board
    assert "0/2 done" in board and "Move right (Alt+→)" in board and "csrf_token" in board
    assert "Project Apollo" in mine and "Coffee lovers" in mine and "Task 49" in mine
    assert "Service: Marketing" in mine
