"""Search benchmark on 1,000,000 posts: indexing rate, query latency (endpoint vs raw), lag.

    # once: copy bench/generate.py's database (1M posts) and index its posts (~11+ min)
    python bench/search_bench.py build  --src /work/main/bench/data/bench.db --work /tmp/search_bench
    # query p50/p95: raw Whoosh on the same index vs GET /api/v1/search (in-process test client)
    python bench/search_bench.py query  --work /tmp/search_bench [--rounds 40] [--classes rare,mid]
    # index lag at 20 posts/s from 8 writer threads through the real actions + indexer thread
    python bench/search_bench.py lag    --work /tmp/search_bench [--seconds 30]
    # small smoke size (CI): generates its own tiny database
    python bench/search_bench.py smoke
    # PostgreSQL: the --src rows copied into a throwaway server, then build, query and lag in one run
    python bench/search_bench.py all --backend postgresql --src bench/data/quick.db --work /tmp/sb_pg
    # or query only, against an index built before: its folder's own rows copied into PostgreSQL
    python bench/search_bench.py query --backend postgresql --src /tmp/sb/bench.db --work /tmp/sb

The endpoint is measured with Flask's in-process test client (no HTTP server, no socket): the
figure is the app's own cost over raw Whoosh (parse, ACL arrays, facets, hydration through
access, snippets, JSON), which is what the 1.3x + 3 ms aim is about.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import backend  # noqa: E402

DATABASE: dict[str, str] = {}  # "url": the PostgreSQL copy, when --backend postgresql


def make_app(work: Path):
    from intranet import create_app

    return create_app({
        "DATABASE_URL": DATABASE.get("url", f"sqlite:///{work / 'bench.db'}"),
        "SEARCH_INDEX_DIR": str(work / "index"),
        "UPLOAD_DIR": str(work / "uploads"),
        "SECRET_KEY": "bench",
        "SEARCH_INDEXER_THREAD": False,
        "RATELIMIT_ENABLED": False,
        # nothing but search in the measure: no mailer, no inbox threads polling beside it
        "MAIL_SENDER_THREAD": False,
        "INBOX_SCHEDULER": False,
        "INBOX_PROCESSING": "inline",
    })


def prepare(src: Path, work: Path) -> None:
    """Copy the generated database once and upgrade it to this branch's schema."""
    from intranet.platform.migrate import upgrade

    work.mkdir(parents=True, exist_ok=True)
    if "url" in DATABASE:
        return
    if not (work / "bench.db").exists():
        shutil.copy(src, work / "bench.db")
    with make_app(work).app_context():
        upgrade()


def upgrade_work(app) -> None:
    """A work folder built by an older branch gets this branch's schema (no-op when current)."""
    from intranet.platform.migrate import upgrade

    with app.app_context():
        upgrade()


def build(args: argparse.Namespace) -> dict:
    from intranet.search.index.rebuild import rebuild

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


# ---- queries ---------------------------------------------------------------------------------

CLASSES = {"rare": (5, 60), "mid": (1500, 4000), "common": None}
RARE_WORDS = ("zorvex", "quillane", "brimwort", "delphasm", "marrowind", "tessivel", "ombrique",
              "falcoran", "vintrelle", "glossamir")


def ensure_rare_terms(app) -> int:
    """generate.py's vocabulary has no rare words: add ~200 posts using 10 made-up words
    (10-30 posts each) through the real actions and indexer (a small extra segment)."""
    import random

    from sqlalchemy import select

    from intranet.actions.posts import do_create_post
    from intranet.models import User
    from intranet.platform import db
    from intranet.search.index.indexer import drain, store

    with app.app_context():
        reader = store().snapshot().searcher.reader()
        if reader.doc_frequency("body", RARE_WORDS[0]):
            return 0
        rng = random.Random(5)
        authors = list(db.session.scalars(select(User).where(User.is_active_account).limit(50)))
        with db.transaction() as s:
            for word in RARE_WORDS:
                for n in range(rng.randint(10, 30)):
                    author = s.merge(rng.choice(authors))
                    do_create_post(s, author, None, f"Note {n} about {word} for the team")
        return drain()


