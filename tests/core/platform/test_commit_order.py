"""``db.transaction``: no commit waits in the commit-order lock for SQLite's write lock."""

from __future__ import annotations

import threading

from intranet.models import Group
from intranet.platform import db


def test_a_commit_never_waits_in_the_lock_for_a_writer_waiting_for_the_lock(app, cast):
    """B has written (SQLite's write lock is B's) and commits a moment later; A's rows are
    still unflushed when A commits. A flushes before taking the commit lock, so A waits for B's
    commit in SQLite, not B for A in the lock until SQLite's 5 s busy timeout."""
    b_wrote, errors = threading.Event(), []

    def b() -> None:
        try:
            with app.app_context(), db.transaction() as s:
                s.get(Group, cast.apollo.id).description = "B"
                s.flush()
                b_wrote.set()
                threading.Event().wait(0.3)  # A reaches its commit meanwhile
        except Exception as exc:  # reported below
            errors.append(exc)

    thread = threading.Thread(target=b)
    thread.start()
    b_wrote.wait(10)
    with app.app_context(), db.transaction() as s:
        s.get(Group, cast.coffee.id).description = "A"
    thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.get(Group, cast.apollo.id).description == "B"
        assert db.session.get(Group, cast.coffee.id).description == "A"
