"""Inbox case work at volume: the list page's query, the nav badge, the dashboard, one case.

Builds a fresh SQLite file (Alembic schema) with N cases spread over the last 30 days across
three services (bulk Core inserts, like ``generate.py``: volume, not the product path), then
times the read functions the pages call, in-process, as an agent and as an admin.

    .venv/bin/python bench/cases_bench.py            # --cases 100000 --db bench/data/cases.db
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select

from intranet import create_app
from intranet.models import Case, Department, ExternalComment, InboxAgent, Source, User
from intranet.platform import db

WORDS = ("card", "charged", "twice", "refund", "robot", "chef", "firmware", "broken", "delivery", "late",
         "great", "service", "thanks")


def _comment(i: int, rng: random.Random, source_id: int, at: datetime, authors: int) -> dict:
    return {"id": i, "source_id": source_id, "external_id": f"e{i}",
            "author": f"user{rng.randint(1, authors)}",
            "text": " ".join(rng.choices(WORDS, k=12)), "posted_at": at, "received_at": at, "author_url": "",
            "url": "", "lang": "en", "in_reply_to": "", "followers": rng.randint(0, 5000)}


def _case(i: int, rng: random.Random, department_id: int, agent_id: int, at: datetime) -> dict:
    status = rng.choice(["NEW", "ASSIGNED", "WAITING", "RESOLVED", "RESOLVED", "IGNORED"])
    answered = at + timedelta(minutes=rng.randint(5, 600)) if status != "NEW" else None
    resolved = at + timedelta(hours=rng.randint(1, 90)) if status == "RESOLVED" else None
    return {"comment_id": i, "department_id": department_id, "status": status,
            "assignee_id": agent_id if status != "NEW" else None,
            "sentiment": rng.choice(["POSITIVE", "NEUTRAL", "NEGATIVE"]), "needs_response": True,
            "urgency": "NORMAL", "recommendation": "ANSWER", "triage": {}, "overridden": False,
            "created_at": at, "updated_at": at, "first_response_due": at + timedelta(hours=4),
            "resolution_due": at + timedelta(days=3), "breaches": [], "first_response_at": answered,
            "resolved_at": resolved}


def build(path: Path, n: int, seed: int = 1) -> None:
    from intranet.actions.users import do_create_department, do_create_user
    from intranet.platform.migrate import upgrade

    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with app.app_context():
        upgrade()
        with db.transaction() as s:
            depts = [do_create_department(s, name, acting_user=None)
                     for name in ("Service", "Marketing", "Produit")]
            agent = do_create_user(s, "agent@bench.example", "Agent", "bench1234", department=depts[0],
                                     password_policy=False)  # the benches' documented password
            do_create_user(s, "admin@bench.example", "Admin", "bench1234", is_admin=True,
                                     password_policy=False)  # the benches' documented password
            s.add(InboxAgent(user_id=agent.id, department_id=depts[0].id))
            sources = [Source(slug=f"s{i}", name=f"Source {i}", network="x", connector="webhook")
                       for i in range(4)]
            s.add_all(sources)
            s.flush()
            comments, cases = [], []
            for i in range(1, n + 1):
                at = now - timedelta(minutes=rng.randint(0, 30 * 24 * 60))
                comments.append(_comment(i, rng, sources[i % 4].id, at, n // 5))
                cases.append(_case(i, rng, depts[i % 3].id, agent.id, at))
            s.execute(insert(ExternalComment), comments)
            s.execute(insert(Case), sorted(cases, key=lambda c: c["created_at"]))
        db.engine().dispose()


def timed(fn, rounds: int = 15) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def run(path: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{path}"})
    with app.test_request_context():
        s = db.session()
        total = s.scalar(select(func.count()).select_from(Case))
        agent = s.scalar(select(User).where(User.email == "agent@bench.example"))
        admin = s.scalar(select(User).where(User.email == "admin@bench.example"))
        service = s.scalar(select(Department).where(Department.name == "Service"))
        newest = s.scalar(select(Case).where(Case.department_id == service.id).order_by(Case.id.desc()))
        print(f"{path.name}: {total or '?'} cases")
        for who, user in (("agent", agent), ("admin", admin)):
            for name, fn in _checks(s, user, newest).items():
                median, worst = timed(fn, rounds=5 if "dashboard" in name else 15)
                print(f"  {who:5} {name:30} median {median:8.1f} ms   max {worst:8.1f} ms")


def _checks(s, user: User, newest: Case) -> dict:
    from intranet.inbox import access as access_inbox
    from intranet.inbox.queries import case_page as inbox_case
    from intranet.inbox.queries import cases as inbox_queries
    from intranet.inbox.queries import dashboard as inbox_dashboard

    services = access_inbox.inbox_services(user)
    older = str(newest.id - 2000)
    return {
        "list, open (first page)": lambda: inbox_queries.case_page(
            s, user, inbox_queries.parse_filters({}, services)),
        "list, all statuses, page 40": lambda: inbox_queries.case_page(
            s, user, inbox_queries.parse_filters({"status": "all", "before": older}, services)),
        "list, breached": lambda: inbox_queries.case_page(
            s, user, inbox_queries.parse_filters({"breached": "1"}, services)),
        "nav badge count": lambda: inbox_queries.open_count(s, user),
        "dashboard (30 days)": lambda: inbox_dashboard.stats(s, services, inbox_queries.now()),
        "case page context": lambda: inbox_case.case_context(s, user, newest),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("bench/data/cases.db"))
    parser.add_argument("--reuse", action="store_true", help="keep an existing file")
    args = parser.parse_args()
    if not (args.reuse and args.db.exists()):
        start = time.perf_counter()
        build(args.db, args.cases)
        print(f"built {args.cases} cases in {time.perf_counter() - start:.1f} s")
    run(args.db)


if __name__ == "__main__":
    main()
