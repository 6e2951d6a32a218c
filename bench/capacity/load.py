"""The capacity load tool: simulated employees against a running intranet, in its own process
(asyncio, aiohttp, python-socketio's async client; nothing of the app is imported).

    python bench/capacity/load.py --base http://127.0.0.1:8000 --steps 250,500,1000 \
        --first-user 2 --out results.json

Each simulated user logs in with the real form (``user<N>@bench.example``, bench/generate.py's
accounts), keeps one Socket.IO connection open (websocket, the session cookie, as a page), and on
average, each action at exponentially distributed intervals (Mattermost's way of measuring):

    home feed page ``/`` every 60 s          a direct message every 2 min (its conversations)
    a post or a comment every 5 min         a reaction every 3 min
    a search every 10 min                   a notification opened every 5 min

Users are added in steps (``--steps``); after each step's ramp and a settling pause, ``--measure``
seconds are measured against the health gate: 0 errors, p99 of pages and API calls <= 250 ms, live
delivery p99 (HTTP send to the event on another user's socket) <= 500 ms. The run stops one step
(``--after-fail``) after the first step that fails. ``--time-factor K`` divides every interval
by K (compressed time: N users then send the requests of K*N users while holding N sockets).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import socketio

PASSWORD = "bench1234"
INTERVALS = {"feed": 60, "message": 120, "post_or_comment": 300, "react": 180, "search": 600,
             "notification": 300}  # mean seconds between a user's actions of each kind
WORDS = ("projet", "client", "budget", "release", "team", "planning", "support", "sales", "roadmap",
         "formation", "sprint", "qualité", "meeting", "campaign")
REACTIONS = ("like", "love", "laugh", "wow", "sad", "thanks")
GATE = {"errors": 0, "p99_ms": 250.0, "live_p99_ms": 500.0}
TIMEOUT = aiohttp.ClientTimeout(total=30)


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)


@dataclass
class Stats:
    """One step's measurements (reset when the measuring window opens)."""

    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    live: list[float] = field(default_factory=list)
    sent: dict[tuple[str, int], float] = field(default_factory=dict)  # (kind, id) -> send time
    early: dict[tuple[str, int], list[float]] = field(default_factory=lambda: defaultdict(list))
    conflicts: int = 0
    loop_lag: list[float] = field(default_factory=list)
    measuring: bool = False


class Load:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args, self.stats = args, Stats()
        self.http: aiohttp.ClientSession | None = None
        self.users: list[User] = []
        self.stopping = asyncio.Event()

    def error(self, what: str) -> None:
        if self.stats.measuring:
            self.stats.errors[what] += 1

    def timed(self, kind: str, seconds: float) -> None:
        if self.stats.measuring:
            self.stats.latency[kind].append(seconds * 1000)

    def sent(self, kind: str, item: int, t0: float) -> None:
        if not self.stats.measuring:
            return
        self.stats.sent[(kind, item)] = t0
        for arrived in self.stats.early.pop((kind, item), []):
            self.stats.live.append((arrived - t0) * 1000)

    def arrived(self, kind: str, item: int) -> None:
        now = time.perf_counter()
        if not self.stats.measuring:
            return
        t0 = self.stats.sent.get((kind, item))
        if t0 is None:
            self.stats.early[(kind, item)].append(now)  # before the sender's answer came back
        else:
            self.stats.live.append((now - t0) * 1000)


