"""The home feed's cost per request in-process (Flask test client), with and without the page cache.

    python bench/feed_inprocess.py                      # bench/data/bench.db, user 2, 300 requests
    python bench/feed_inprocess.py --user 1 --profile   # plus a cProfile of the cached path

No server, no network: what the application itself costs per request, next to ``/healthz``. The
real-server figures come from ``feed_bench.py``. "rendered" clears the page cache before each
request (cards stay cached, as between two writes on a busy intranet); "cached" serves the page
again, as while nothing is written.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def per_request_ms(action: Callable[[], object], n: int) -> float:
    """Best of three rounds: other work on the machine only ever adds time."""
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        for _ in range(n):
            action()
        best = min(best, (time.perf_counter() - began) / n * 1000)
    return best


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=ROOT / "bench" / "data" / "bench.db")
    p.add_argument("--user", type=int, default=2)
    p.add_argument("-n", type=int, default=300, help="requests per round")
    p.add_argument("--profile", action="store_true", help="cProfile the cached path")
    args = p.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db} is missing: run python bench/generate.py first")

    from intranet import create_app
    from intranet.models import User
    from intranet.platform import db
    from intranet.platform.sessions import login_keys
    from intranet.views import pagecache

    scratch = tempfile.mkdtemp(prefix="intranet-bench-")
    app = create_app({"SECRET_KEY": secrets.token_hex(16), "DATABASE_URL": f"sqlite:///{args.db.resolve()}",
                      "UPLOAD_DIR": scratch, "SEARCH_INDEX_DIR": scratch})
    client = app.test_client()
    with app.app_context():
        keys = login_keys(db.session.get(User, args.user))  # a server-side login, as the form makes
    with client.session_transaction() as sess:
        sess.update({**keys, "csrf_token": secrets.token_hex(20)})
    store = pagecache.store_of(app)

    def rendered() -> None:
        store.new_generation()
        assert client.get("/").status_code == 200

    for _ in range(20):  # warm-up: statement caches, cards
        rendered()
    size = len(client.get("/").data)
    results = {"/healthz": per_request_ms(lambda: client.get("/healthz"), args.n),
               "/ rendered": per_request_ms(rendered, args.n // 3),
               "/ cached": per_request_ms(lambda: client.get("/"), args.n)}
    print(f"user {args.user}, page {size:,} bytes, ms per request (best of 3 rounds):")
    for name, ms in results.items():
        print(f"  {name:12} {ms:6.3f} ms   ({results['/healthz'] / ms:6.1%} of /healthz's rate)")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [client.get("/") for _ in range(args.n)])
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
