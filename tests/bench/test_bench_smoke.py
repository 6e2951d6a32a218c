"""The benchmarks at a tiny size: the data generator, the search bench, the messaging bench."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest

from bench.generate import generate
from bench.search_bench import build, query

pytestmark = pytest.mark.sqlite_only  # the benches' generator writes a SQLite file


def test_generator_writes_a_small_coherent_company(tmp_path):
    db = tmp_path / "bench.db"
    stats = generate(db, users=30, groups=12, posts=50, seed=3, quiet=True)
    assert stats.rows["posts"] == 50 and stats.rows["users"] == 30 and stats.rows["groups"] == 12
    with sqlite3.connect(db) as con:
        count = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                 for t in ("posts", "users", "groups", "memberships", "comments", "events")}
        assert count["posts"] == 50 and count["users"] == 30 and count["groups"] == 12
        assert count["events"] == count["posts"] + count["comments"]
        assert con.execute("select version_num from alembic_version").fetchone()[0] >= "0002"
        # group posts are written by members of the group, as the product requires
        outsiders = con.execute("select count(*) from posts p where p.group_id is not null and not exists "
                                "(select 1 from memberships m where m.group_id = p.group_id "
                                "and m.user_id = p.author_id)").fetchone()[0]
        assert outsiders == 0
        htmls = [h for (h,) in con.execute("select html from posts")]
        assert all(h.startswith("<p>") and "<script" not in h for h in htmls)
    again = generate(db, users=30, groups=12, posts=50, seed=3, quiet=True)  # a fresh file each time
    assert again.rows == stats.rows


def test_search_bench_builds_and_queries_a_tiny_index(tmp_path):
    """bench/search_bench.py at 200 posts: the index holds every post, both query paths answer."""

    generate(tmp_path / "src.db", users=30, groups=12, posts=200, seed=3, quiet=True)
    args = Namespace(src=str(tmp_path / "src.db"), work=str(tmp_path / "work"), rounds=2, seconds=1)
    assert build(args)["documents"] == 200
    report = query(args)
    assert report["classes"] and all(c["endpoint_p95_ms"] > 0 for c in report["classes"].values())


def test_messaging_bench_alternates_both_servers_at_a_tiny_size(tmp_path):
    """bench/messaging_bench.py with 10 clients per server: both servers up, turns of 5 messages,
    every message reaches its room's last client on both; no storm (it would take 15 s more)."""
    root = Path(__file__).resolve().parents[2]  # the repository
    run = subprocess.run([sys.executable, "bench/messaging_bench.py", "--clients", "10", "--per-conversation",
                          "5", "--messages", "10", "--block", "5", "--ramp", "0", "--settle", "0",
                          "--client-procs", "1", "--no-storm"],
                         cwd=root, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "BENCH_DATA": str(tmp_path)})
    assert run.returncode == 0, run.stdout + run.stderr
    complete = [line for line in run.stdout.splitlines() if "complete" in line]
    assert len(complete) == 2 and all(" 10/10 complete" in line for line in complete), run.stdout
    blocks = [line for line in run.stdout.splitlines() if "p50 per block:" in line]
    assert [len(line.split(":")[1].split()) for line in blocks] == [2, 2]
    assert "p99 ratio app / bare" in run.stdout and "messages 12, indexed 12" in run.stdout