class User:
    def __init__(self, load: Load, number: int) -> None:
        self.load, self.n = load, number
        self.agent = f"CapacityUser/{number}"
        self.cookie = ""
        self.csrf = ""
        self.posts: list[int] = []
        self.groups: list[int] = []
        self.conversations: list[int] = []
        self.sio: socketio.AsyncClient | None = None
        self.tasks: list[asyncio.Task] = []

    # ---- HTTP ---------------------------------------------------------------------------------
    async def request(self, kind: str, method: str, path: str, *, json_body: Any = None,
                      data: dict | None = None, ok: tuple[int, ...] = (200, 201), timed: bool = True) -> Any:
        headers = {"User-Agent": self.agent, "Cookie": self.cookie, "Referer": self.load.args.base + "/"}
        if method != "GET":
            headers["X-CSRFToken"] = self.csrf
        assert self.load.http is not None
        t0 = time.perf_counter()
        try:
            async with self.load.http.request(method, self.load.args.base + path, json=json_body, data=data,
                                              headers=headers, allow_redirects=False, ssl=False) as resp:
                body = await resp.read()
                elapsed = time.perf_counter() - t0
                if "session" in resp.cookies:
                    self.cookie = f"session={resp.cookies['session'].value}"
        except (TimeoutError, aiohttp.ClientError) as exc:
            self.load.error(f"{kind}: {type(exc).__name__}")
            return None
        if resp.status == 409 and kind == "react":
            self.load.stats.conflicts += 1  # reacting twice with one kind: the product's answer
            return None
        if resp.status not in ok:
            self.load.error(f"{kind}: HTTP {resp.status}")
            return None
        if timed:
            self.load.timed(kind, elapsed)
        if resp.content_type == "application/json":
            return json.loads(body)
        return body.decode(errors="replace")

    async def log_in(self) -> bool:
        page = await self.request("login", "GET", "/login", timed=False)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page or "")
        if token is None:
            self.load.error("login: no form")
            return False
        self.csrf = token.group(1)
        done = await self.request("login", "POST", "/login", ok=(302, 303), timed=False,
                                  data={"csrf_token": self.csrf, "email": f"user{self.n}@bench.example",
                                        "password": PASSWORD})
        if done is None:
            return False
        home = await self.request("feed", "GET", "/", timed=False)
        token = re.search(r'name="csrf-token" content="([^"]+)"', home or "")
        self.csrf = token.group(1) if token else self.csrf
        feed = await self.request("feed_api", "GET", "/api/v1/feed?limit=20", timed=False) or {}
        self.posts = [p["id"] for p in feed.get("items", [])]
        mine = await self.request("me", "GET", "/api/v1/me", timed=False) or {}
        self.groups = [g["id"] for g in mine.get("groups", [])]  # where this user may post
        convs = await self.request("conversations", "GET", "/api/v1/conversations", timed=False) or {}
        self.conversations = [c["id"] for c in convs.get("items", [])]
        return True

    # ---- socket -------------------------------------------------------------------------------
    async def connect(self) -> bool:
        sio = socketio.AsyncClient(reconnection=False, ssl_verify=False)

        @sio.on("post")
        async def on_post(data: dict) -> None:
            if data.get("op") == "add":
                self.load.arrived("post", data["id"])
                self.posts = [data["id"], *self.posts[:19]]

        @sio.on("message")
        async def on_message(data: dict) -> None:
            if data.get("op") == "add":
                self.load.arrived("message", data["id"])

        @sio.on("disconnect")
        async def on_disconnect(*_args: Any) -> None:
            if not self.load.stopping.is_set():
                self.load.error("socket: disconnected")

        try:
            await sio.connect(self.load.args.base, transports=["websocket"], wait_timeout=30,
                              headers={"Cookie": self.cookie, "User-Agent": self.agent})
        except (TimeoutError, socketio.exceptions.ConnectionError) as exc:
            self.load.error(f"socket: {type(exc).__name__}")
            return False
        self.sio = sio
        return True

    # ---- actions ------------------------------------------------------------------------------
    async def feed(self) -> None:
        await self.request("page /", "GET", "/")

    async def message(self) -> None:
        if not self.conversations:
            return
        cid = random.choice(self.conversations)
        t0 = time.perf_counter()
        sent = await self.request("message", "POST", f"/api/v1/conversations/{cid}/messages",
                                  json_body={"body": f"capacity message {random.random():.6f}"})
        if sent:
            self.load.sent("message", sent["id"], t0)

    async def post_or_comment(self) -> None:
        if self.posts and random.random() < 0.5:
            await self.request("comment", "POST", f"/api/v1/posts/{random.choice(self.posts)}/comments",
                               json_body={"body": "capacity comment"})
            return
        body: dict[str, Any] = {"body": f"capacity post about {random.choice(WORDS)}"}
        if self.groups:
            body["group_id"] = random.choice(self.groups)
        t0 = time.perf_counter()
        sent = await self.request("post", "POST", "/api/v1/posts", json_body=body)
        if sent:
            self.load.sent("post", sent["id"], t0)

    async def react(self) -> None:
        if self.posts:
            await self.request("react", "POST", f"/api/v1/posts/{random.choice(self.posts)}/reactions",
                               json_body={"kind": random.choice(REACTIONS)})

    async def search(self) -> None:
        await self.request("search", "GET", f"/api/v1/search?q={random.choice(WORDS)}&limit=20")

    async def notification(self) -> None:
        notes = await self.request("notifications", "GET", "/api/v1/notifications?limit=10")
        if not notes or not notes.get("items"):
            return
        note = notes["items"][0]
        if note.get("post"):
            await self.request("page /posts/<id>", "GET", note["post"]["url"])
        elif note.get("conversation_id"):
            await self.request("page /messages/<id>", "GET", f"/messages/{note['conversation_id']}")
        await self.request("notifications read", "POST", "/api/v1/notifications/read",
                           json_body={"ids": [note["id"]]})

    async def act(self, kind: str) -> None:
        mean = INTERVALS[kind] / self.load.args.time_factor
        await asyncio.sleep(random.uniform(0, mean))  # users do not all start at once
        while not self.load.stopping.is_set():
            await getattr(self, kind)()
            await asyncio.sleep(random.expovariate(1 / mean))

    def start(self) -> None:
        self.tasks = [asyncio.create_task(self.act(kind)) for kind in INTERVALS]


