"""deploy/: the production setup is checked, not just written down.

- the environment template names only settings that exist, with their real defaults, and gives
  the scale-out configuration once loaded;
- the systemd units pass ``systemd-analyze verify`` and run commands the app has;
- the nginx site passes ``nginx -t`` and, in front of two real gunicorn servers started with the
  unit's own command line, serves pages, static files, a websocket and sticky long-polling, and
  refuses bodies over the app's upload limit.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import ssl
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests
import websocket

from intranet import create_app
from intranet.platform.config import ROOT, Config, ProductionConfig, _coerce, load_config
from tests.conftest import _config
from tests.deploy_helpers import (
    DEPLOY,
    ENV_TEMPLATE,
    SITE,
    UNITS,
    env_file_environment,
    exec_lines,
    nginx_config,
    start_nginx,
    stop,
    unit_command,
    unit_environment,
    wait_until_served,
)
from tests.ports import free_port

SETTING = re.compile(r"^#?(INTRANET_[A-Z0-9_]+)=(.*)$")
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")  # self-signed


def _template_lines() -> list[tuple[str, str, bool]]:
    """(name, raw value, commented) for every INTRANET_* line of the template."""
    found = []
    for line in ENV_TEMPLATE.read_text().splitlines():
        if m := SETTING.match(line.strip()):
            found.append((m.group(1), m.group(2), line.startswith("#")))
    return found


def _template_environment() -> dict[str, str]:
    """The template as sh reads it (systemd reads the same values: one KEY=value a line)."""
    return env_file_environment(ENV_TEMPLATE)


# ---- the environment template -----------------------------------------------------------------

def test_the_env_template_names_only_real_settings_with_their_real_defaults():
    for name, raw, commented in _template_lines():
        setting = name.removeprefix("INTRANET_")
        if setting == "ENV":  # read by config_class(), not a setting
            continue
        assert hasattr(Config, setting), f"{name} is not a setting of intranet/platform/config.py"
        if commented and not raw.startswith("acme"):  # "defaults shown": they must be the defaults
            assert _coerce(raw.strip('"'), getattr(Config, setting)) == getattr(Config, setting), name


def test_the_env_template_configures_the_scale_out_path(tmp_path, monkeypatch):
    environment = _template_environment()
    assert environment["INTRANET_SECRET_KEY"] == ""  # left for the administrator to fill
    for key in [k for k in os.environ if k.startswith("INTRANET_")]:
        monkeypatch.delenv(key)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(RuntimeError, match="INTRANET_SECRET_KEY"):  # production refuses to start
        load_config(ProductionConfig, {}, str(tmp_path))
    monkeypatch.setenv("INTRANET_SECRET_KEY", "x" * 64)
    config = load_config(ProductionConfig, {}, str(tmp_path))
    assert config["DATABASE_URL"].startswith("postgresql+psycopg://intranet:")
    assert config["SOCKETIO_MESSAGE_QUEUE"].startswith("redis://")
    assert config["RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert config["TRUSTED_PROXIES"] == 1
    assert config["SEARCH_INDEXER_THREAD"] is False and config["INBOX_SCHEDULER"] is False
    assert config["INBOX_PROCESSING"] == "external"
    assert config["UPLOAD_DIR"].startswith("/var/lib/intranet/")
    assert config["SEARCH_INDEX_DIR"].startswith("/var/lib/intranet/")
    assert config["SELF_REGISTRATION_DOMAINS"] == ()
    assert config["SESSION_COOKIE_SECURE"] is True


# ---- systemd ----------------------------------------------------------------------------------

def test_units_run_commands_the_app_has(tmp_path):
    url = f"sqlite:///{tmp_path / 'never-opened.db'}"
    app = create_app({**_config(tmp_path, url), "DATABASE_URL": url})
    seen = set()
    for unit in sorted(UNITS.glob("*.service")):
        for line in exec_lines(unit):
            words = shlex.split(line.replace("$$", "$").replace("%%", "%"))
            if words[:3] == ["/bin/sh", "-c", words[2]]:
                words = shlex.split(words[2])[1:]  # exec flask ...
            if words[0].endswith("/flask"):
                assert words[1:3] == ["--app", "wsgi"], unit.name
                command, *rest = words[3:]
                found = app.cli.get_command(None, command)
                assert found is not None, f"{unit.name}: flask {command}"
                if rest and not rest[0].startswith(("-", "/", '"')) and hasattr(found, "get_command"):
                    assert found.get_command(None, rest[0]) is not None, f"{unit.name}: {words[3:]}"
                seen.add(" ".join(words[3:5]))
    assert {"search worker", "inbox process", "inbox poll", "inbox sla", "sweep-files"} <= seen
    assert any(s.startswith("backup") for s in seen)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_units_verify_cleanly(tmp_path):
    """``systemd-analyze verify`` on copies whose /opt/intranet is this checkout (it checks that
    the commands exist); any warning (an unknown key, a bad value) fails."""
    for unit in UNITS.iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace("/opt/intranet", str(ROOT)))
    shutil.copy(tmp_path / "intranet-web@.service", tmp_path / "intranet-web@8001.service")  # an instance
    names = sorted(str(p) for p in tmp_path.iterdir())
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *names], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_web_unit_matches_the_nginx_upstreams():
    unit = (UNITS / "intranet-web@.service").read_text()
    target = (UNITS / "intranet.target").read_text()
    upstreams = re.findall(r"server 127\.0\.0\.1:(\d+)", SITE.read_text())
    assert len(upstreams) == 2
    assert {f"intranet-web@{p}.service" for p in upstreams} <= set(re.findall(r"[\w@.-]+\.service", target))
    assert "--bind 127.0.0.1:%i" in unit and "--workers 1" in unit


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("runuser") is None, reason="runuser needs root")
def test_intranet_flask_runs_commands_with_the_services_settings(tmp_path, template_db):
    shutil.copy(template_db, tmp_path / "intranet.db")
    env_file = tmp_path / "intranet.env"
    env_file.write_text(f"INTRANET_SECRET_KEY=k\nINTRANET_DATABASE_URL=sqlite:///{tmp_path}/intranet.db\n"
                        f"INTRANET_SEARCH_INDEX_DIR={tmp_path}/index\nINTRANET_UPLOAD_DIR={tmp_path}/uploads\n"
                        'INTRANET_LOGIN_RATE_LIMIT="5 per minute"\n')
    settings = {"PATH": os.environ["PATH"], "APP_DIR": str(ROOT), "ENV_FILE": str(env_file),
                "APP_USER": "root"}  # the script's defaults: /opt/intranet, its env file, intranet
    done = subprocess.run([str(DEPLOY / "intranet-flask"), "search", "status"], env=settings,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"index folder: {tmp_path}/index/" in done.stdout and "pending outbox rows: 0" in done.stdout


# ---- nginx ------------------------------------------------------------------------------------

def test_nginx_body_limit_is_the_apps_upload_limit():
    limit = re.search(r"client_max_body_size\s+(\d+)([km]?);", SITE.read_text())
    assert limit is not None
    size = int(limit.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[limit.group(2)]
    assert size == Config.MAX_CONTENT_LENGTH



def _gunicorn(port: int, tmp: Path, environment: dict[str, str]) -> subprocess.Popen:
    """The unit's own command line, on this checkout and ``port`` (its default gthread worker:
    these servers share a SQLite file, which the env file's gevent worker refuses)."""
    unit = UNITS / "intranet-web@.service"
    command = unit_command(unit, {**unit_environment(unit), "GUNICORN_THREADS": "20"}, str(port))
    log = tmp / f"gunicorn-{port}.log"
    proc = subprocess.Popen([*command, "--access-logfile", str(tmp / f"access-{port}.log")],
                            cwd=ROOT, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT)
    wait_until_served(f"http://127.0.0.1:{port}/healthz", proc, log)
    return proc


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory, template_db) -> Any:
    """Two gunicorn servers on one SQLite copy, nginx with the site in front; https base URL."""
    if shutil.which("nginx") is None or shutil.which("openssl") is None:
        pytest.skip("nginx and openssl are needed (apt-get install nginx openssl)")
    tmp_path = tmp_path_factory.mktemp("nginx")
    shutil.copy(template_db, tmp_path / "intranet.db")
    environment = {
        "PATH": os.environ["PATH"], "INTRANET_SECRET_KEY": "deploy-test-" + "x" * 40,
        "INTRANET_DATABASE_URL": f"sqlite:///{tmp_path / 'intranet.db'}",
        "INTRANET_UPLOAD_DIR": str(tmp_path / "uploads"),
        "INTRANET_SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "INTRANET_TRUSTED_PROXIES": "1", "INTRANET_SEARCH_INDEXER_THREAD": "0",
        "INTRANET_INBOX_SCHEDULER": "0", "INTRANET_INBOX_PROCESSING": "external",
    }
    started: list[subprocess.Popen] = []
    try:
        upstreams = [free_port(), free_port()]
        for port in upstreams:
            started.append(_gunicorn(port, tmp_path, environment))
        http, https = free_port(), free_port()
        started.append(start_nginx(nginx_config(tmp_path, http, https, upstreams), tmp_path))
        wait_until_served(f"https://127.0.0.1:{https}/healthz", started[-1], tmp_path / "error.log")
        yield {"https": f"https://127.0.0.1:{https}", "http": f"http://127.0.0.1:{http}",
               "port": https, "logs": [tmp_path / f"access-{p}.log" for p in upstreams]}
    finally:
        stop(started)


