"""Home feed vs. hello-world, on the real server, over loopback.

    python bench/generate.py                  # once: 1M posts into bench/data/bench.db (~1 min)
    python bench/feed_bench.py                # full run on bench/data/bench.db (~2 min)
    python bench/feed_bench.py --quick        # small DB (generated if missing), short runs
    python bench/feed_bench.py --quick --backend postgresql   # the same rows copied into PostgreSQL

The server is the production setup of DESIGN.md §4: ``gunicorn -w 1 --threads 8 wsgi:app``
(one process, threading mode, so Socket.IO rooms stay in-process) with ``INTRANET_ENV=production``.
The bench logs a user in (the real ``/login`` form with its CSRF token when the login view
exists, otherwise a session cookie signed with the server's secret key, as Flask-Login would have
set it), then measures with load generators in separate processes:

1. max throughput with ``wrk`` (Debian package) for ``/healthz`` (the floor: same server, no
   database, no template) and the home feed ``/`` (a typical user, a deep page, a user in 60 groups);
2. latency at a fixed rate of half the feed's max throughput with ``bench/fixed_rate.py``
   (open loop, latency counted from each request's due time).

Aims: feed throughput >= 25 % of hello-world's; p99 < 30 ms at half load.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import backend  # noqa: E402

VENV_BIN = Path(sys.executable).parent
USER_AGENT = "intranet-bench/1"
SECRET = "bench-secret-" + secrets.token_hex(8)
PASSWORD = "bench1234"
CONNECTIONS = 8
SERVER_THREADS = 8


def server_command(port: int) -> list[str]:
    return [str(VENV_BIN / "gunicorn"), "-w", "1", "--threads", str(SERVER_THREADS),
            "-b", f"127.0.0.1:{port}", "wsgi:app"]


def start_server(db: Path, url: str, port: int) -> subprocess.Popen:
    data = db.parent
    env = {**os.environ, "INTRANET_ENV": "production", "INTRANET_SECRET_KEY": SECRET,
           "INTRANET_DATABASE_URL": url,
           "INTRANET_SEARCH_INDEX_DIR": str(data / "search_index"),
           "INTRANET_UPLOAD_DIR": str(data / "uploads")}
    proc = subprocess.Popen(server_command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(data / "server.log", "w"))  # noqa: SIM115
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if get(port, "/healthz")[0] == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"the server did not answer /healthz; see {data / 'server.log'}")


def get(port: int, path: str, cookie: str | None = None, method: str = "GET",
        body: str | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = f"session={cookie}"
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


def _session_from(headers: dict[str, str]) -> str | None:
    m = re.search(r"(?:^|[\s,])session=([^;]+)", headers.get("set-cookie", ""))
    return m.group(1) if m else None


def real_login(port: int, email: str) -> str | None:
    """The login form with its CSRF token; None while the login view is a stub."""
    status, headers, page = get(port, "/login")
    if status != 200:
        return None
    token = re.search(rb'name="csrf[-_]token"\s+(?:content|value)="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token on /login")
    body = urlencode({"email": email, "password": PASSWORD, "csrf_token": token.group(1).decode()})
    status, headers2, _ = get(port, "/login", _session_from(headers), "POST", body)
    cookie = _session_from(headers2)
    if status not in (302, 303) or cookie is None:
        raise SystemExit(f"login as {email} failed with HTTP {status}")
    return cookie


def forged_login(db: Path, url: str, user_id: int) -> str:
    """The session cookie a login would set: signed with the server's key, with Flask-Login's
    ``_user_id``/``_id`` (the "basic" session protection identifier) and a CSRF secret, so that
    pages do not rewrite the cookie on every response."""
    from flask_login.utils import _create_identifier

    from intranet import create_app
    from intranet.models import User
    from intranet.platform import db as app_db
    from intranet.platform.sessions import login_keys

    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": url,
                      "UPLOAD_DIR": str(db.parent / "uploads")})
    with app.test_request_context(headers={"User-Agent": USER_AGENT},
                                  environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        ident = _create_identifier()
        keys = login_keys(app_db.session.get(User, user_id))  # the server-side login row it names
    payload = {**keys, "_id": ident, "csrf_token": secrets.token_hex(20)}
    return app.session_interface.get_signing_serializer(app).dumps(payload)


def login(port: int, db: Path, url: str, user_id: int) -> tuple[str, str]:
    cookie = real_login(port, f"user{user_id}@bench.example")
    how = "real /login form"
    if cookie is None:
        cookie, how = forged_login(db, url, user_id), "forged session cookie (the login view is a stub)"
    for _ in range(3):  # take any cookie the first pages set (a browser would keep it)
        _status, headers, _ = get(port, "/", cookie)
        cookie = _session_from(headers) or cookie
    return cookie, how


def wrk(port: int, path: str, cookie: str | None, seconds: int) -> dict:
    cmd = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "--latency",
           "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        cmd += ["-H", f"Cookie: session={cookie}"]
    out = subprocess.run([*cmd, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                         check=True).stdout
    wait_idle(port)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    lat = {q: _ms(v) for q, v in re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M)}
    if rps == 0 or socket_errors:
        print(f"wrk {path}: {socket_errors.group(0) if socket_errors else 'no response'}", file=sys.stderr)
    return {"rps": rps, "errors": int(bad.group(1)) if bad else 0, "p50_ms": lat.get("50"),
            "p99_ms": lat.get("99"), "socket_errors": socket_errors.group(1) if socket_errors else ""}


def wait_idle(port: int, budget: float = 120.0) -> None:
    """After a run, let the server finish the requests still queued, so runs do not overlap."""
    deadline = time.time() + budget
    while time.time() < deadline:
        began = time.perf_counter()
        get(port, "/healthz")
        if time.perf_counter() - began < 0.05:
            return
        time.sleep(0.5)


def _ms(value: str) -> float:
    num, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return round(float(num) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 2)


def fixed_rate(port: int, path: str, cookie: str | None, rate: float, seconds: int) -> dict:
    cmd = [sys.executable, str(ROOT / "bench" / "fixed_rate.py"), "--url", f"http://127.0.0.1:{port}{path}",
           "--rate", f"{rate:.1f}", "--duration", str(seconds), "--json",
           "--header", f"User-Agent: {USER_AGENT}"]
    if cookie:
        cmd += ["--header", f"Cookie: session={cookie}"]
    return json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return (f"{os.cpu_count()} × {cpu}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def check_page(port: int, path: str, cookie: str) -> tuple[int, int]:
    status, headers, body = get(port, path, cookie)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status} (expected 200): stub page or failed login?")
    if "set-cookie" in headers:
        print(f"note: GET {path} sets a cookie on every response", file=sys.stderr)
    return status, len(body)


def run(db: Path, url: str, port: int, seconds: int, user: int, heavy: int) -> dict:
    top = backend.scalar(url, "select max(id) from posts") or 1
    groups = dict(backend.rows(url, "select user_id, count(*) from memberships where user_id in (:a, :b) "
                               "group by user_id", a=user, b=heavy))
    load_before = os.getloadavg()[0]
    if load_before > 1.0:
        print(f"warning: load average {load_before:.1f} before the run: other work shares the "
              "CPUs, the numbers will be low and noisy", file=sys.stderr)
    proc = start_server(db, url, port)
    try:
        cookie, how = login(port, db, url, user)
        heavy_cookie, _ = login(port, db, url, heavy)
        scenarios = [("hello-world /healthz", "/healthz", None),
                     (f"feed / (user {user}, {groups.get(user, 0)} groups)", "/", cookie),
                     (f"feed deep page /?before={top // 2}", f"/?before={top // 2}", cookie),
                     (f"feed / (user {heavy}, {groups.get(heavy, 0)} groups)", "/", heavy_cookie)]
        sizes = {path: check_page(port, path, c)[1] for _n, path, c in scenarios if c}
        results = {}
        for name, path, c in scenarios:
            wrk(port, path, c, 2)  # warm-up: the page cache, SQLAlchemy's statement cache
            results[name] = wrk(port, path, c, seconds)
        hello, feed = results[scenarios[0][0]]["rps"], results[scenarios[1][0]]["rps"]
        if not hello or not feed:
            raise SystemExit(f"a run got no answer at all: {results}")
        half = feed / 2
        latency = {"feed /": fixed_rate(port, "/", cookie, half, seconds + 5),
                   "hello-world /healthz": fixed_rate(port, "/healthz", None, half, seconds + 5)}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"machine": machine(), "load_before": round(load_before, 2), "db": url.split("?")[0], "posts": top,
            "login": how, "server": " ".join(server_command(port)[1:]), "page_bytes": sizes,
            "max_throughput": results, "half_load": latency, "ratio": round(feed / hello, 3),
            "half_rate": round(half, 1)}


def _rate(value: float) -> str:
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def report(r: dict) -> str:
    lines = [f"machine: {r['machine']} (load average before: {r['load_before']})",
             f"server: gunicorn {r['server']}", f"db: {r['db']} "
             f"({r['posts']:,} posts); login: {r['login']}; page bytes: {r['page_bytes']}", "",
             "| run | requests/s | p50 ms | p99 ms | non-2xx |", "|---|---:|---:|---:|---:|"]
    for name, m in r["max_throughput"].items():
        lines.append(f"| max load, {name} | {_rate(m['rps'])} | {m['p50_ms']} | {m['p99_ms']} | "
                     f"{m['errors']} |")
    for name, m in r["half_load"].items():
        lines.append(f"| fixed {_rate(m['target_rate'])} req/s, {name} | {_rate(m['achieved_rate'])} | "
                     f"{m['p50_ms']} | {m['p99_ms']} | {sum(m['errors'].values())} |")
    p99 = r["half_load"]["feed /"]["p99_ms"]
    lines += ["", f"feed/hello throughput ratio: {r['ratio']:.1%} (aim >= 25%: "
              f"{'met' if r['ratio'] >= 0.25 else 'MISSED'})",
              f"feed p99 at half load ({r['half_rate']} req/s): {p99} ms (aim < 30 ms: "
              f"{'met' if p99 < 30 else 'MISSED'})"]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description="Home feed vs hello-world on the real server.")
    p.add_argument("--db", type=Path, default=ROOT / "bench" / "data" / "bench.db")
    p.add_argument("--quick", action="store_true", help="small DB (bench/data/quick.db), 5 s runs")
    p.add_argument("--seconds", type=int, default=None, help="per max-throughput run (default 10)")
    p.add_argument("--user", type=int, default=2, help="typical reader (generator: ~5 groups)")
    p.add_argument("--heavy-user", type=int, default=1, help="reader in many groups (generator: 60)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--json", type=Path, help="also write the results here")
    backend.add_argument(p)
    args = p.parse_args()
    db, seconds = args.db, args.seconds or 10
    if args.quick:
        db, seconds = ROOT / "bench" / "data" / "quick.db", args.seconds or 5
        if not db.exists():
            from generate import generate

            print(generate(db, users=2000, groups=50, posts=50_000, quiet=True).line())
    if not db.exists():
        raise SystemExit(f"{db} is missing: run python bench/generate.py first")
    url = backend.database_for(args.backend, db.resolve())
    result = run(db, url, args.port, seconds, args.user, args.heavy_user)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
