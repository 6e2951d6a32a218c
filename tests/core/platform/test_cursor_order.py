"""The catch-up cursor on both backends: concurrent writers in two processes, a reader following
``/api/v1/events?after=``: every event is seen once, none skipped, none twice.

Each writer's transaction inserts its event, then waits a little before committing, as a slow
request does: on PostgreSQL a lower id committed late used to appear behind the reader's cursor
(platform/postgres/commit_order.py); on SQLite the single writer already keeps ids in commit order.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

from sqlalchemy import select

from intranet.models import Event
from intranet.platform.config import ROOT

WRITER = textwrap.dedent("""
    import random, sys, threading, time
    from intranet import create_app
    from intranet.platform import db
    from intranet.platform.events import publish

    app = create_app({"TESTING": True, "DATABASE_URL": sys.argv[1], "SECRET_KEY": "x",
                      "SEARCH_INDEX_DIR": sys.argv[2], "UPLOAD_DIR": sys.argv[2],
                      "SQLITE_CHECKPOINT_SECONDS": 0})
    rng = random.Random(sys.argv[3])

    def write(n):
        for i in range(n):
            with app.app_context(), db.transaction() as s:
                publish(s, "post", {"op": "add", "writer": sys.argv[3], "n": i})
                s.flush()
                time.sleep(rng.random() * 0.02)  # committed late, as a slow request would

    threads = [threading.Thread(target=write, args=(int(sys.argv[4]),)) for _ in range(2)]
    for t in threads: t.start()
    for t in threads: t.join()
""")


def test_two_processes_write_while_a_reader_follows_the_cursor(app, web, cast, session, tmp_path):
    per_thread = 40
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, app.config["DATABASE_URL"],
                                 str(tmp_path / f"w{n}"), f"w{n}", str(per_thread)], env=env)
               for n in range(2)]
    web.login(cast.alice)
    seen: list[int] = []
    after = session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0

    def follow() -> None:
        nonlocal after
        while True:
            page = web.get(f"/api/v1/events?after={after}&limit=50").get_json()
            seen.extend(e["event_id"] for e in page["events"])
            after = page["last_event_id"] if page["events"] else after
            if not page["more"]:
                return

    first = after
    while any(w.poll() is None for w in writers):
        follow()
        time.sleep(0.005)
    follow()
    assert all(w.returncode == 0 for w in writers)
    written = session.scalars(select(Event.id).where(Event.type == "post", Event.id > first)
                              .order_by(Event.id)).all()
    assert len(written) == 2 * 2 * per_thread
    assert len(seen) == len(set(seen)), "an event was served twice"
    assert sorted(set(written) - set(seen)) == [], "events skipped by the cursor"
