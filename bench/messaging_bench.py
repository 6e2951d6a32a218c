"""Messaging under 1,000 connected Socket.IO clients: send-to-last-recipient latency against a bare
python-socketio broadcast of the same payload, then a reconnect storm (server restarted while
messages keep flowing): lost, duplicated, and how fast clients come back.

    .venv/bin/python bench/messaging_bench.py            # 1000 clients, conversations of 50
    .venv/bin/python bench/messaging_bench.py --clients 200 --messages 40   # quick

Both servers run as the app does in production (DESIGN.md §4): ``gunicorn -w 1 --threads N``
(gthread, Socket.IO threading mode, one thread per websocket, so N > clients). Clients are
python-socketio sync clients behaving like live.js (bench/socket_clients.py), spread over
``--client-procs`` processes (bench/socket_swarm.py). Latency: from just
before the HTTP send to the last of the conversation's 50 sockets receiving the event; messages
go one at a time, round-robin over the conversations, after one unmeasured warm-up round.
Both servers are up with their own clients, the measurement alternating between them in blocks
(bench/messaging_latency.py says why); the storm then runs on the app alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import backend  # noqa: E402
from bench.messaging_latency import Side, alternate, pct, report, rooms_of  # noqa: E402
from bench.messaging_trace import debug_lost  # noqa: E402
from bench.search_worker import LagSampler, indexed_report, start_worker, wait_for_outbox  # noqa: E402
from bench.socket_clients import ARRIVALS  # noqa: E402
from bench.socket_swarm import ClientState, Swarm, reap_swarms  # noqa: E402

DATA = Path(os.environ.get("BENCH_DATA", ROOT / "bench" / "data"))  # the smoke test's is a temp dir
INDEX = DATA / "messaging_index"  # the bench's own search index, never the repo's
STARTED: list[subprocess.Popen] = []
# Measuring starts this long after the last client connected: the app announces
# the connection wave's presence in batches, the last one up to PRESENCE_BURST_SECONDS (3 s)
# after the wave; the latency aim is about 1,000 connected clients, not 1,000 connecting ones
# (the reconnect storm measures that). ``--settle 0``: measure at once, as before Stop 9.
SETTLE_S = 5.0
# Connects spread over this many seconds, on both servers: engine.io pings a socket every 25 s from
# its connect, so clients connected in 2-5 s pinged in one wave, which the app's (longer)
# measurement ran into and the bare server's did not (bench/JOURNAL.md, Messaging, Stop 10). Spread
# over one ping interval, they ping 40 a second through both measurements. ``--ramp 0``: as before.
RAMP_S = 25.0
BLOCK = 100  # messages per turn when alternating (``--block``; bench/messaging_latency.py)
BARE = "bench.bare_socketio_server:app"
APP = os.environ.get("BENCH_APP", "wsgi:app")  # another module wrapping wsgi.app, to diagnose
TRACE: dict[str, Path] = {}  # --trace: server target -> its trace file (bench/messaging_trace.py)


def free_ports(n: int) -> list[int]:
    """``n`` distinct free ports (held open together while the kernel picks them)."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def start_server(target: str, port: int, env: dict[str, str], threads: int) -> subprocess.Popen:
    if target in TRACE:
        env = {**env, "TRACE_TARGET": target, "TRACE_FILE": str(TRACE[target])}
        target = "bench.messaging_trace:app"
    cmd = [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "-w", "1", "--threads", str(threads),
           "--worker-connections", str(threads),
           "-b", f"127.0.0.1:{port}", "--graceful-timeout", "2", "--no-control-socket",
           "--log-level", "warning", target]
    log = (DATA / f"{target.split(':')[0]}.log").open("ab")
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log,
                            start_new_session=True)
    STARTED.append(proc)  # reaped at the end, whatever happens
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return proc
        except requests.RequestException:
            time.sleep(0.05)
    raise RuntimeError(f"{target} did not start")


def _reap(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)


def kill(proc: subprocess.Popen, sig: int = signal.SIGINT) -> None:
    os.killpg(proc.pid, sig)
    proc.wait(timeout=30)


# ---- data ----------------------------------------------------------------------------------------

