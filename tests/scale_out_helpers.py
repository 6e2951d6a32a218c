"""Helpers of the scale-out tests: another app instance on the same database (a second web
worker), configured like the test's ``app`` plus overrides."""

from __future__ import annotations

from typing import Any

from flask import Flask

from intranet import create_app
from intranet.platform import db

# The thread switches travel too: on PostgreSQL the tests take turns on eight databases, and a
# thread left running by a second app (an indexer, a mail sender) would follow the next test's.
SHARED_KEYS = ("TESTING", "PASSWORD_HASH_METHOD", "SECRET_KEY", "DATABASE_URL", "SEARCH_INDEX_DIR",
               "UPLOAD_DIR", "SEARCH_INDEXER_THREAD", "MAIL_SENDER_THREAD",
               "SQLITE_CHECKPOINT_SECONDS", "PRESENCE_BATCH_SECONDS")


def worker(app: Flask, **overrides: Any) -> Flask:
    """A new app on ``app``'s database and folders: what a second gunicorn worker would build."""
    return create_app({**{k: app.config[k] for k in SHARED_KEYS}, **overrides})


def close(*apps: Flask) -> None:
    for other in apps:
        with other.app_context():
            db.engine().dispose()


def redis_config(url: str, **more: Any) -> dict[str, Any]:
    """Presence and limits through Redis. No Socket.IO message queue: Flask-SocketIO's test client
    refuses one; in one process the test clients of both apps share one Socket.IO server anyway,
    which delivers what the queue would (tests/core/realtime/test_scale_out_processes.py runs the
    real queue between two server processes)."""
    return {"REDIS_URL": url, "SOCKETIO_MESSAGE_QUEUE": "", **more}
