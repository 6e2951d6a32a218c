"""A group's Tasks tab (board and list) and "My tasks" with many tasks, in-process (Flask test
client): median and p95 per page over N requests, and the SQL statements each page runs.

    .venv/bin/python bench/task_board_bench.py                        # 500 tasks, 30 requests a page
    .venv/bin/python bench/task_board_bench.py --tasks 50 -n 10 --profile board
    .venv/bin/python bench/task_board_bench.py --backend postgresql
    .venv/bin/python bench/task_board_bench.py --db /tmp/tasks500.db   # built once, then reused

A throwaway database (the real migrations) holds two departments: Support (40 people), whose
department group gets the tasks, and Marketing (10 people), the service a quarter of them are
given to. Every task is made by ``do_create_task`` as the page makes it (1-3 assignees among
Support, 0-6 checklist items, 0-3 labels, a due date for two thirds, past for some); a third are
then moved to "in progress" and a third to "done" by ``do_set_status``. The reader is a Support
member assigned to about a quarter of the tasks. The statement count is the number of
``cursor.execute`` calls during one request (login and page cache included): it should not grow
with ``--tasks``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from bench.backend import add_argument, fresh_url
from intranet import create_app
from intranet.actions.tasks import do_create_task, do_set_status
from intranet.actions.users import do_create_department, do_create_user
from intranet.models import Group, Task, TaskAssignee, User
from intranet.platform import db
from intranet.platform.migrate import upgrade
from intranet.platform.sessions import login_keys

LABELS = ["faq", "defect", "robot", "launch", "urgent", "customer", "docs", "review"]
WORDS = ["collect", "sort", "answer", "check", "write", "review", "prepare", "export", "call", "fix", "test",
         "order"]


def build(app: Flask, tasks: int, seed: int) -> tuple[int, int]:
    """The departments, people and tasks; (the board's group id, the reader's user id)."""
    rnd = random.Random(seed)
    today = dt.datetime.now(dt.UTC).date()
    with app.app_context():
        with db.transaction() as s:
            support = do_create_department(s, "Support", acting_user=None)
            marketing = do_create_department(s, "Marketing", acting_user=None)
            people = [do_create_user(s, f"s{n}@example.com", f"Support Person {n}", None, no_password=True,
                                     department=support) for n in range(40)]
            for n in range(10):
                do_create_user(s, f"m{n}@example.com", f"Marketing Person {n}", None, no_password=True,
                               department=marketing)
            ids = {"group": support.group_id, "service": marketing.group_id,
                   "people": [p.id for p in people]}
        reader = ids["people"][0]
        for n in range(tasks):
            with db.transaction() as s:
                author = s.get(User, rnd.choice(ids["people"]))
                chosen = rnd.sample(ids["people"], rnd.randint(1, 3))
                if rnd.random() < 0.25 and reader not in chosen:
                    chosen[0] = reader
                due = today + dt.timedelta(days=rnd.randint(-10, 40)) if rnd.random() < 0.67 else None
                task = do_create_task(
                    s, author, s.get(Group, ids["group"]), f"Task {n}: {' '.join(rnd.sample(WORDS, 3))}",
                    body=f"Please **{rnd.choice(WORDS)}** the cases of week {n % 52}.", assignee_ids=chosen,
                    service_group_id=ids["service"] if rnd.random() < 0.25 else None, due_on=due,
                    checklist=[f"Step {k} {rnd.choice(WORDS)}" for k in range(rnd.randint(0, 6))],
                    labels=rnd.sample(LABELS, rnd.randint(0, 3)))
                status = rnd.choice(["open", "in_progress", "done"])
                if status != "open":
                    do_set_status(s, author, task, status)
        return ids["group"], reader


def logged_in(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    with app.app_context():
        keys = login_keys(db.session.get(User, user_id))
    with client.session_transaction() as sess:
        sess.update({**keys, "csrf_token": secrets.token_hex(20)})
    return client


def count_statements(app: Flask, client: FlaskClient, url: str) -> int:
    counted: list[str] = []

    def on_execute(conn, cursor, statement, params, context, many) -> None:
        counted.append(statement)

    with app.app_context():
        engine = db.engine()
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return len(counted)


def timings(client: FlaskClient, url: str, n: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each request: on a busy machine the CPU time is the figure
    to compare (other processes stretch the wall time, not this process's own work)."""
    for _ in range(3):  # warm-up: templates, statement caches
        assert client.get(url).status_code == 200
    wall, cpu = [], []
    for _ in range(n):
        began, began_cpu = time.perf_counter(), time.process_time()
        res = client.get(url)
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert res.status_code == 200
    return wall, cpu


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tasks", type=int, default=500)
    p.add_argument("-n", type=int, default=30, help="timed requests per page")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--db", type=Path, help="SQLite file: built if missing, else reused as it is (to time two "
                                           "versions of the code on the same rows)")
    p.add_argument("--profile", choices=["board", "list", "mine"], help="cProfile 10 requests of one page")
    p.add_argument("--sort", default="cumulative", help="the profile's order (cumulative, tottime...)")
    add_argument(p)
    args = p.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="task-board-bench-"))
    reuse = args.db is not None and args.db.exists() and args.backend == "sqlite"
    path = args.db or folder / "tasks.db"
    url = f"sqlite:///{path.resolve()}" if reuse else fresh_url(args.backend, path)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "SEARCH_INDEXER_THREAD": False,
                      "SEARCH_INDEX_DIR": str(folder / "index"), "UPLOAD_DIR": str(folder / "uploads")})
    began = time.perf_counter()
    if reuse:
        with app.app_context():
            group_id = db.session.scalar(select(Group.id).where(Group.name == "Support"))
            reader = db.session.scalar(select(User.id).where(User.email == "s0@example.com"))
    else:
        with app.app_context():
            upgrade()
        group_id, reader = build(app, args.tasks, args.seed)
    with app.app_context():
        mine = db.session.scalar(select(func.count()).where(TaskAssignee.user_id == reader))
        tasks = db.session.scalar(select(func.count(Task.id)))
    how = "reused" if reuse else "built"
    print(f"{args.backend}: {tasks} tasks {how} in {time.perf_counter() - began:.1f} s "
          f"(the reader is given {mine})")
    client = logged_in(app, reader)
    pages = {"board": f"/groups/{group_id}/tasks", "list": f"/groups/{group_id}/tasks?view=list",
             "mine": "/tasks"}
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [client.get(pages[args.profile]) for _ in range(10)])
        pstats.Stats(profile).sort_stats(args.sort).print_stats(45)
        return
    print(f"{'page':6} {'median ms':>10} {'p95 ms':>8} {'CPU median':>11} {'SQL':>5} {'bytes':>9}")
    for name, url in pages.items():
        wall, cpu = timings(client, url, args.n)
        size = len(client.get(url).data)
        sql = count_statements(app, client, url)
        print(f"{name:6} {statistics.median(wall):10.1f} {p95(wall):8.1f} {statistics.median(cpu):11.1f} "
              f"{sql:5d} {size:9,d}")


if __name__ == "__main__":
    main()