def build_db(url: str, clients: int, per: int) -> list[tuple[int, int, str]]:
    """A fresh migrated database with ``clients`` people in conversations of ``per``, each with a
    token. Returns (user id, conversation id, token) per person, the first of each group first."""
    from intranet import create_app
    from intranet.actions.messaging import do_start_conversation
    from intranet.actions.users import do_create_token, do_create_user
    from intranet.platform import db
    from intranet.platform.migrate import upgrade
    from intranet.search.index.indexer import drain

    shutil.rmtree(INDEX, ignore_errors=True)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench",
                      "SEARCH_INDEX_DIR": str(INDEX), "SEARCH_INDEXER_THREAD": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    out = []
    with app.app_context():
        upgrade()
        with db.transaction() as s:
            users = [do_create_user(s, f"m{i}@bench.example", f"Member {i}", "bench1234",
                                     password_policy=False)  # the benches' documented password
                     for i in range(clients)]
            for start in range(0, clients, per):
                group = users[start:start + per]
                conversation, _new = do_start_conversation(s, group[0], [u.id for u in group[1:]],
                                                           f"Bench {start // per}")
                for user in group:
                    out.append((user.id, conversation.id, do_create_token(s, user, "bench")[1]))
        drain()  # an established company's people are indexed already; the run indexes its messages
        db.engine().dispose()
    return out


# ---- both servers ------------------------------------------------------------------------------------

def bare_sender(url: str) -> Callable[[int], tuple[int, float]]:
    http = requests.Session()

    def send(room: int) -> tuple[int, float]:
        t0 = time.perf_counter()
        return http.post(f"{url}/send", json={"room": room, "author_id": 0}, timeout=10).json()["id"], t0

    return send


