"""Helpers of the deploy tests: the files of deploy/ rendered for a test run (ports, folders, the
checkout instead of /opt/intranet), never copied into the tests, so a wrong deploy file fails them."""

from __future__ import annotations

import os
import re
import resource
import secrets
import shlex
import subprocess
import time
from pathlib import Path

import requests

from intranet.platform.config import ROOT

DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
SITE = DEPLOY / "nginx" / "intranet.conf"
ENV_TEMPLATE = DEPLOY / "intranet.env.example"


def exec_lines(unit: Path) -> list[str]:
    """The ``ExecStart=`` command lines of a unit (continuation lines joined)."""
    text = unit.read_text().replace("\\\n", " ")
    return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith("ExecStart=")]


def unit_environment(unit: Path) -> dict[str, str]:
    """The unit's own ``Environment=KEY=value`` lines (defaults the env file may override)."""
    lines = unit.read_text().splitlines()
    return dict(line.split("=", 2)[1:] for line in lines if line.startswith("Environment="))


def unit_command(unit: Path, environment: dict[str, str], instance: str = "") -> list[str]:
    """The unit's single ExecStart as systemd would run it on this checkout: ``${VAR}`` from the
    environment, ``%i`` the instance name."""
    (line,) = exec_lines(unit)
    line = line.replace("/opt/intranet", str(ROOT)).replace("%i", instance)
    line = re.sub(r"\$\{(\w+)\}", lambda m: environment[m.group(1)], line)
    return shlex.split(line)


def env_file_environment(path: Path) -> dict[str, str]:
    """An environment file as sh reads it (systemd's EnvironmentFile= reads the same values)."""
    shown = subprocess.run(["sh", "-c", 'set -a; . "$0"; set +a; env -0', str(path)],
                           env={"PATH": os.environ["PATH"]}, capture_output=True, check=True).stdout
    pairs = (item.split("=", 1) for item in shown.decode().split("\0") if "=" in item)
    return {k: v for k, v in pairs if k.startswith(("INTRANET_", "GUNICORN_"))}


def render_env_file(tmp: Path, database_url: str, redis_port: int, **more: str) -> Path:
    """deploy/intranet.env.example with a secret, this run's database, Redis port and folders
    under ``tmp``; every other line as shipped; ``more``: extra settings appended (KEY=value)."""
    shipped = "postgresql+psycopg://intranet:CHANGE-ME@127.0.0.1:5432/intranet?"
    rendered = (ENV_TEMPLATE.read_text()
                .replace("INTRANET_SECRET_KEY=\n", f"INTRANET_SECRET_KEY={secrets.token_urlsafe(48)}\n")
                .replace(shipped, f"{database_url}?")
                .replace("redis://127.0.0.1:6379/", f"redis://127.0.0.1:{redis_port}/")
                .replace("/var/lib/intranet/", f"{tmp}/"))
    assert database_url in rendered, "the template's INTRANET_DATABASE_URL changed: update this helper"
    rendered += "".join(f'{key}="{value}"\n' for key, value in more.items())
    path = tmp / "intranet.env"
    path.write_text(rendered)
    return path


def wait_until_served(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Until ``url`` answers at all; raises with the end of ``log`` if ``proc`` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{proc.args[0]} exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            requests.get(url, timeout=5, verify=False)
            return
        except requests.RequestException:  # not listening yet, or still loading the app
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer:\n{log.read_text(errors='replace')[-3000:]}")


def nginx_config(tmp: Path, http: int, https: int, upstreams: list[int], extra_http: str = "",
                 connections: int = 256) -> Path:
    """deploy/nginx/intranet.conf on loopback ports with a self-signed certificate, inside a
    minimal nginx.conf that runs as the test's user with its files under ``tmp``."""
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
                    "-subj", "/CN=intranet.example.com"], check=True, capture_output=True)
    site = SITE.read_text()
    site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)  # no IPv6 in every test box
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http};")
    site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{https} ssl")
    site = site.replace("127.0.0.1:8001", f"127.0.0.1:{upstreams[0]}")
    site = site.replace("127.0.0.1:8002", f"127.0.0.1:{upstreams[1]}")
    site = site.replace("/etc/ssl/certs/intranet.example.com.pem", str(cert))
    site = site.replace("/etc/ssl/private/intranet.example.com.key", str(key))
    site = site.replace("/opt/intranet/static/", f"{ROOT / 'static'}/")
    (tmp / "site.conf").write_text(site)
    temp = "\n".join(f"  {kind}_temp_path {tmp / kind};" for kind in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = tmp / "nginx.conf"
    conf.write_text(f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} warn;
worker_rlimit_nofile {min(resource.getrlimit(resource.RLIMIT_NOFILE)[1], max(1024, 4 * connections))};
events {{ worker_connections {connections}; }}
http {{
  include /etc/nginx/mime.types;
  access_log off;
{temp}
{extra_http}
  include {tmp / "site.conf"};
}}
""")
    return conf


def start_nginx(conf: Path, tmp: Path) -> subprocess.Popen:
    """``nginx -t`` then nginx in the foreground with ``tmp`` as its prefix."""
    args = ["nginx", "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")]
    checked = subprocess.run([*args, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    return subprocess.Popen(args, stdout=(tmp / "nginx.log").open("w"), stderr=subprocess.STDOUT)


def stop(started: list[subprocess.Popen]) -> None:
    """Terminate, newest first; kill what has not ended after 15 s."""
    for proc in reversed(started):
        proc.terminate()
    for proc in started:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
