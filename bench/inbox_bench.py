"""Inbox intake: signed-webhook ingest vs a hello-world POST of the same body, and bulk import.

    python bench/inbox_bench.py                 # webhook 10 s per run, import 200,000 rows
    python bench/inbox_bench.py --quick         # 4 s runs, 20,000 rows

1. Webhook. A fresh SQLite database gets an organisation (two services, a brand and a competitor
   rule, routing rules, SLA settings) and a webhook source. ``gunicorn -w 1 --threads 8
   bench.inbox_wsgi:app`` serves the real app plus ``POST /bench/hello`` (reads the body, answers
   202). Client processes (stdlib ``http.client``, keep-alive, 2 processes x 4 threads) send
   pre-signed deliveries of 5 comments each, ~30 % mentioning the brand; 20 % of deliveries are
   redeliveries of earlier comments (re-signed with a new timestamp, as a sender retries). The
   same bodies are then posted to the hello route. Aim: webhook >= 60 % of hello's requests/s.
   By default (``--processing external``, README's setup for webhook volume) the stored comments
   are processed and the new cases indexed by ``nice -n 10 flask inbox process --loop`` and
   ``nice -n 10 flask search worker`` beside the server; ``--processing thread`` keeps both in
   the web process (the embedded default of the app). Each run reports the CPU per request of
   the server and of those workers, the backlog when the load stops and how long it takes to go.
2. Import. 200,000 JSONL comments (30 % brand mentions) through ``run_import`` in this process
   as ``flask inbox import`` runs it (rules and triage in a forked child), then the same rows
   replayed 3 times (as new files: the finished job would otherwise be skipped). Aim: >= 10,000
   rows/s and 0 duplicates.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import secrets
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.feed_bench import machine, wait_idle  # noqa: E402
from bench.search_worker import index_cursor  # noqa: E402

DATA = ROOT / "bench" / "data" / "inbox"
VENV_BIN = Path(sys.executable).parent
SECRET = "bench-" + secrets.token_hex(8)
PROCESSES, THREADS, PER_DELIVERY = 2, 4, 5
NICE = int(os.environ.get("INBOX_BENCH_NICE", "10"))  # the workers' niceness (README: 10)
WORDS = ("card", "app", "delivery", "refund", "great", "slow", "question", "thanks", "broken", "price",
         "carte", "livraison", "remboursement", "merci", "lent", "appli", "prix", "service")


def text(rng: random.Random, i: int) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 18)))
    if rng.random() < 0.3:
        return f"Acme {words}{'?' if i % 3 == 0 else '.'}"
    if rng.random() < 0.05:
        return f"Globex {words}"
    return words


def setup_db(db: Path) -> str:
    """A migrated database with services, rules and a webhook source; returns its secret."""
    from intranet import create_app
    from intranet.actions.users import do_create_department, do_create_user
    from intranet.inbox.actions.settings import (
        do_save_routing_rule,
        do_save_service_settings,
        do_save_source,
        do_save_watch_rule,
    )
    from intranet.platform import db as intranet_db
    from intranet.platform.migrate import upgrade

    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": f"sqlite:///{db}", "TESTING": False,
                      "UPLOAD_DIR": str(db.parent / "uploads")})
    with app.app_context():
        upgrade()
        with intranet_db.transaction() as s:
            admin = do_create_user(s, "admin@bench.example", "Admin", "bench1234", is_admin=True,
                                     password_policy=False)  # the benches' documented password
            service = do_create_department(s, "Service client", acting_user=None)
            marketing = do_create_department(s, "Marketing", acting_user=None)
            for dept in (service, marketing):
                do_save_service_settings(s, admin, dept, first_response_minutes=60, resolution_minutes=1440,
                                         require_approval=False)
            do_save_watch_rule(s, admin, None, name="Brand", query='acme OR "acme bank"', kind="brand")
            do_save_watch_rule(s, admin, None, name="Globex", query="globex", kind="competitor")
            do_save_routing_rule(s, admin, marketing, None, name="Praise", query="great OR thanks OR merci",
                                 conditions={}, position=10)
            do_save_routing_rule(s, admin, service, None, name="Questions", query="",
                                 conditions={"needs_response": True}, position=20)
            source = do_save_source(s, admin, None, name="bench", network="x", connector="webhook")
            do_save_source(s, admin, None, name="import", network="trustpilot", connector="import")
        intranet_db.engine().dispose()
    return source.secret


def deliveries(secret: str, count: int, seed: int) -> list[bytes]:
    """Signed HTTP requests (raw bytes: request line, headers, body); 20 % redeliver earlier ids."""
    from intranet.inbox.connectors.webhook import sign

    rng, out, sent = random.Random(seed), [], 0
    now = int(time.time())
    for n in range(count):
        if n and rng.random() < 0.2:
            ids = [f"c{rng.randrange(sent)}" for _ in range(PER_DELIVERY)]
        else:
            ids = [f"c{sent + k}" for k in range(PER_DELIVERY)]
            sent += PER_DELIVERY
        body = json.dumps({"comments": [{"external_id": i, "author": "@someone", "followers": 120,
                                         "text": text(rng, int(i[1:])), "lang": "en"} for i in ids]}).encode()
        out.append((body, sign(secret, body, now + n % 60)))  # distinct signatures
    return out


def _worker(port: int, path: str, items: list, seconds: float, queue: multiprocessing.Queue) -> None:
    lock, index, stats = threading.Lock(), [0], {"ok": 0, "status": {}, "lat": []}
    deadline = time.perf_counter() + seconds

    def loop() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                if index[0] >= len(items):
                    return
                body, headers = items[index[0]]
                index[0] += 1
            began = time.perf_counter()
            conn.request("POST", path, body=body, headers={**headers, "Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
            with lock:
                stats["status"][resp.status] = stats["status"].get(resp.status, 0) + 1
                stats["lat"].append(time.perf_counter() - began)
    threads = [threading.Thread(target=loop) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(stats)


def load(port: int, path: str, items: list, seconds: float) -> dict:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    chunks = [items[i::PROCESSES] for i in range(PROCESSES)]
    began = time.perf_counter()
    procs = [multiprocessing.Process(target=_worker, args=(port, path, c, seconds, queue)) for c in chunks]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - began
    status: dict[int, int] = {}
    lat = sorted(x for r in results for x in r["lat"])
    for r in results:
        for k, v in r["status"].items():
            status[k] = status.get(k, 0) + v
    done = sum(status.values())
    return {"requests": done, "rps": round(done / elapsed, 1), "status": status,
            "p50_ms": round(lat[len(lat) // 2] * 1000, 1) if lat else None,
            "p99_ms": round(lat[int(len(lat) * 0.99)] * 1000, 1) if lat else None}


def webhook_bench(db: Path, secret: str, port: int, seconds: int, processing: str) -> dict:
    """``processing``: "thread" (the web process's inbox worker and search indexer threads) or
    "external" (both as niced processes of their own, as README says for webhook volume)."""
    env = {**os.environ, "INTRANET_ENV": "production", "INTRANET_SECRET_KEY": SECRET,
           "INTRANET_DATABASE_URL": f"sqlite:///{db}", "INTRANET_UPLOAD_DIR": str(db.parent / "uploads"),
           "INTRANET_INBOX_WEBHOOK_RATE_LIMIT": "10000000 per minute", "INTRANET_INBOX_SCHEDULER": "0",
           "INTRANET_INBOX_PROCESSING": processing, "INTRANET_SEARCH_INDEX_DIR": str(db.parent / "index"),
           "INTRANET_SEARCH_INDEXER_THREAD": "1" if processing == "thread" else "0"}
    cmd = [str(VENV_BIN / "gunicorn"), "-w", "1", "--threads", "8", "-b", f"127.0.0.1:{port}",
           "bench.inbox_wsgi:app"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(db.parent / "server.log", "w"))  # noqa: SIM115
    workers = []
    if processing == "external":  # as README says: both background jobs as processes of their own, niced
        for name, command in (("inbox", ["inbox", "process", "--loop"]), ("search", ["search", "worker"])):
            workers.append(subprocess.Popen(
                ["nice", "-n", str(NICE), str(VENV_BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT,
                env=env, stdout=subprocess.DEVNULL, stderr=open(db.parent / f"{name}-worker.log", "w")))  # noqa: SIM115
    try:
        wait_ready(port)
        path = "/api/v1/inbox/sources/bench/webhook"
        warm = deliveries(secret, 300, seed=99)
        load(port, path, warm, 2)
        load(port, "/bench/hello", warm, 2)
        items = deliveries(secret, 4000 * seconds, seed=1)
        pids = [proc.pid] + [w.pid for w in workers]
        hook = measured(port, path, items, seconds, pids)
        hook["backlog"] = backlog(db)
        hook["drain_s"] = drain_time(db)
        wait_idle(port)
        hello = measured(port, "/bench/hello", items, seconds, pids)
    finally:
        for p in (proc, *workers):
            p.terminate()
            p.wait(timeout=30)
    with sqlite3.connect(db) as con:
        comments, distinct = con.execute("select count(*), count(distinct external_id) from inbox_comments "
                                         "where source_id = (select id from inbox_sources where slug = "
                                         "'bench')").fetchone()
        cases = con.execute("select count(*) from inbox_cases").fetchone()[0]
    return {"processing": processing, "webhook": hook, "hello": hello,
            "ratio": round(hook["rps"] / hello["rps"], 3),
            "comments": comments, "cases": cases, "duplicates": comments - distinct}


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children, from /proc (Linux; 0 elsewhere)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(c)) for c in children)


def measured(port: int, path: str, items: list, seconds: float, pids: list[int]) -> dict:
    """``load`` plus the CPU the server (and the external worker) spent per request meanwhile."""
    before = [cpu_seconds(p) for p in pids]
    result = load(port, path, items, seconds)
    spent = [cpu_seconds(p) - b for p, b in zip(pids, before, strict=True)]
    result["cpu_ms"] = [round(s * 1000 / max(result["requests"], 1), 2) for s in spent]
    return result


def backlog(db: Path) -> tuple[int, int]:
    """Comments stored (acknowledged) but not processed yet by the inbox worker, and search
    outbox rows (the new cases) not indexed yet by the search indexer (after its cursor)."""
    with sqlite3.connect(db, timeout=30) as con:
        return (con.execute("select count(*) from inbox_comments where processed_at is null").fetchone()[0],
                con.execute("select count(*) from search_outbox where id > ?",
                            (index_cursor(db.parent / "index"),)).fetchone()[0])


def drain_time(db: Path, limit: float = 120) -> tuple[float, float]:
    """Seconds until every stored comment is processed (rules, triage, cases), and until the
    search index has them too."""
    began, processed = time.perf_counter(), None
    while time.perf_counter() - began < limit:
        comments, outbox = backlog(db)
        if not comments and processed is None:
            processed = round(time.perf_counter() - began, 2)
        if not comments and not outbox:
            break
        time.sleep(0.05)
    return processed if processed is not None else limit, round(time.perf_counter() - began, 2)


def wait_ready(port: int) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not start; see {DATA / 'server.log'}")


def import_bench(db: Path, rows: int, parallel: bool = True) -> dict:
    """``parallel``: as ``flask inbox import`` runs by default (rules and triage in a child)."""
    from sqlalchemy import func, select

    from intranet import create_app
    from intranet.inbox.workers.importer import run_import
    from intranet.models import Case, ExternalComment, Source
    from intranet.platform import db as intranet_db

    rng = random.Random(5)
    path = db.parent / "import.jsonl"
    with open(path, "w") as fh:
        for i in range(rows):
            fh.write(json.dumps({"external_id": f"t{i}", "author": f"user{i % 5000}", "followers": i % 3000,
                                 "text": text(rng, i), "lang": "fr" if i % 2 else "en",
                                 "posted_at": "2026-11-20T10:00:00Z"}) + "\n")
    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": f"sqlite:///{db}", "TESTING": False,
                      "UPLOAD_DIR": str(db.parent / "uploads")})
    runs = []
    with app.app_context():
        source = intranet_db.session.scalar(select(Source).where(Source.slug == "import"))
        for attempt in range(4):  # the import, then 3 replays of the same rows as new files
            copy = path if attempt == 0 else path.with_suffix(f".replay{attempt}.jsonl")
            if attempt:
                shutil.copy(path, copy)
                with open(copy, "a") as fh:
                    fh.write("\n" * attempt)  # another file (sha256), the same rows
            began = time.perf_counter()
            outcome = run_import(source, copy, copy.name, parallel=parallel)
            runs.append({"seconds": round(time.perf_counter() - began, 2), "accepted": outcome.accepted,
                         "duplicates": outcome.duplicates,
                         "rows_per_s": round(rows / (time.perf_counter() - began))})
        s = intranet_db.session
        stored = s.scalar(select(func.count()).select_from(ExternalComment).where(
            ExternalComment.source_id == source.id))
        cases = s.scalar(select(func.count()).select_from(Case))
    with sqlite3.connect(db) as con:
        dupes = con.execute("select count(*) - count(distinct source_id || ':' || external_id) "
                            "from inbox_comments").fetchone()[0]
    return {"rows": rows, "runs": runs, "stored": stored, "cases": cases, "duplicates": dupes}


def report(r: dict) -> str:
    w, i = r["webhook"], r["import"]
    lines = [f"machine: {r['machine']} (load average before: {r['load_before']}); "
             f"webhook comments processed by: {w['processing']}", "",
             "| run | requests/s | p50 ms | p99 ms | statuses | CPU ms/request: server, worker |",
             "|---|---:|---:|---:|---|---|"]
    for name in ("webhook", "hello"):
        m = w[name]
        lines.append(f"| {name} ({PER_DELIVERY} comments/request) | {m['rps']} | {m['p50_ms']} | "
                     f"{m['p99_ms']} | {m['status']} | {', '.join(map(str, m.get('cpu_ms', [])))} |")
    met = "met" if w["ratio"] >= 0.6 else "MISSED"
    lines += ["", f"webhook/hello: {w['ratio']:.1%} (aim >= 60 %: {met}); "
              f"{w['webhook']['backlog'][0]} comments pending when the load stopped, all processed "
              f"{w['webhook']['drain_s'][0]} s later ({w['webhook']['backlog'][1]} search outbox rows, all "
              f"indexed {w['webhook']['drain_s'][1]} s later); webhook comments {w['comments']}, "
              f"cases {w['cases']}, duplicate comments {w['duplicates']}"]
    if i is None:
        return "\n".join(lines)
    lines += ["", "| import run | seconds | rows/s | new | duplicates |", "|---|---:|---:|---:|---:|"]
    for n, run in enumerate(i["runs"]):
        lines.append(f"| {'first' if n == 0 else f'replay {n}'} | {run['seconds']} | {run['rows_per_s']} | "
                     f"{run['accepted']} | {run['duplicates']} |")
    first = i["runs"][0]["rows_per_s"]
    lines += ["", f"import: {first} rows/s (aim >= 10,000: {'met' if first >= 10_000 else 'MISSED'}); "
              f"{i['stored']} stored for {i['rows']} rows, {i['cases']} cases in total, "
              f"{i['duplicates']} duplicate (source, external id) rows after 3 replays"]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--seconds", type=int, default=None)
    p.add_argument("--rows", type=int, default=None)
    p.add_argument("--port", type=int, default=8767)
    p.add_argument("--processing", choices=("thread", "external"), default="external",
                   help="who processes the stored comments and indexes the new cases: niced "
                        "`flask inbox process --loop` and `flask search worker` processes (README's "
                        "setup for webhook volume, the default here) or the web process's threads")
    p.add_argument("--no-import", action="store_true", help="the webhook part only")
    args = p.parse_args()
    seconds = args.seconds or (4 if args.quick else 10)
    rows = args.rows or (20_000 if args.quick else 200_000)
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    db = DATA / "inbox.db"
    load_before = round(os.getloadavg()[0], 2)
    secret = setup_db(db)
    result = {"machine": machine(), "load_before": load_before,
              "webhook": webhook_bench(db, secret, args.port, seconds, args.processing),
              "import": None if args.no_import else import_bench(db, rows)}
    print(report(result))
    (DATA / "result.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