def test_nginx_serves_the_app_its_static_files_and_its_probes(behind_nginx):
    base = behind_nginx["https"]
    alive = requests.get(f"{base}/healthz", verify=False)
    assert alive.status_code == 200 and alive.json() == {"status": "ok"}
    ready = requests.get(f"{base}/readyz", verify=False)  # from 127.0.0.1: allowed
    assert ready.status_code == 200 and ready.json()["checks"]["database"]["status"] == "ok"
    plain = requests.get(f"{behind_nginx['http']}/healthz", allow_redirects=False)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    static = requests.get(f"{base}/static/js/live.js", verify=False)
    assert static.status_code == 200 and static.content == (ROOT / "static/js/live.js").read_bytes()
    assert static.headers["Cache-Control"] == "no-cache"
    assert "Content-Security-Policy" not in static.headers  # nginx's, not the app's
    page = requests.get(f"{base}/login", verify=False)
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers


def test_nginx_refuses_bodies_over_the_apps_limit(behind_nginx):
    base = behind_nginx["https"]
    over = requests.post(f"{base}/login", data=b"x" * (Config.MAX_CONTENT_LENGTH + 1), verify=False)
    assert over.status_code == 413 and "nginx" in over.text
    under = requests.post(f"{base}/login", data=b"x" * (Config.MAX_CONTENT_LENGTH - 1024), verify=False,
                          headers={"Content-Type": "application/octet-stream"})
    assert under.status_code != 413  # reached the app (which wants a CSRF token)


