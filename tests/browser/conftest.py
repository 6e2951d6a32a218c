"""Browser tests: the real app under gunicorn, driven by Debian's Chromium through Playwright.

One server per test session (``gunicorn -w 1 --threads N wsgi:app``, the production shape) on a
fresh SQLite file migrated by Alembic, with a few colleagues created through the real actions.
Each test opens its own browser contexts (one per person) and logs in through the login form.
Tests share the database, so each writes text with a unique token and looks only for that.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from intranet import create_app
from intranet.actions.groups import do_create_group, do_set_member
from intranet.actions.users import do_create_department, do_create_user
from intranet.platform import db
from intranet.platform.config import ROOT
from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CSP_RECORDER,
    DEFAULT_TIMEOUT_MS,
    PASSWORD,
    chromium_missing_reason,
    log_in,
    wait_live,
)

STARTUP_TIMEOUT_S = 120


# ---- data and server ---------------------------------------------------------------------------


def _server_config(folder: Path, database_url: str) -> dict[str, str]:
    return {
        "SECRET_KEY": "browser-" + secrets.token_hex(8),
        "DATABASE_URL": database_url,
        "SEARCH_INDEX_DIR": str(folder / "index"),
        "UPLOAD_DIR": str(folder / "uploads"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "LOGIN_RATE_LIMIT": "1000 per minute",  # every test logs in through the form
        "OUTBOUND_ALLOW": "127.0.0.1",  # the inbox test's reply receiver listens there
    }


PEOPLE = {  # username: (name, department)
    "alice": ("Alice Martin", "Marketing"),
    "bob": ("Bob Durand", "Service client"),
    "lea": ("Léa Bernard", "Marketing"),
    "carol": ("Carol Petit", "Service client"),  # switches languages; nobody else needs her
    "admin": ("Ada Admin", None),
}


def _seed(config: dict[str, str]) -> SimpleNamespace:
    """The colleagues and groups the tests use, created through the real actions.

    Project Apollo is a private group of lea (lead) and alice; bob and carol are outsiders."""

    app = create_app(dict(config))
    with app.app_context():
        with db.transaction() as s:
            departments = {name: do_create_department(s, name, acting_user=None)
                           for name in ("Marketing", "Service client")}
            users = {
                username: do_create_user(s, f"{username}@example.com", name, PASSWORD,
                                         department=departments.get(dept), is_admin=username == "admin")
                for username, (name, dept) in PEOPLE.items()
            }
            apollo = do_create_group(s, users["lea"], "Project Apollo", visibility="private", kind="project")
            do_set_member(s, users["lea"], apollo, users["alice"], "member")
            seeded = SimpleNamespace(
                apollo=SimpleNamespace(id=apollo.id, name=apollo.name),
                **{username: SimpleNamespace(id=u.id, name=u.name) for username, u in users.items()},
            )
        db.engine().dispose()
    return seeded


def _wait_for_port(log: Path, proc: subprocess.Popen) -> int:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text(errors="replace"))
        if found:
            return int(found.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text(errors='replace')}")


def _wait_until_serving(url: str) -> None:
    """The worker has imported the app once the login page answers."""

    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=2):
                return
        except urllib.error.HTTPError:
            raise
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.05)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, databases: Any) -> Iterator[SimpleNamespace]:
    """gunicorn serving the app on a free port; yields its url and the seeded people."""
    if reason := chromium_missing_reason():
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("browser")
    config = _server_config(folder, databases.new(folder, dedicated=True))  # from the template migrated once
    seeded = _seed(config)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTRANET_")}
    env.update({f"INTRANET_{k}": v for k, v in config.items()})
    log = folder / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "-w", "1", "--threads", "32",
             "-b", "127.0.0.1:0", "--graceful-timeout", "2", "--no-control-socket", "--log-level", "info",
             "wsgi:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{_wait_for_port(log, proc)}"
        _wait_until_serving(url)
        yield SimpleNamespace(url=url, people=seeded, log=log, config=config)
    finally:
        proc.send_signal(signal.SIGINT)  # quick shutdown: open websockets must not hold it up
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(autouse=True)
def no_server_errors(live_server: SimpleNamespace) -> Iterator[None]:
    """A page may hide a failed request; the server's log does not: no traceback in any test."""
    start = live_server.log.stat().st_size
    yield
    with live_server.log.open("rb") as log:
        log.seek(start)
        written = log.read().decode(errors="replace")
    # A page left while its socket upgrades used to log engine.io's OSError here; it is quiet
    # now (intranet/realtime/closing.py), so any traceback or ERROR is ours.
    assert "Traceback" not in written and "[ERROR]" not in written, written


# ---- browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(live_server: SimpleNamespace) -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright  # noqa: PLC0415 - browser tests skip when Playwright is not installed

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Person:
    """One colleague's browser: a context of its own, its page, and what its console said."""

    name: str
    context: Any
    page: Any
    errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")


@pytest.fixture(scope="session")
def signed_in() -> dict[str, Any]:
    """Each colleague's cookies after their first login through the form, reused by later
    contexts (a new context is a fresh browser profile that stays signed in)."""
    return {}


@pytest.fixture
def open_browser(browser: Any, live_server: SimpleNamespace,
                 signed_in: dict[str, Any]) -> Iterator[Callable[..., Person]]:
    """Open a fresh browser context, signed in as ``name`` on the home feed unless ``login=False``.

    The first time a colleague is needed they log in through the login form."""
    opened: list[Person] = []

    def open_(name: str = "anonymous", *, login: bool = True) -> Person:
        state = signed_in.get(name) if login else None
        context = browser.new_context(base_url=live_server.url, locale="en-GB", storage_state=state,
                                      viewport={"width": 1200, "height": 900})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.add_init_script(CSP_RECORDER)
        page = context.new_page()
        person = Person(name, context, page)
        page.on("console", lambda msg: msg.type == "error" and person.errors.append(msg.text))
        page.on("pageerror", lambda exc: person.errors.append(f"uncaught: {exc}"))
        opened.append(person)
        if login and state is None:
            log_in(page, f"{name}@example.com", PASSWORD)
            signed_in[name] = context.storage_state()
        elif login:
            page.goto("/")
            wait_live(page)
        return person

    yield open_
    for person in opened:
        person.context.close()