def pick_terms(searcher, per_class: int = 5) -> dict[str, list[str]]:
    """Stems of the body field by document frequency (words that analyse to themselves)."""
    from intranet.search.text.analysis import token_terms

    reader = searcher.reader()
    stats = []
    for raw in reader.lexicon("body"):
        term = raw.decode() if isinstance(raw, bytes) else raw
        if term.isalnum() and len(term) > 3 and token_terms(term)[:1] == (term,):
            stats.append((reader.doc_frequency("body", term), term))
    stats.sort()
    out: dict[str, list[str]] = {}
    for name, band in CLASSES.items():
        if band is None:
            out[name] = [t for _df, t in stats[-per_class:]]
        else:
            inside = [t for df, t in stats if band[0] <= df <= band[1]]
            step = max(1, len(inside) // per_class)
            out[name] = inside[::step][:per_class]
    commonish = [t for df, t in stats if 20_000 <= df <= 120_000] or [t for _df, t in stats[-40:-10]]
    out["two-term"] = [f"{a} {b}" for a, b in zip(commonish[::2], commonish[1::2], strict=False)][:per_class]
    out["_df"] = {t: df for df, t in stats if any(t in v for v in out.values())}
    return out


def raw_query(q: str):
    from whoosh import query as wq

    from intranet.search.text.analysis import text_terms

    words = [wq.Or([wq.Term(f, t) for f in ("title", "body") for t in terms])
             for terms in text_terms(q)]
    return words[0] if len(words) == 1 else wq.And(words)


def query(args: argparse.Namespace) -> dict:
    from sqlalchemy import select

    from intranet.models import User
    from intranet.platform import db
    from intranet.platform.sessions import login_keys
    from intranet.search.index.indexer import store

    work = Path(args.work)
    app = make_app(work)
    upgrade_work(app)
    ensure_rare_terms(app)
    client = app.test_client()
    with app.app_context():
        snap = store().snapshot()
        terms = pick_terms(snap.searcher)
        reader_id = db.session.scalar(select(User.id).where(User.is_active_account)
                                      .order_by(User.id.desc()).limit(1))  # a regular employee
        keys = login_keys(db.session.get(User, reader_id))  # a server-side login, as the form makes
    with client.session_transaction() as sess:
        sess.update(keys)
    report: dict = {"reader_id": reader_id, "classes": {}, "df": terms.pop("_df")}
    only = set(args.classes.split(",")) if getattr(args, "classes", "") else set(terms)
    for name, words in terms.items():
        if not words or name not in only:
            continue
        raw, endpoint = [], []
        for q in words:  # untimed warm-up: first requests pay lazy loading, cold postings
            client.get("/api/v1/search", query_string={"q": q, "limit": 20})
        for _ in range(max(1, args.rounds // len(words))):
            for q in words:
                with app.app_context():
                    searcher = store().snapshot().searcher
                    t0 = time.perf_counter()
                    searcher.search(raw_query(q), limit=20)
                    raw.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                res = client.get("/api/v1/search", query_string={"q": q, "limit": 20})
                endpoint.append(time.perf_counter() - t0)
                assert res.status_code == 200, res.get_data(as_text=True)
        report["classes"][name] = {
            "queries": words, "n": len(raw),
            "raw_p50_ms": pct(raw, .5), "raw_p95_ms": pct(raw, .95),
            "endpoint_p50_ms": pct(endpoint, .5), "endpoint_p95_ms": pct(endpoint, .95),
            "aim_p95_ms": round(pct(raw, .95) * 1.3 + 3, 2)}
        print(name, json.dumps(report["classes"][name]), flush=True)
    (work / "query.json").write_text(json.dumps(report, indent=1))
    return report


# ---- lag -------------------------------------------------------------------------------------

class LockErrors(logging.Handler):
    """Counts the indexer's LockErrors, and keeps every other error it logged (for the report)."""

    count = 0
    others: list[str] = []

    def emit(self, record) -> None:
        if record.exc_info and "LockError" in repr(record.exc_info[1].__class__):
            LockErrors.count += 1
        elif record.exc_info:
            LockErrors.others.append(repr(record.exc_info[1]))


def lag(args: argparse.Namespace) -> dict:
    from sqlalchemy import select

    from intranet.actions.posts import do_create_post
    from intranet.models import User
    from intranet.platform import db
    from intranet.search.index.indexer import IndexerThread, store

    work = Path(args.work)
    app = make_app(work)
    upgrade_work(app)
    logging.getLogger("intranet.search.index.indexer").addHandler(LockErrors())
    with app.app_context():
        authors = list(db.session.scalars(select(User.id).where(User.is_active_account).limit(200)))
        store().snapshot()
    indexer = IndexerThread(app, poll=1.0)
    app.extensions["intranet.search.thread"] = indexer  # commits wake it, as in the web process
    indexer.start()
    committed: dict[int, float] = {}
    seen: dict[int, float] = {}
    stop = threading.Event()
    writers, rate = 8, 20.0

    def writer(n: int) -> None:
        interval = writers / rate
        next_at = time.perf_counter() + n * interval / writers
        i = 0
        while not stop.is_set():
            time.sleep(max(0.0, next_at - time.perf_counter()))
            next_at += interval
            if stop.is_set():
                break
            with app.app_context():
                with db.transaction() as s:
                    author = s.get(User, authors[(n * 31 + i) % len(authors)])
                    post = do_create_post(s, author, None, f"Bench lag post {n}-{i} zzlag{n}x{i}")
                committed[post.id] = time.perf_counter()
            i += 1

    def watcher() -> None:
        while not stop.is_set() or len(seen) < len(committed):
            with app.app_context():
                searcher = store().snapshot().searcher
                for pid in [p for p in list(committed) if p not in seen]:
                    if searcher.document_number(key=f"post:{pid}") is not None:
                        seen[pid] = time.perf_counter()
            time.sleep(0.01)
            if stopped[0] and time.perf_counter() - stopped[0] > 30:
                break  # 30 s after the last writer finished

    stopped = [0.0]
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    watch = threading.Thread(target=watcher)
    for t in (*threads, watch):
        t.start()
    time.sleep(args.seconds)
    stop.set()
    for t in threads:
        t.join()
    stopped[0] = time.perf_counter()
    watch.join()
    indexer.stop()
    lags = [seen[p] - committed[p] for p in committed if p in seen]
    result = {"posts": len(committed), "indexed": len(lags), "seconds": args.seconds,
              "rate_per_s": round(len(committed) / args.seconds, 1),
              "lag_p50_ms": pct(lags, .5), "lag_p99_ms": pct(lags, .99),
              "lag_max_ms": round(max(lags) * 1000, 1), "lock_errors": LockErrors.count,
              "other_indexer_errors": LockErrors.others[:5]}
    print(json.dumps(result))
    (work / "lag.json").write_text(json.dumps(result))
    return result


def smoke(args: argparse.Namespace) -> dict:
    """A tiny end-to-end run (no 1M data): a fresh DB, a few posts, build, one query each way."""
    import tempfile

    from intranet.actions.posts import do_create_post
    from intranet.actions.users import do_create_user
    from intranet.platform import db
    from intranet.platform.migrate import upgrade
    from intranet.search.index.indexer import drain
    from intranet.search.index.rebuild import rebuild

    work = Path(tempfile.mkdtemp(prefix="search-smoke-"))
    app = make_app(work)
    with app.app_context():
        upgrade()
        with db.transaction() as s:
            user = do_create_user(s, "smoke@example.com", "Smoke Test", "correct horse 42")
            for n in range(30):
                do_create_post(s, user, None, f"Réunion numéro {n} sur la sécurité")
        drained = drain()
        written = rebuild()
    args.work, args.rounds = str(work), 2
    report = query(args)
    shutil.rmtree(work, ignore_errors=True)
    return {"drained": drained, "rebuilt": written, "classes": list(report["classes"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("command", choices=["build", "query", "lag", "smoke", "all"])
    parser.add_argument("--src", default=str(ROOT / "bench" / "data" / "bench.db"))
    parser.add_argument("--work", default="/tmp/search_bench")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--classes", default="", help="query: only these classes (rare,mid,...)")
    backend.add_argument(parser)
    args = parser.parse_args()
    if args.backend == "postgresql":  # a throwaway server: build, query and lag in this run
        if args.command not in ("all", "query"):
            raise SystemExit("--backend postgresql: use the 'all' or 'query' command")
        if args.command == "all":
            shutil.rmtree(args.work, ignore_errors=True)
        # query: the --src rows (a work folder's bench.db) against that folder's index
        DATABASE["url"] = backend.database_for("postgresql", Path(args.src).resolve())
    if args.command == "all":
        for step in (build, query, lag):
            step(args)
        return
    {"build": build, "query": query, "lag": lag, "smoke": smoke}[args.command](args)


if __name__ == "__main__":
    main()
