"""Capacity, the way Mattermost measures it: start a configuration, ramp simulated users with
``bench/capacity/load.py`` (its own process) until the health gate fails, report the highest
passing user count with the server's threads and CPU.

    python bench/capacity/run.py embedded  --steps 250,500,750,1000,1500,2000,2500
    python bench/capacity/run.py scale-out --steps 250,500,750,1000,1500,2000,2500

- ``embedded``: the embedded default, one gunicorn process (``-w 1 --threads T``) on a SQLite file,
  the search indexer a thread of it (the defaults);
- ``scale-out``: the files of deploy/ as ``tests/deploy/test_smoke.py`` starts them: PostgreSQL
  (a throwaway server, as the benches' ``--backend postgresql``), Redis, the env template, two
  gunicorn servers from the unit, the search worker from its unit, nginx with the site (HTTPS).

Data (once, ``bench/data/capacity.db``, git-ignored): bench/generate.py's company at 5,000 users,
100 groups, 50,000 posts; every account's password re-hashed cheaply (pbkdf2, 1,000 rounds: the
load logs in thousands of users, which measures the login, not the product), conversations of 5
among users 2-5001, and the search index built. Each run spreads the last weekly digests over the
past week (``steady_digests``). Bench-only settings: the login rate limit is
raised (every simulated user comes from 127.0.0.1).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import backend  # noqa: E402
from bench.generate import generate  # noqa: E402
from tests import redis_testserver  # noqa: E402
from tests.deploy_helpers import (  # noqa: E402
    UNITS,
    env_file_environment,
    nginx_config,
    start_nginx,
    stop,
    unit_command,
    unit_environment,
    wait_until_served,
)
from tests.ports import free_port  # noqa: E402

DATA = ROOT / "bench" / "data"
SOURCE = DATA / "capacity.db"
INDEX = DATA / "capacity_index"
BENCH_SETTINGS = {"INTRANET_LOGIN_RATE_LIMIT": "1000000 per minute"}
CONVERSATION = 5


def prepare(users: int, groups: int, posts: int) -> None:
    """The capacity company, once: generated rows, cheap passwords, conversations, the index."""
    if SOURCE.exists() and INDEX.exists():
        return
    print(generate(SOURCE, users=users, groups=groups, posts=posts, quiet=True).line(), flush=True)
    from sqlalchemy import select, update
    from werkzeug.security import generate_password_hash

    from intranet import create_app
    from intranet.actions.messaging import do_start_conversation
    from intranet.models import User
    from intranet.platform import db
    from intranet.search.index.rebuild import rebuild

    shutil.rmtree(INDEX, ignore_errors=True)
    app = create_app({"DATABASE_URL": f"sqlite:///{SOURCE}", "SECRET_KEY": "bench",
                      "SEARCH_INDEX_DIR": str(INDEX),
                      "UPLOAD_DIR": str(DATA / "uploads"), "SEARCH_INDEXER_THREAD": False})
    with app.app_context():
        with db.transaction() as s:
            cheap = generate_password_hash("bench1234", "pbkdf2:sha256:1000")
            s.execute(update(User).values(password_hash=cheap))
        with db.transaction() as s:
            people = list(s.scalars(select(User).where(User.id >= 2).order_by(User.id)))
            for start in range(0, len(people) - CONVERSATION + 1, CONVERSATION):
                team = people[start:start + CONVERSATION]
                do_start_conversation(s, team[0], [u.id for u in team[1:]], f"Team {start // CONVERSATION}")
        print(f"index: {rebuild()} documents", flush=True)
        db.engine().dispose()


def steady_digests(url: str) -> None:
    """Each person's last weekly digest spread over the past week, as in a company where digests
    have run for a while (about one due every two minutes for 5,000 people); the generated
    accounts, all older than a week, would otherwise all be due in the first minutes of a run."""
    from datetime import timedelta

    from sqlalchemy import create_engine, delete, insert, select

    from intranet.models import DigestFrequency, MailPreference, User, utcnow

    engine = create_engine(url)
    now, week = utcnow(), 7 * 24 * 60
    with engine.begin() as conn:
        ids = list(conn.scalars(select(User.id)))
        conn.execute(delete(MailPreference))
        conn.execute(insert(MailPreference), [
            {"user_id": uid, "digest": DigestFrequency.WEEKLY,
             "last_digest_at": now - timedelta(minutes=(uid * 7919) % week)} for uid in ids])
    engine.dispose()


class Sampler:
    """Threads and CPU of the server processes, every second, to read them per measured window."""

    def __init__(self, pids: list[int], more: Callable[[], list[int]] = list) -> None:
        self.pids, self.more, self.samples, self.stopping = pids, more, [], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self.stopping.wait(1):
            threads, cpu = 0, 0.0
            for pid in [*self.pids, *self.more()]:
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                threads += int(next(line.split()[1] for line in status.splitlines()
                                    if line.startswith("Threads:")))
                cpu += (int(fields[11]) + int(fields[12])) / tick
            self.samples.append((time.time(), threads, cpu))

    def window(self, start: float, end: float) -> dict:
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return {}
        return {"server_threads": max(s[1] for s in inside),
                "server_cpu_percent": round(100 * (inside[-1][2] - inside[0][2])
                                            / (inside[-1][0] - inside[0][0]))}


def workers_of(master: int) -> list[int]:
    """gunicorn's master and its worker (the worker holds the threads and does the work)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [master, *(int(p) for p in children.read_text().split())] if children.exists() else [master]


