"""Fixtures: a real SQLite file and index folder per test, real test clients, a named cast.

The schema is migrated once per session with Alembic (so migrations are tested) and the file is
copied for each test, which keeps the suite fast without sharing state between tests.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.orm import Session

from intranet import create_app
from intranet.actions.groups import do_create_group, do_set_member
from intranet.actions.users import do_create_department, do_create_user
from intranet.platform import db
from intranet.platform.events import emitted
from intranet.platform.extensions import limiter, socketio
from intranet.platform.migrate import upgrade
from intranet.search.index.indexer import drain

PASSWORD = "correct horse 42"


def _config(tmp: Any, db_file: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SECRET_KEY": "tests-" + secrets.token_hex(8),
        "DATABASE_URL": f"sqlite:///{db_file}",
        "SEARCH_INDEX_DIR": str(tmp / "index"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "SEARCH_INDEXER_THREAD": False,  # tests drain the outbox synchronously (drain_index)
        "SQLITE_CHECKPOINT_SECONDS": 0,  # no checkpoint thread per test app (test_checkpoint.py)
        "SELF_REGISTRATION_DOMAINS": ("example.com",),
        "PRESENCE_BATCH_SECONDS": 0,  # presence sent at once: tests read it right after the change
    }


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Any:

    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    app = create_app(_config(folder, path))
    with app.app_context():
        upgrade()
        db.engine().dispose()
    return path


@pytest.fixture
def app(tmp_path: Any, template_db: Any) -> Iterator[Flask]:
    db_file = tmp_path / "intranet.db"
    shutil.copy(template_db, db_file)
    app = create_app(_config(tmp_path, db_file))
    limiter.reset()
    yield app
    with app.app_context():
        db.engine().dispose()


@pytest.fixture
def session(app: Flask) -> Iterator[Any]:
    """A plain session on the test database, for arranging data and checking results.

    It pushes no app context on purpose: test-client requests reuse a pushed context, and
    would then share ``g`` (the logged-in user) and the scoped session with each other.
    """
    with app.app_context():
        engine = db.engine()
    with Session(engine, expire_on_commit=False) as s:
        yield s


class WebClient:
    """Flask's test client plus login and CSRF handling, as a browser would have them."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app, self.raw = app, client
        self._token: str | None = None

    def login(self, user: Any) -> WebClient:
        """Log in through the session, as Flask-Login would after the login form."""
        with self.raw.session_transaction() as sess:
            sess["_user_id"] = str(user.id)
            sess["_fresh"] = True
        return self

    def csrf_token(self) -> str:
        if self._token is None:
            raw = secrets.token_hex(20)
            with self.raw.session_transaction() as sess:
                sess["csrf_token"] = raw
            signer = URLSafeTimedSerializer(self.app.secret_key, salt="wtf-csrf-token")
            self._token = signer.dumps(raw)
        return self._token

    def _send(self, method: str, url: str, **kw: Any) -> Any:
        headers = dict(kw.pop("headers", {}) or {})
        headers.setdefault("X-CSRFToken", self.csrf_token())
        return self.raw.open(url, method=method, headers=headers, **kw)

    def get(self, url: str, **kw: Any) -> Any:
        return self.raw.get(url, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self._send("POST", url, **kw)

    def patch(self, url: str, **kw: Any) -> Any:
        return self._send("PATCH", url, **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self._send("DELETE", url, **kw)


@pytest.fixture
def web(app: Flask) -> WebClient:
    return WebClient(app, app.test_client())


@pytest.fixture
def make_web(app: Flask) -> Any:
    """Several independent browsers (one per colleague)."""
    return lambda: WebClient(app, app.test_client())


@pytest.fixture
def socket_for(app: Flask) -> Any:
    """A Socket.IO test client sharing a WebClient's cookies, or authenticated by token."""
    clients: list[Any] = []

    def connect(web: WebClient | None = None, auth: dict | None = None) -> Any:
        sc = socketio.test_client(app, flask_test_client=web.raw if web else None, auth=auth)
        clients.append(sc)
        return sc

    yield connect
    for sc in clients:
        if sc.is_connected():
            sc.disconnect()


@pytest.fixture
def captured_events() -> Iterator[list[dict]]:
    """Every event emitted after commit, with its rooms."""
    seen: list[dict] = []

    def record(type_: str, data: dict, rooms: list[str]) -> None:
        seen.append({"type": type_, "data": data, "rooms": rooms})

    emitted.connect(record)
    yield seen
    emitted.disconnect(record)


@pytest.fixture
def cast(app: Flask) -> SimpleNamespace:
    """The named people and groups most tests use, created through the real actions.

    - alice: Marketing employee; bob: Service client employee (another department);
    - lea: lead of the Marketing department group; admin: administrator;
    - apollo: private project group (lea lead, alice member);
    - coffee: public community group (bob lead); board: secret group (admin lead).
    """

    with app.app_context(), db.transaction() as s:
        marketing = do_create_department(s, "Marketing", acting_user=None)
        service = do_create_department(s, "Service client", acting_user=None)
        alice = do_create_user(s, "alice@example.com", "Alice Martin", PASSWORD, department=marketing,
                               job_title="Brand manager")
        bob = do_create_user(s, "bob@example.com", "Bob Durand", PASSWORD, department=service,
                             job_title="Support agent")
        lea = do_create_user(s, "lea@example.com", "Léa Bernard", PASSWORD, department=marketing,
                             job_title="Head of marketing")
        admin = do_create_user(s, "admin@example.com", "Ada Admin", PASSWORD, is_admin=True)
        do_set_member(s, admin, marketing.group, lea, "lead")
        apollo = do_create_group(s, lea, "Project Apollo", visibility="private", kind="project")
        do_set_member(s, lea, apollo, alice, "member")
        coffee = do_create_group(s, bob, "Coffee lovers", visibility="public", kind="community")
        board = do_create_group(s, admin, "Board", visibility="secret", kind="project")
        ns = SimpleNamespace(
            alice=alice, bob=bob, lea=lea, admin=admin, marketing=marketing, service=service,
            marketing_group=marketing.group, service_group=service.group,
            apollo=apollo, coffee=coffee, board=board,
        )
    return ns


@pytest.fixture
def drain_index(app: Flask) -> Any:
    """Run the search indexer synchronously (its thread is off in tests); returns rows drained."""

    def run() -> int:
        with app.app_context():
            return drain()
    return run
