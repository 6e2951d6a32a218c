"""Search benchmark on 1,000,000 posts: indexing rate, query latency (endpoint vs raw), lag.

    # once: copy bench/generate.py's database (1M posts) and index its posts (~11+ min)
    python bench/search_bench.py build  --src /work/main/bench/data/bench.db --work /tmp/search_bench
    # query p50/p95: raw Whoosh on the same index vs GET /api/v1/search (in-process test client)
    python bench/search_bench.py query  --work /tmp/search_bench [--rounds 40]
    # index lag at 20 posts/s from 8 writer threads through the real actions + indexer thread
    python bench/search_bench.py lag    --work /tmp/search_bench [--seconds 30]
    # small smoke size (CI): generates its own tiny database
    python bench/search_bench.py smoke

The endpoint is measured with Flask's in-process test client (no HTTP server, no socket): the
figure is the app's own cost over raw Whoosh (parse, ACL arrays, facets, hydration through
access, snippets, JSON), which is what the 1.3x + 3 ms aim is about.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def make_app(work: Path):
    from intranet import create_app

    return create_app({
        "DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
        "SEARCH_INDEX_DIR": str(work / "index"),
        "UPLOAD_DIR": str(work / "uploads"),
        "SECRET_KEY": "bench",
        "SEARCH_INDEXER_THREAD": False,
        "RATELIMIT_ENABLED": False,
    })


def prepare(src: Path, work: Path) -> None:
    """Copy the generated database once and upgrade it to this branch's schema."""
    from intranet.migrate import upgrade

    work.mkdir(parents=True, exist_ok=True)
    if not (work / "bench.db").exists():
        shutil.copy(src, work / "bench.db")
    with make_app(work).app_context():
        upgrade()


def build(args: argparse.Namespace) -> dict:
    from intranet.search.rebuild import rebuild

    work = Path(args.work)
    prepare(Path(args.src), work)
    app = make_app(work)
    done = [0]
    start = time.perf_counter()

    def progress(n: int) -> None:
        done[0] += n
        if done[0] % 50_000 < n:
            rate = done[0] / (time.perf_counter() - start)
            print(f"  {done[0]:>9,} posts  {rate:,.0f} docs/s", flush=True)

    with app.app_context():
        written = rebuild(progress=progress, kinds=["post"])
    elapsed = time.perf_counter() - start
    result = {"documents": written, "seconds": round(elapsed, 1),
              "docs_per_s": round(written / elapsed), "index_mb": _size_mb(work / "index")}
    print(json.dumps(result))
    (work / "build.json").write_text(json.dumps(result))
    return result


def _size_mb(folder: Path) -> float:
    return round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6, 1)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p))] * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("command", choices=["build", "query", "lag", "smoke"])
    parser.add_argument("--src", default=str(ROOT / "bench" / "data" / "bench.db"))
    parser.add_argument("--work", default="/tmp/search_bench")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    {"build": build}[args.command](args)


if __name__ == "__main__":
    main()