def test_long_polling_sticks_to_one_server_and_websockets_upgrade(behind_nginx):
    base, port = behind_nginx["https"], behind_nginx["port"]
    for n in range(12):  # twelve browsers: different User-Agents spread over both servers
        browser = requests.Session()
        browser.headers["User-Agent"] = f"Browser/{n}"
        opened = browser.get(f"{base}/socket.io/?EIO=4&transport=polling", verify=False)
        assert opened.status_code == 200 and opened.text.startswith("0"), opened.text
        sid = json.loads(opened.text[1:])["sid"]
        for _ in range(3):  # a pong: the server holding the session answers "ok", the other 400
            sent = browser.post(f"{base}/socket.io/?EIO=4&transport=polling&sid={sid}", data="3",
                                verify=False, timeout=10)
            assert (sent.status_code, sent.text.lower()) == (200, "ok")
    assert all(log.read_text().count("/socket.io/") > 0 for log in behind_nginx["logs"])

    ws = websocket.create_connection(f"wss://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket",
                                     sslopt={"cert_reqs": ssl.CERT_NONE}, origin=f"https://127.0.0.1:{port}",
                                     timeout=10)
    try:
        opened = ws.recv()
        assert opened.startswith("0") and "sid" in json.loads(opened[1:])
    finally:
        ws.close()