async def loop_lag(load: Load) -> None:
    """How late the load tool's own event loop wakes up: its figures are only as good as this."""
    while not load.stopping.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep(0.1)
        if load.stats.measuring:
            load.stats.loop_lag.append((time.perf_counter() - t0 - 0.1) * 1000)


async def add_users(load: Load, numbers: list[int], ramp: float) -> None:
    async def one(n: int, delay: float) -> None:
        await asyncio.sleep(delay)
        user = User(load, n)
        if await user.log_in() and await user.connect():
            load.users.append(user)
            user.start()

    await asyncio.gather(*(one(n, i * ramp / max(1, len(numbers))) for i, n in enumerate(numbers)))


def verdict(stats: Stats, users: int, args: argparse.Namespace) -> dict:
    every = list(itertools.chain.from_iterable(stats.latency.values()))
    errors = sum(stats.errors.values())
    p99, live_p99 = pct(every, 0.99), pct(stats.live, 0.99)
    passed = (errors == GATE["errors"] and (p99 or 0) <= GATE["p99_ms"]
              and (live_p99 or 0) <= GATE["live_p99_ms"])
    return {
        "users": users, "connected": users, "passed": passed, "errors": errors,
        "error_kinds": dict(stats.errors), "requests": len(every),
        "rate_per_s": round(len(every) / args.measure, 1), "p50_ms": pct(every, 0.5), "p99_ms": p99,
        "by_kind": {k: {"n": len(v), "p50": pct(v, 0.5), "p99": pct(v, 0.99)}
                    for k, v in stats.latency.items()},
        "live_n": len(stats.live), "live_p50_ms": pct(stats.live, 0.5), "live_p99_ms": live_p99,
        "reaction_conflicts": stats.conflicts, "load_tool_loop_lag_p99_ms": pct(stats.loop_lag, 0.99),
        "load_average": round(os.getloadavg()[0], 2), "time_factor": args.time_factor,
    }


async def run(args: argparse.Namespace) -> list[dict]:
    load = Load(args)
    # idle connections closed before gunicorn closes them (2 s): no request races a closing socket
    connector = aiohttp.TCPConnector(limit=args.connections, ssl=False, keepalive_timeout=1.0)
    load.http = aiohttp.ClientSession(connector=connector, timeout=TIMEOUT,
                                      cookie_jar=aiohttp.DummyCookieJar())  # each user's own cookie
    lag = asyncio.create_task(loop_lag(load))
    results, added, failed = [], 0, 0
    try:
        for target in args.steps:
            numbers = list(range(args.first_user + added, args.first_user + target))
            await add_users(load, numbers, args.ramp)
            added = target
            await asyncio.sleep(args.settle)
            load.stats, t_start = Stats(measuring=True), time.time()
            await asyncio.sleep(args.measure)
            load.stats.measuring = False
            row = verdict(load.stats, len(load.users), args)
            row.update(users=target, t_start=t_start, t_end=time.time())
            results.append(row)
            print(json.dumps(row), flush=True)
            failed += not row["passed"]
            if failed > args.after_fail:
                break
    finally:
        load.stopping.set()
        for user in load.users:
            for task in user.tasks:
                task.cancel()
        await asyncio.gather(*(u.sio.disconnect() for u in load.users if u.sio), return_exceptions=True)
        lag.cancel()
        await load.http.close()
    return results


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", required=True, help="the intranet's URL (nginx or gunicorn)")
    p.add_argument("--steps", type=lambda s: [int(x) for x in s.split(",")], default=[250, 500, 1000])
    p.add_argument("--first-user", type=int, default=2, help="user<N>@bench.example of the first user")
    p.add_argument("--ramp", type=float, default=30, help="seconds over which a step's new users arrive")
    p.add_argument("--settle", type=float, default=10, help="seconds between a step's ramp and its measure")
    p.add_argument("--measure", type=float, default=60, help="seconds measured per step")
    p.add_argument("--time-factor", type=float, default=1.0, help="divide every interval by this")
    p.add_argument("--connections", type=int, default=256, help="HTTP connections of the load tool")
    p.add_argument("--after-fail", type=int, default=1,
                   help="steps run after the first failing one (are there errors at the next step?)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", help="write the steps' results (JSON) here")
    args = p.parse_args(argv)
    random.seed(args.seed)
    results = asyncio.run(run(args))
    if args.out:
        with open(args.out, "w") as out:
            json.dump(results, out, indent=1)
    passing = [r["users"] for r in results if r["passed"]]
    print(f"highest passing step: {max(passing) if passing else 'none'} users", file=sys.stderr)


if __name__ == "__main__":
    main()
