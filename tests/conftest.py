"""Fixtures: a real database and index folder per test, real test clients, a named cast.

The suite runs on either backend: SQLite (default) or PostgreSQL (``pytest --db=postgresql``,
a throwaway server started by ``tests/pg_server.py``); ``make test`` runs both. The schema is
migrated once per session with Alembic (so migrations are tested on both) into a template: a
SQLite file copied for each test, or a PostgreSQL database each test's database is created from.
Tests of a SQLite-only fast path are marked ``sqlite_only``: on PostgreSQL the same suite then
tests its portable twin.
"""

from __future__ import annotations

import secrets
import shutil
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from intranet import create_app
from intranet.actions.groups import do_create_group, do_set_member
from intranet.actions.users import do_create_department, do_create_user
from intranet.platform import db
from intranet.platform.events import emitted
from intranet.platform.extensions import limiter, socketio
from intranet.platform.migrate import upgrade
from intranet.platform.sessions import login_keys
from intranet.search.index.indexer import drain
from tests import pg_server
from tests.mail_helpers import send_mail, smtp_server  # noqa: F401 (fixtures for every test)
from tests.thread_guard import background_threads_end_with_the_test  # noqa: F401 (every test)

PASSWORD = "correct horse 42"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", choices=("sqlite", "postgresql"), default="sqlite",
                     help="the database backend the suite runs on (make test runs both)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: tests a SQLite-only fast path (its portable twin "
                            "is covered by the same suite on PostgreSQL)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--db") == "sqlite":
        return
    skip = pytest.mark.skip(reason="SQLite-only fast path: its portable twin runs on this backend")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


def _config(tmp: Any, database_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SECRET_KEY": "tests-" + secrets.token_hex(8),
        "DATABASE_URL": database_url,
        "SEARCH_INDEX_DIR": str(tmp / "index"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "SEARCH_INDEXER_THREAD": False,  # tests drain the outbox synchronously (drain_index)
        "MAIL_SENDER_THREAD": False,  # tests send synchronously (tests/mail_helpers.py)
        "SQLITE_CHECKPOINT_SECONDS": 0,  # no checkpoint thread per test app (test_checkpoint.py)
        "SELF_REGISTRATION_DOMAINS": ("example.com",),
        "PRESENCE_BATCH_SECONDS": 0,  # presence sent at once: tests read it right after the change
    }


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def postgres(backend: str) -> Iterator[pg_server.Server | None]:
    """The run's PostgreSQL server (None on SQLite)."""
    if backend != "postgresql":
        yield None
        return
    server = pg_server.start()
    yield server
    server.stop()


class Databases:
    """Per-test databases, migrated once per session.

    SQLite: a copy of the migrated template file. PostgreSQL: ``CREATE DATABASE ... TEMPLATE``
    costs ~0.5 s for our schema, so tests take turns on eight migrated databases, each emptied
    before its test (connections left by earlier tests ended, every table's rows deleted with
    foreign-key triggers off, sequences restarted: ~15 ms). Taking turns keeps a background thread
    an earlier test left finishing (a reply sender's retry) out of the next test's database.
    ``dedicated=True`` (the demo, the browser server) gets a database of its own from the template.
    """

    TEMPLATE = "intranet_template"
    SHARED = tuple(f"intranet_test_{n}" for n in range(8))

    def __init__(self, server: pg_server.Server | None, folder: Any) -> None:
        self.server, self.folder = server, folder
        self.admin = (create_engine(server.database_url("postgres"), isolation_level="AUTOCOMMIT")
                      if server else None)
        self._wipe: str | None = None
        self._turn = 0

    def template_url(self) -> str:
        if self.server is None:
            return f"sqlite:///{self.folder / 'template.db'}"
        for name in (*self.SHARED, self.TEMPLATE):
            self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._sql(f'CREATE DATABASE "{self.TEMPLATE}"')
        return self.server.database_url(self.TEMPLATE)

    def migrated(self) -> None:
        """The template is at head: make the shared database from it."""
        if self.server is not None:
            for name in self.SHARED:
                self._sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.TEMPLATE}"')
            self.shared = {name: create_engine(self.server.database_url(name), poolclass=NullPool)
                           for name in self.SHARED}

    def new(self, tmp: Any, *, dedicated: bool = False) -> str:
        """An empty, migrated database; its URL."""
        if self.server is None:
            shutil.copy(self.folder / "template.db", tmp / "intranet.db")
            return f"sqlite:///{tmp / 'intranet.db'}"
        if dedicated:
            name = "t_" + uuid.uuid4().hex[:16]
            self._sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.TEMPLATE}"')
            return self.server.database_url(name)
        name = self.SHARED[self._turn % len(self.SHARED)]
        self._turn += 1
        self._empty(name)
        return self.server.database_url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        if self.server is not None and name.startswith("t_"):
            self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _empty(self, name: str) -> None:
        self._sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
        with self.shared[name].begin() as conn:
            if self._wipe is None:
                tables = conn.scalars(text("SELECT quote_ident(tablename) FROM pg_tables WHERE "
                                           "schemaname = 'public' AND tablename <> 'alembic_version'"))
                sequences = conn.scalars(text("SELECT quote_ident(sequencename) FROM pg_sequences "
                                              "WHERE schemaname = 'public'"))
                self._wipe = "; ".join([*(f"DELETE FROM {t}" for t in tables),
                                        *(f"SELECT setval('{q}', 1, false)" for q in sequences)])
            conn.execute(text("SET LOCAL lock_timeout = '10s'"))  # a leaked transaction fails loudly
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # no FK triggers
            conn.exec_driver_sql(self._wipe)

    def _sql(self, statement: str) -> None:
        assert self.admin is not None
        with self.admin.connect() as conn:
            conn.execute(text(statement))