def connect_all(swarms: dict[str, Swarm], ramp: float) -> None:
    """Both servers' clients connect over the same ``ramp`` seconds, side by side."""
    done: dict[str, float] = {}
    threads = [threading.Thread(target=lambda k=k, s=s: done.update({k: s.connect(ramp)}))
               for k, s in swarms.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("; ".join(f"{k}: clients connected in {done[k]:.1f} s" for k in swarms), flush=True)


def latency(args: argparse.Namespace, people, db: str, bare_url: str, url: str) -> Swarm:
    """Each server's clients connect, the servers take turns (``--block``), both are reported with
    the ratio. The bare server's clients are stopped; the app's are returned for the storm."""
    bare_clients = Swarm([{"url": bare_url, "user_id": uid, "room": cid, "auth": {"room": cid}}
                          for uid, cid, _tok in people], args.client_procs)
    clients = app_clients(people, url, args.client_procs)
    connect_all({"bare": bare_clients, "app": clients}, args.ramp)
    time.sleep(args.settle)
    bare = Side("bare python-socketio broadcast", BARE, bare_sender(bare_url), *rooms_of(people))
    app = Side("intranet: HTTP send -> last recipient", APP, app_sender(people, url),
               *rooms_of(people), quiet=lambda: wait_for_outbox(db, INDEX))
    alternate([bare, app], args.messages, args.block)
    bare_row, ours = (report(side, args.messages, TRACE.get(side.target)) for side in (bare, app))
    print(f"p99 ratio app / bare: {ours['p99'] / bare_row['p99']:.2f} (aim <= 1.5); "
          f"p50 ratio {ours['p50'] / bare_row['p50']:.2f}", flush=True)
    bare_clients.stop()
    return clients


# ---- the app, and the reconnect storm -----------------------------------------------------------------

def app_env(db: str, indexer: str = "process") -> dict[str, str]:
    """The web server's environment; ``indexer``: "process" (README's deployment for hundreds of
    open pages: the thread off, a niced ``search worker`` beside) or "thread" (the default)."""
    return {"INTRANET_DATABASE_URL": db, "INTRANET_SECRET_KEY": "bench-messaging",
            "INTRANET_ENV": "development", "INTRANET_SEARCH_INDEX_DIR": str(INDEX),
            "INTRANET_SEARCH_INDEXER_THREAD": "0" if indexer == "process" else "1"}


def app_clients(people, url: str, procs: int) -> Swarm:
    start = requests.get(f"{url}/api/v1/events", headers={"Authorization": f"Bearer {people[0][2]}"},
                         timeout=10).json()["last_event_id"]
    return Swarm([{"url": url, "user_id": uid, "room": cid, "auth": {"token": tok}, "token": tok,
                   "last": start} for uid, cid, tok in people], procs)


def app_sender(people, url: str) -> Callable[[int], tuple[int, float]]:
    first = {}
    for _uid, cid, tok in people:
        first.setdefault(cid, tok)
    http = requests.Session()

    def send(room: int) -> tuple[int, float]:
        t0 = time.perf_counter()
        resp = http.post(f"{url}/api/v1/conversations/{room}/messages", json={"body": "Bench message"},
                         headers={"Authorization": f"Bearer {first[room]}"}, timeout=10)
        return resp.json()["id"], t0

    return send


def storm(clients: Swarm, people, db: str, port: int, threads: int, proc: subprocess.Popen,
          rate: float, env: dict[str, str]) -> tuple[dict, subprocess.Popen]:
    """Keep sending at ``rate``/s; kill the server (SIGKILL: a crash, nothing flushed politely),
    start a new one on the same port and database, keep sending 10 s; then count per client."""
    send, stop = app_sender(people, f"http://127.0.0.1:{port}"), threading.Event()
    rooms, _counts = rooms_of(people)
    base = _max_message_id(db)
    attempts = {"ok": 0, "failed": 0}

    def sender() -> None:
        i = 0
        while not stop.is_set():
            try:
                send(rooms[i % len(rooms)])
                attempts["ok"] += 1
            except (requests.RequestException, ValueError, KeyError):
                attempts["failed"] += 1
            i += 1
            time.sleep(1 / rate)

    thread = threading.Thread(target=sender)
    thread.start()
    time.sleep(3)
    t_kill = time.time()
    kill(proc, signal.SIGKILL)
    proc = start_server(APP, port, env, threads)
    t_ready = time.time()
    time.sleep(10)
    stop.set()
    thread.join()
    _settle(clients, t_kill)
    return _storm_report(clients.states(), db, base, t_kill, t_ready, attempts), proc


def _settle(clients: Swarm, t_kill: float, limit_s: float = 60) -> None:
    """Wait until every client reconnected and caught up after the kill (or the limit)."""
    deadline = time.time() + limit_s
    while time.time() < deadline:
        if all(c.caught_up and c.caught_up[-1] > t_kill for c in clients.states()):
            break
        time.sleep(1)
    time.sleep(2)  # the last live events in flight


def _max_message_id(db: str) -> int:
    return backend.scalar(db, "SELECT coalesce(max(id), 0) FROM messages")


def _storm_report(clients: list[ClientState], db: str, base: int, t_kill: float, t_ready: float,
                  attempts: dict) -> dict:
    rows = backend.rows(db, "SELECT conversation_id, id FROM messages WHERE id > :base", base=base)
    expected: dict[int, set[int]] = {}
    for cid, mid in rows:
        expected.setdefault(cid, set()).add(mid)
    settled = [c for c in clients if any(t > t_kill for t in c.caught_up)]
    lost = sum(len(expected.get(c.room, set()) - c.messages) for c in settled)
    if os.environ.get("BENCH_DEBUG"):
        debug_lost(settled, expected, db, t_kill)
    extra = sum(len({m for m in c.messages if m > base} - expected.get(c.room, set())) for c in clients)
    back = [min(t for t in c.connects if t > t_kill) for c in clients
            if any(t > t_kill for t in c.connects)]
    caught = [min(t for t in c.caught_up if t > t_kill) for c in clients
              if any(t > t_kill for t in c.caught_up)]
    n = len(clients)
    row = {
        "clients_caught_up": len(settled), "not_back_after_60s": len(clients) - len(settled),
        "messages_committed": len(rows), "sends_ok": attempts["ok"], "sends_failed": attempts["failed"],
        "deliveries_expected": sum(len(expected.get(c.room, set())) for c in settled),
        "lost_after_catch_up": lost, "unexpected": extra, "duplicated": sum(c.doubled for c in clients),
        "overlaps_absorbed": sum(c.absorbed for c in clients),
        "restart_s": t_ready - t_kill, "clients": n,
        "back_10s_from_ready": sum(t - t_ready <= 10 for t in back) / n * 100,
        "back_10s_from_kill": sum(t - t_kill <= 10 for t in back) / n * 100,
        "caught_up_10s_from_ready": sum(t - t_ready <= 10 for t in caught) / n * 100,
        "back_p50_s": pct([t - t_ready for t in back], 50) if back else None,
        "back_max_s": max(t - t_ready for t in back) if back else None,
    }
    shown = (f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items())
    print("storm: " + ", ".join(shown), flush=True)
    return row


def _on_term(_sig: int, _frame: object) -> None:
    raise SystemExit(1)  # reap the servers on SIGTERM (``timeout``) too


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--per-conversation", type=int, default=50)
    parser.add_argument("--messages", type=int, default=1000,
                        help="measured messages per server (100 before Stop 9: its p99 was the "
                             "second-largest value)")
    parser.add_argument("--block", type=int, default=BLOCK,
                        help="messages per turn, the servers taking turns (>= --messages: all the "
                             "bare server's, then all the app's, both servers up)")
    parser.add_argument("--settle", type=float, default=SETTLE_S,
                        help="seconds between the last connect and the first measured message")
    parser.add_argument("--ramp", type=float, default=RAMP_S,
                        help="seconds the clients' connects are spread over (0: all at once, before Stop 10)")
    parser.add_argument("--rate", type=float, default=5, help="messages/s during the storm")
    parser.add_argument("--no-storm", action="store_true")
    parser.add_argument("--trace", action="store_true",
                        help="split each latency by stage on both servers (bench/messaging_trace.py)")
    parser.add_argument("--client-procs", type=int, default=4,
                        help="processes each server's clients are spread over (1: all in one)")
    parser.add_argument("--indexer", choices=("process", "thread"), default="process",
                        help="search indexer: a niced `search worker` process (README's deployment for "
                             "many open pages) or a thread of the web process (the embedded default)")
    backend.add_argument(parser)
    return parser.parse_args()


def main() -> None:
    signal.signal(signal.SIGTERM, _on_term)
    args = parse_args()
    threading.stack_size(512 * 1024)  # thousands of client threads
    DATA.mkdir(exist_ok=True)
    threads = 2 * args.clients + 200  # a websocket holds a thread; catch-up requests need as many again
    print(f"load average before: {os.getloadavg()[0]:.2f}; {args.clients} clients per server, "
          f"conversations of {args.per_conversation}, gunicorn -w 1 --threads {threads}; each server's "
          f"clients in {args.client_procs} processes; search indexer: {args.indexer}; blocks of "
          f"{args.block}; database: {args.backend}", flush=True)
    if args.trace:
        for target in (BARE, APP):
            TRACE[target] = DATA / f"trace_{target.split(':')[0]}.txt"
            TRACE[target].unlink(missing_ok=True)
    db = backend.fresh_url(args.backend, DATA / "messaging.db")
    people = build_db(db, args.clients, args.per_conversation)
    bare_port, port = free_ports(2)
    bare_url, url = f"http://127.0.0.1:{bare_port}", f"http://127.0.0.1:{port}"
    ARRIVALS.clear()
    bare_proc = start_server(BARE, bare_port, {}, threads)
    env = app_env(db, args.indexer)
    if args.indexer == "process":
        STARTED.append(start_worker(ROOT, env, DATA / "search_worker.log"))
    lag = LagSampler(db, INDEX).start()
    proc = start_server(APP, port, env, threads)
    try:
        clients = latency(args, people, db, bare_url, url)
        kill(bare_proc)
        if not args.no_storm:
            _row, proc = storm(clients, people, db, port, threads, proc, args.rate, env)
        # the lag while the clients are connected: 1,000 disconnects at once stall the web
        # process for seconds (bench/JOURNAL.md, Stop 11), and an indexer thread with it
        lag_figures = lag.stop()
        clients.stop()
        indexed = {**lag_figures, **indexed_report(db, INDEX)}
        print("search: " + ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
                                     for k, v in indexed.items()), flush=True)
    finally:
        kill(proc)


if __name__ == "__main__":
    status = 0
    try:
        main()
    except BaseException:
        import traceback

        traceback.print_exc()
        status = 1
    finally:
        for started in STARTED:
            _reap(started)
        reap_swarms()
        backend.stop()  # os._exit runs no atexit handler
        sys.stdout.flush()
        os._exit(status)  # reconnecting client threads must not keep the process alive