def embedded(work: Path, threads: int, started: list[subprocess.Popen]) -> tuple[str, list[int]]:
    shutil.copy(SOURCE, work / "intranet.db")
    shutil.copytree(INDEX, work / "index")
    steady_digests(f"sqlite:///{work / 'intranet.db'}")
    env = {"PATH": os.environ["PATH"], "INTRANET_ENV": "production",
           "INTRANET_SECRET_KEY": "capacity-" + "x" * 40,
           "INTRANET_DATABASE_URL": f"sqlite:///{work / 'intranet.db'}",
           "INTRANET_SEARCH_INDEX_DIR": str(work / "index"),
           "INTRANET_UPLOAD_DIR": str(work / "uploads"), **BENCH_SETTINGS}
    port = free_port()
    log = work / "gunicorn.log"
    command = [str(ROOT / ".venv/bin/gunicorn"), "--workers", "1", "--threads", str(threads),
               "--worker-connections", str(threads), "--bind", f"127.0.0.1:{port}", "--no-control-socket",
               "wsgi:app"]
    started.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"),
                                    stderr=subprocess.STDOUT))
    wait_until_served(f"http://127.0.0.1:{port}/healthz", started[-1], log)
    return f"http://127.0.0.1:{port}", workers_of(started[-1].pid)


def postgres_processes() -> list[int]:
    """The bench's PostgreSQL server and its backends (one per pooled connection)."""
    server = backend.server()
    try:
        master = int((server.folder / "data" / "postmaster.pid").read_text().split()[0])  # type: ignore[operator]
    except (OSError, TypeError, ValueError):
        return []
    return workers_of(master)


def scale_out(work: Path, threads: int, users: int, started: list[subprocess.Popen],
              worker: str = "gevent") -> tuple[str, list[int]]:
    from tests.deploy_helpers import render_env_file

    url = backend.database_for("postgresql", SOURCE)
    steady_digests(url)
    redis = redis_testserver.start(work)
    started.append(redis.proc)
    shutil.copytree(INDEX, work / "search_index")
    env_file = render_env_file(work, url, int(redis.url.rsplit(":", 1)[1].split("/")[0]),
                               GUNICORN_THREADS=str(threads), GUNICORN_WORKER_CLASS=worker,
                               **BENCH_SETTINGS)
    web = UNITS / "intranet-web@.service"
    environment = {"PATH": os.environ["PATH"], **unit_environment(web), **env_file_environment(env_file)}
    ports, pids = [free_port(), free_port()], []
    for port in ports:
        log = (work / f"web-{port}.log").open("w")
        started.append(subprocess.Popen(unit_command(web, environment, str(port)), cwd=ROOT, env=environment,
                                        stdout=log, stderr=subprocess.STDOUT))
        wait_until_served(f"http://127.0.0.1:{port}/healthz", started[-1], work / f"web-{port}.log")
        pids += workers_of(started[-1].pid)
    worker = unit_command(UNITS / "intranet-search-worker.service", environment)
    started.append(subprocess.Popen(["nice", "-n", "10", *worker], cwd=ROOT, env=environment,
                                    stdout=(work / "search-worker.log").open("w"), stderr=subprocess.STDOUT))
    http, https = free_port(), free_port()
    started.append(start_nginx(nginx_config(work, http, https, ports, connections=4 * users + 512), work))
    wait_until_served(f"https://127.0.0.1:{https}/healthz", started[-1], work / "error.log")
    return f"https://127.0.0.1:{https}", [*pids, redis.proc.pid, started[-2].pid, started[-1].pid,
                                          *workers_of(started[-1].pid)[1:]]  # + search worker, nginx


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("config", choices=("embedded", "scale-out"))
    p.add_argument("--steps", default="250,500,750,1000,1500,2000,2500")
    p.add_argument("--users", type=int, default=5000)
    p.add_argument("--groups", type=int, default=100)
    p.add_argument("--posts", type=int, default=50_000)
    p.add_argument("--work", type=Path, default=Path("/tmp/intranet-capacity"))
    p.add_argument("--out", type=Path, help="the steps (JSON)")
    p.add_argument("--worker", choices=("gevent", "gthread"), default="gevent",
                   help="scale-out: gunicorn's worker class (the env file's gevent: a greenlet per socket)")
    args, load_args = p.parse_known_args()
    prepare(args.users, args.groups, args.posts)
    most = max(int(s) for s in args.steps.split(","))
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    started: list[subprocess.Popen] = []
    pids: list[int] = []
    try:
        if args.config == "embedded":
            base, pids = embedded(args.work, 2 * most + 200, started)
        else:
            base, pids = scale_out(args.work, most + 200, most, started, args.worker)
        sampler = Sampler(pids, postgres_processes if args.config == "scale-out" else list)
        out = args.work / "steps.json"
        print(f"{args.config}: {base}; load average {os.getloadavg()[0]:.2f}", flush=True)
        subprocess.run([sys.executable, str(ROOT / "bench/capacity/load.py"), "--base", base,
                        "--steps", args.steps, "--out", str(out), *load_args], check=False)
        steps = json.loads(out.read_text()) if out.exists() else []
        for step in steps:
            step.update(sampler.window(step["t_start"], step["t_end"]))
            print(f"{args.config} {step['users']:>5} users: {'pass' if step['passed'] else 'FAIL'}; "
                  f"errors {step['errors']}, p99 {step['p99_ms']} ms, live p99 {step['live_p99_ms']} ms, "
                  f"{step['rate_per_s']} req/s; server {step.get('server_cpu_percent')} % CPU, "
                  f"{step.get('server_threads')} threads; load average {step['load_average']}", flush=True)
        if args.out:
            args.out.write_text(json.dumps({"config": args.config, "steps": steps}, indent=1))
    finally:
        stop(started)
        for pid in pids:  # a gunicorn worker outlives a master killed after 15 s (thousands of threads)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
