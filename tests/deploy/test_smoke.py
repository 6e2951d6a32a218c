"""CI smoke test of the scale-out deployment, started from the files in deploy/ and nothing else:
PostgreSQL (a role with a password, as README step 4), Redis, the environment template with this
run's ports and folders, two gunicorn servers and the search worker from their systemd units'
ExecStart lines, nginx with the site. Then, as employees would through the proxy:

- log in with the login form (HTTPS, Secure cookies, CSRF);
- a post sent through one web server arrives live on a Socket.IO client held by the other
  (the Redis message queue), once;
- a socket that was away asks ``catch_up`` when it reconnects and gets what it missed;
- a post written through either server is found by search through both.

nginx's sticky hash (client address and User-Agent) decides the server; the test's nginx.conf
(not the site) adds an ``X-Upstream`` header, so the test picks a User-Agent for each server.
It starts its own PostgreSQL, so it runs once, in the default pass of ``make test``.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests
import socketio as socketio_client
from sqlalchemy import create_engine, text

from intranet.platform.config import ROOT
from tests import pg_server
from tests.deploy_helpers import (
    DEPLOY,
    UNITS,
    env_file_environment,
    nginx_config,
    render_env_file,
    start_nginx,
    stop,
    unit_command,
    unit_environment,
    wait_until_served,
)
from tests.ports import free_port

pytestmark = [pytest.mark.smoke,
              pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]
PASSWORD = "a long passphrase 42"
DB_PASSWORD = secrets.token_hex(12)  # hex, as README step 4: nothing to escape in the URL
WEB = UNITS / "intranet-web@.service"


def _eventually(condition: Callable[[], Any], what: str, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
    return value


def _flask(env_file: Path, environment: dict[str, str], *args: str) -> None:
    """An administrator's command: ``intranet-flask`` as root (the service account is root here),
    else what it runs, ``flask --app wsgi`` with the env file's settings."""
    if os.geteuid() == 0 and shutil.which("runuser"):
        command = [str(DEPLOY / "intranet-flask"), *args]
        environment = {"PATH": os.environ["PATH"], "APP_DIR": str(ROOT), "ENV_FILE": str(env_file),
                       "APP_USER": "root"}
    else:
        command = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", *args]
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _service(command: list[str], name: str, tmp: Path, environment: dict[str, str]) -> subprocess.Popen:
    log = tmp / f"{name}.log"
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, backend: str, redis_server: str) -> Iterator[Any]:
    if backend != "sqlite":
        pytest.skip("starts its own PostgreSQL: runs once, in the default pass")
    if pg_server.binaries() is None or shutil.which("nginx") is None or shutil.which("openssl") is None:
        pytest.skip("needs PostgreSQL, nginx and openssl (apt-get install postgresql nginx-light openssl)")
    tmp = tmp_path_factory.mktemp("deployment")
    server = pg_server.start(host_auth="scram-sha-256")
    started: list[subprocess.Popen] = []
    try:
        admin = create_engine(server.admin_url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE ROLE intranet LOGIN PASSWORD '{DB_PASSWORD}'"))
            conn.execute(text("CREATE DATABASE intranet OWNER intranet ENCODING 'UTF8' TEMPLATE template0"))
        admin.dispose()
        redis_port = int(redis_server.rsplit(":", 1)[1].split("/")[0])
        url = f"postgresql+psycopg://intranet:{DB_PASSWORD}@127.0.0.1:{server.port}/intranet"
        env_file = render_env_file(tmp, url, redis_port)
        settings = env_file_environment(env_file)
        environment = {"PATH": os.environ["PATH"], **unit_environment(WEB), **settings}
        _flask(env_file, environment, "init-db")
        for name in ("alice", "bob"):
            _flask(env_file, environment, "create-user", f"{name}@example.com", "--name", name.title(),
                   "--password", PASSWORD)
        ports = [free_port(), free_port()]
        for port in ports:
            command = unit_command(WEB, environment, str(port))
            started.append(_service(command, f"web-{port}", tmp, environment))
        started.append(_service(unit_command(UNITS / "intranet-search-worker.service", environment),
                                "search-worker", tmp, environment))
        for proc, port in zip(started, ports, strict=False):
            wait_until_served(f"http://127.0.0.1:{port}/healthz", proc, tmp / f"web-{port}.log")
        http, https = free_port(), free_port()
        conf = nginx_config(tmp, http, https, ports,
                            extra_http="  add_header X-Upstream $upstream_addr always;")
        started.append(start_nginx(conf, tmp))
        wait_until_served(f"https://127.0.0.1:{https}/healthz", started[-1], tmp / "error.log")
        yield SimpleNamespace(base=f"https://127.0.0.1:{https}", ports=ports, tmp=tmp, procs=started)
    finally:
        stop(started)
        server.stop()
    for log in tmp.glob("*.log"):
        assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")[-3000:]


class Browser:
    """One employee's browser through nginx: cookies, CSRF, and a User-Agent nginx sends to one
    web server."""

    def __init__(self, base: str, user_agent: str) -> None:
        self.base, self.http = base, requests.Session()
        self.http.verify, self.http.trust_env = False, False  # REQUESTS_CA_BUNDLE would win
        self.http.headers["User-Agent"] = user_agent
        self.events: list[dict] = []
        self.sio: socketio_client.Client | None = None

    def upstream(self, response: requests.Response) -> int:
        return int(response.headers["X-Upstream"].rsplit(":", 1)[1])

    def log_in(self, email: str) -> requests.Response:
        form = self.http.get(f"{self.base}/login")
        token = re.search(r'name="csrf-token" content="([^"]+)"', form.text)
        assert token, form.text[:500]
        answer = self.http.post(f"{self.base}/login", data={"csrf_token": token.group(1),
                                                             "email": email, "password": PASSWORD},
                                headers={"Referer": form.url})  # CSRF over HTTPS wants the same origin
        assert answer.status_code == 200, answer.text[:500]
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', answer.text).group(1)  # type: ignore[union-attr]
        return answer

    def post(self, body: str) -> requests.Response:
        return self.http.post(f"{self.base}/api/v1/posts", json={"body": body},
                              headers={"X-CSRFToken": self.csrf, "Referer": f"{self.base}/"})

    def search(self, word: str) -> list[int]:
        found = self.http.get(f"{self.base}/api/v1/search", params={"q": word})
        assert found.status_code == 200, found.text
        return [item["id"] for item in found.json()["items"] if item["kind"] == "post"]

    def connect(self) -> None:
        """A Socket.IO client as the page's: the session cookie, long-polling then websocket."""
        self.sio = socketio_client.Client(http_session=self.http, ssl_verify=False, reconnection=False)
        self.sio.on("*", lambda event, data=None: self.events.append({**(data or {}), "_event": event}))
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        agent = str(self.http.headers["User-Agent"])
        self.sio.connect(self.base, headers={"Cookie": cookies, "User-Agent": agent}, wait_timeout=10)

    def disconnect(self) -> None:
        if self.sio is not None and self.sio.connected:
            self.sio.disconnect()

    def posts_seen(self) -> list[int]:
        return [e["id"] for e in self.events if e["_event"] == "post" and e.get("op") == "add"]


def _agent_for(base: str, port: int) -> str:
    """A User-Agent nginx's sticky hash sends to the web server on ``port``."""
    for n in range(200):
        agent = f"SmokeBrowser/{n}"
        answer = requests.get(f"{base}/healthz", headers={"User-Agent": agent}, verify=False)
        if answer.headers["X-Upstream"].endswith(f":{port}"):
            return agent
    raise AssertionError(f"no User-Agent reaches port {port}")


def test_the_deployment_from_deploy_files_logs_in_delivers_live_catches_up_and_searches(deployment):
    d = deployment
    port_a, port_b = d.ports
    alice = Browser(d.base, _agent_for(d.base, port_a))  # her requests reach server a
    bob = Browser(d.base, _agent_for(d.base, port_b))  # his page's socket is held by server b

    for person, email, port in ((alice, "alice@example.com", port_a), (bob, "bob@example.com", port_b)):
        home = person.log_in(email)
        assert home.status_code == 200 and home.url == f"{d.base}/", home.url
        assert person.upstream(home) == port
        assert any(c.name == "session" and c.secure for c in person.http.cookies)  # production: HTTPS only
    bob.connect()
    assert bob.sio is not None and bob.sio.transport() == "websocket"  # upgraded through nginx
    try:
        first = alice.post("live through server a")
        assert first.status_code == 201 and alice.upstream(first) == port_a, first.text
        first_id = first.json()["id"]
        _eventually(lambda: first_id in bob.posts_seen(), "alice's post on bob's socket held by server b")
        last_seen = max(e["event_id"] for e in bob.events if "event_id" in e)

        bob.disconnect()  # his laptop sleeps; meanwhile two posts, one through each server
        missed = [alice.post("while bob was away, through a"), bob.post("while I was away, through b")]
        assert [alice.upstream(missed[0]), bob.upstream(missed[1])] == [port_a, port_b]
        assert all(m.status_code == 201 for m in missed)
        missed_ids = [m.json()["id"] for m in missed]
        time.sleep(0.5)
        assert not set(missed_ids) & set(bob.posts_seen())  # nothing reached a closed socket
        bob.connect()
        caught = bob.sio.call("catch_up", {"after": last_seen}, timeout=10)  # type: ignore[union-attr]
        assert caught["ok"] and not caught["more"]
        assert [e["id"] for e in caught["events"] if e["type"] == "post"] == missed_ids

        word = f"smoke{secrets.token_hex(4)}"
        written = [alice.post(f"findable {word} through a"), bob.post(f"findable {word} through b")]
        ids = sorted(w.json()["id"] for w in written)
        for person in (alice, bob):  # each searches through the other's server too
            _eventually(lambda p=person: sorted(p.search(word)) == ids,
                        f"both posts found by {person.http.headers['User-Agent']}")
        assert sorted(bob.search(word)) == sorted(alice.search(word)) == ids
    finally:
        bob.disconnect()
