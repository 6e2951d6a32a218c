"""Stored files of removed posts and deleted messages leave the disk (garbage collection with a
grace period), while bytes another attachment still uses, and fresh uploads, stay."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from flask import Flask

from intranet.actions.files import sweep_files
from intranet.platform import db, files
from tests.core.actions.test_message_files import send_files
from tests.core.realtime.test_messaging_live import start
from tests.core.search.test_search_views import upload


def stored(app: Flask, content: bytes) -> Path:
    with app.app_context():
        return files.stored_path(files.sha256(content))


def age(path: Path, seconds: float) -> None:
    """Pretend the file was last written ``seconds`` ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def sweep(app: Flask, grace: float = 3600) -> int:
    with app.app_context(), db.transaction() as s:
        return sweep_files(s, grace_seconds=grace)


def test_removed_post_and_deleted_message_files_are_swept_shared_bytes_stay(
        app: Flask, cast: Any, make_web: Any) -> None:
    alice = make_web().login(cast.alice)
    kept, shared, gone = b"kept plan", b"shared minutes", b"removed draft"
    first = upload(alice, "Draft", [("draft.txt", gone), ("minutes.txt", shared)], url="/api/v1/posts")
    upload(alice, "Still here", [("plan.txt", kept), ("minutes.txt", shared)], url="/api/v1/posts")
    cid = start(alice, cast.bob)
    message = send_files(alice, cid, "Notes", [("notes.txt", b"message notes")]).get_json()
    assert alice.delete(f"/api/v1/posts/{first.get_json()['id']}").status_code == 204
    assert alice.delete(f"/api/v1/messages/{message['id']}").status_code == 204
    paths = {content: stored(app, content) for content in (kept, shared, gone, b"message notes")}
    for path in paths.values():
        age(path, 7200)

    assert sweep(app) == 2
    assert not paths[gone].exists() and not paths[b"message notes"].exists()
    assert paths[kept].exists() and paths[shared].exists()
    assert sweep(app) == 0


def test_recent_orphans_wait_for_the_grace_period_and_a_reupload_renews_it(
        app: Flask, cast: Any, make_web: Any) -> None:
    alice = make_web().login(cast.alice)
    content = b"uploaded twice"
    res = upload(alice, "Once", [("twice.txt", content)], url="/api/v1/posts")
    assert alice.delete(f"/api/v1/posts/{res.get_json()['id']}").status_code == 204
    path = stored(app, content)
    assert sweep(app) == 0 and path.exists()  # removed a moment ago: within the grace period

    age(path, 7200)
    with app.app_context():
        files.store_bytes(content)  # the same bytes arrive again, their row not committed yet
    assert sweep(app) == 0 and path.exists()
    age(path, 7200)
    assert sweep(app) == 1 and not path.exists()


def test_leftovers_of_a_crashed_write_go_and_the_command_reports(app: Flask) -> None:
    with app.app_context():
        folder = files.stored_path("ab" + "0" * 62).parent
    folder.mkdir(parents=True, exist_ok=True)
    leftover = folder / ".ab00.123.456.tmp"
    leftover.write_bytes(b"half a file")
    age(leftover, 7200)
    result = app.test_cli_runner().invoke(args=["sweep-files"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 stored file" in result.output and not leftover.exists()