@pytest.fixture(scope="session")
def databases(postgres: pg_server.Server | None, tmp_path_factory: pytest.TempPathFactory) -> Databases:
    """The migrated template, once per session (migrations run on the backend under test)."""
    folder = tmp_path_factory.mktemp("template")
    dbs = Databases(postgres, folder)
    app = create_app(_config(folder, dbs.template_url()))
    with app.app_context():
        upgrade()
        db.engine().dispose()
    dbs.migrated()
    return dbs


@pytest.fixture(scope="session")
def template_db(databases: Databases, backend: str) -> Any:
    """The migrated SQLite template file (tests of SQLite-only paths)."""
    if backend != "sqlite":
        pytest.skip("a SQLite file: this test runs on SQLite only")
    return databases.folder / "template.db"


@pytest.fixture
def database_url(tmp_path: Any, databases: Databases) -> Iterator[str]:
    """A fresh, migrated database for this test (for apps a test builds itself)."""
    url = databases.new(tmp_path)
    yield url
    databases.drop(url)


@pytest.fixture
def app(tmp_path: Any, database_url: str) -> Iterator[Flask]:
    app = create_app(_config(tmp_path, database_url))
    limiter.reset()
    yield app
    with app.app_context():
        db.engine().dispose()


@pytest.fixture
def allow_local_outbound(app: Flask) -> Flask:
    """Tests' local receivers (feeds, reply webhooks) listen on 127.0.0.1, which the outbound
    guard refuses unless the administrator allows it, as production would in OUTBOUND_ALLOW."""
    app.config["OUTBOUND_ALLOW"] = ("127.0.0.1",)
    return app


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
        """Log in through the session, as the login form would: a server-side login row
        (``platform.sessions``) and its key in the cookie."""
        with self.app.app_context():
            keys = login_keys(user)
        with self.raw.session_transaction() as sess:
            sess.update(keys)
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


# ---- Redis: a real server for the scale-out tests (tests/redis_testserver.py) ------------------
# Imported here rather than at the top so that this block stays self-contained.
from tests import redis_testserver  # noqa: E402


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One redis-server for the session (free loopback port, temp folder); its URL. Tests that
    need it skip, saying why, when redis-server is not installed."""
    if redis_testserver.binary() is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server): "
                    "the scale-out tests need one")
    server = redis_testserver.start(tmp_path_factory.mktemp("redis"))
    yield server.url
    server.stop()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The session's Redis, emptied for this test."""
    redis_testserver.flush(redis_server)
    return redis_server
