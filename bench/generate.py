"""Seeded benchmark data: a big company in a fresh SQLite file, fast.

    python bench/generate.py                       # 10k users, 200 groups, 1M posts -> bench/data/bench.db
    python bench/generate.py --posts 50000 --db /tmp/small.db

This is a GENERATOR, NOT THE PRODUCT PATH. The schema comes from the real Alembic migrations
(``intranet.platform.migrate.upgrade``), but rows are written directly with SQLAlchemy Core ``executemany``
in a few big transactions: no actions, no events, no notifications, no search outbox, no Markdown.
Each post's sanitized HTML is precomputed as ``<p>`` + escaped text + ``</p>``, which is what the
sanitizer produces for one plain paragraph. Use the demo (``flask demo``) for realistic content,
this for volume.

Shape (defaults): 10 department groups plus projects and communities (public 60 %, private 30 %,
secret 10 %); each user is in their department's group plus about 4 others, chosen by a Zipf-like
popularity so a few groups are large; 10 % of posts are on the company feed, the rest spread over
groups in proportion to their size; comments on 20 % of posts, reactions on 30 %, a #topic on
20 %, 1 in 2,000 pinned; an event per post and per comment (as actions publish them) and a
notification to the post's author per comment.
User 1 is an administrator in 60 groups (the "heavy" reader), every other user ~5 groups.
Every account's password is ``bench1234``; e-mails are ``user<N>@bench.example``.
"""

from __future__ import annotations

import argparse
import html
import itertools
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection, create_engine, insert, text
from werkzeug.security import generate_password_hash

from intranet.models import (
    Comment,
    Department,
    Event,
    Group,
    GroupKind,
    Membership,
    Notification,
    NotificationKind,
    Post,
    Reaction,
    Role,
    Topic,
    User,
    Visibility,
    post_topics,
)

PASSWORD = "bench1234"
BATCH = 20_000
HEAVY_USER_GROUPS = 60
PINNED_SHARE = 0.0005
WORDS = (
    "client", "projet", "réunion", "lancement", "équipe", "budget", "planning", "livraison", "produit",
    "retour", "qualité", "marketing", "ventes", "support", "ticket", "incident", "sécurité", "formation",
    "recrutement", "objectif", "trimestre", "roadmap", "sprint", "démo", "maquette", "test", "données",
    "rapport", "chiffres", "croissance", "campagne", "salon", "partenaire", "contrat", "devis", "facture",
    "commande", "stock", "logistique", "transport", "garantie", "merci", "bravo", "bienvenue", "customer",
    "project", "meeting", "launch", "team", "budget", "delivery", "feedback", "quality", "sales",
    "support", "release", "security", "training", "hiring", "goal", "quarter", "roadmap", "sprint", "demo",
    "mockup", "data", "report", "growth", "campaign", "partner", "contract", "order", "stock", "shipping",
    "warranty", "thanks", "welcome", "update", "review", "plan", "idea", "question", "answer", "help",
    "today", "tomorrow", "week", "month", "the", "a", "of", "and", "to", "for", "with", "on", "in", "we",
    "our", "new", "next", "great",
)
TOPICS = [f"{w}{n}" for n in range(4) for w in
          ("projet", "client", "release", "rh", "it", "sales", "green", "data", "salon", "support",
           "qualite", "securite", "produit", "roadmap", "formation", "nps", "seo", "ux", "api", "lancement",
           "budget", "ops", "infra", "mobile", "web")]
KINDS = (GroupKind.PROJECT, GroupKind.COMMUNITY)
REACTIONS = ("like", "love", "laugh", "wow", "sad", "thanks")
FIRST = (
    "Camille", "Léa", "Hugo", "Emma", "Lucas", "Chloé", "Louis", "Inès", "Jules", "Manon", "Nathan",
    "Sarah", "Tom", "Zoé", "Adam", "Alice", "James", "Olivia", "Jack", "Grace", "Ryan", "Sophie", "Daniel",
    "Laura", "Mehdi", "Fatou", "Yanis", "Priya", "Kevin", "Clara",
)
LAST = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Smith", "Brown", "Wilson", "Taylor", "Murphy", "Shah",
)


@dataclass
class Stats:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def line(self) -> str:
        total = sum(self.rows.values())
        parts = ", ".join(f"{k} {v:,}" for k, v in self.rows.items())
        return f"{total:,} rows in {self.seconds:.1f} s ({total / self.seconds:,.0f} rows/s): {parts}"


def fresh_database(path: Path) -> str:
    """Delete any previous file, then migrate an empty one with the real migrations."""
    from intranet import create_app
    from intranet.platform import db
    from intranet.platform.migrate import upgrade

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-generator",
                      "UPLOAD_DIR": str(path.parent / "uploads")})
    with app.app_context():
        upgrade()
        db.engine().dispose()
    return url


class Generator:
    def __init__(self, conn: Connection, rng: random.Random, users: int, groups: int, now: datetime,
                 stats: Stats) -> None:
        self.conn, self.rng, self.n_users, self.n_groups, self.now = conn, rng, users, groups, now
        self.stats = stats
        self.members: dict[int, list[int]] = {}  # group id -> user ids
        self.next_comment = 1

    def insert(self, table: object, rows: list[dict]) -> None:
        if rows:
            self.conn.execute(insert(table), rows)
            name = getattr(table, "__tablename__", None) or table.name  # type: ignore[union-attr]
            self.stats.rows[name] = self.stats.rows.get(name, 0) + len(rows)

    def people_and_groups(self) -> None:
        r, n_dept = self.rng, max(1, min(10, self.n_groups // 10))
        since = self.now - timedelta(days=800)
        self.insert(Department, [{"id": d, "name": f"Department {d}", "group_id": d, "created_at": since}
                                 for d in range(1, n_dept + 1)])
        groups = []
        for g in range(1, self.n_groups + 1):
            dept = g <= n_dept
            vis = Visibility.PUBLIC if dept else r.choices(list(Visibility), (60, 30, 10))[0]
            groups.append({"id": g, "name": f"Department {g}" if dept else f"Group {g}", "slug": f"g{g}",
                           "description": "", "visibility": vis,
                           "kind": GroupKind.DEPARTMENT if dept else r.choice(KINDS),
                           "department_id": g if dept else None, "created_by_id": 1, "created_at": since})
        self.insert(Group, groups)
        pw = generate_password_hash(PASSWORD)  # werkzeug's default (scrypt), as in production
        self.insert(User, [{"id": u, "email": f"user{u}@bench.example", "username": f"user{u}",
                            "name": f"{r.choice(FIRST)} {r.choice(LAST)}", "password_hash": pw,
                            "job_title": "", "bio": "", "locale": r.choice(("fr", "en", None)),
                            "department_id": (u % n_dept) + 1, "is_admin": u == 1,
                            "is_active_account": True, "created_at": since}
                           for u in range(1, self.n_users + 1)])
        self._memberships(n_dept, since)

    def _memberships(self, n_dept: int, since: datetime) -> None:
        r = self.rng
        others = list(range(n_dept + 1, self.n_groups + 1))
        cum = list(itertools.accumulate(1 / (rank + 3) ** 0.9 for rank in range(len(others))))
        rows: dict[tuple[int, int], dict] = {}
        for u in range(1, self.n_users + 1):
            want = HEAVY_USER_GROUPS if u == 1 else max(0, int(r.gauss(4, 1.5)))
            chosen = {(u % n_dept) + 1}
            for _ in range(want * 3):
                if len(chosen) > want or not others:
                    break
                chosen.add(r.choices(others, cum_weights=cum)[0])
            for g in chosen:
                rows[(g, u)] = {"group_id": g, "user_id": u, "role": Role.MEMBER, "created_at": since}
                self.members.setdefault(g, []).append(u)
        for g, ids in self.members.items():  # the first member leads
            rows[(g, ids[0])]["role"] = Role.LEAD
        self.insert(Membership, list(rows.values()))

    def content(self, n_posts: int, comment_share: float, reaction_share: float) -> None:
        """Posts in id order with increasing dates over a year, plus comments/reactions/topics."""
        r = self.rng
        self.insert(Topic, [{"id": i + 1, "name": t} for i, t in enumerate(TOPICS)])
        group_ids = sorted(self.members)
        cum, total = [], 0.0
        for g in group_ids:
            total += len(self.members[g])
            cum.append(total)
        start, step = self.now - timedelta(days=365), timedelta(days=365) / max(1, n_posts)
        everyone = range(1, self.n_users + 1)
        for first in range(1, n_posts + 1, BATCH):
            ids = range(first, min(first + BATCH, n_posts + 1))
            targets = r.choices(group_ids, cum_weights=cum, k=len(ids))
            posts, comments, reactions, tags, events, notes = [], [], [], [], [], []
            for pid, g in zip(ids, targets, strict=True):
                group = None if r.random() < 0.10 else g
                pool = everyone if group is None else self.members[g]
                at = start + step * pid
                body = " ".join(r.choices(WORDS, k=r.randint(6, 30))).capitalize() + "."
                if r.random() < 0.2:
                    topic = r.randrange(len(TOPICS))
                    body += f" #{TOPICS[topic]}"
                    tags.append({"post_id": pid, "topic_id": topic + 1})
                author = r.choice(pool)
                posts.append({"id": pid, "author_id": author, "group_id": group, "body": body,
                              "html": f"<p>{html.escape(body)}</p>", "is_announcement": False,
                              "pinned_at": at if r.random() < PINNED_SHARE else None, "created_at": at,
                              "edited_at": None})
                events.append(self._event("post", group, at, op="add", id=pid, group_id=group))
                if r.random() < comment_share:
                    self._comments(pid, author, group, pool, at, comments, events, notes)
                if r.random() < reaction_share:
                    for uid in r.sample(pool, min(len(pool), r.randint(1, 6))):
                        reactions.append({"post_id": pid, "user_id": uid, "kind": r.choice(REACTIONS),
                                          "created_at": at + timedelta(minutes=3)})
            for table, rows in ((Post, posts), (Comment, comments), (Reaction, reactions),
                                (post_topics, tags), (Event, events), (Notification, notes)):
                self.insert(table, rows)

    @staticmethod
    def _event(type_: str, group: int | None, at: datetime, **payload: object) -> dict:
        return {"type": type_, "user_id": None, "group_id": group, "payload": payload, "created_at": at}

    def _comments(self, pid: int, author: int, group: int | None, pool: object, at: datetime,
                  comments: list, events: list, notes: list) -> None:
        """1-4 comments, their events, and the post author's notifications (read after a month;
        counted as mailed, as migration 0012 counts existing ones: history, not a mail backlog)."""
        r = self.rng
        for k in range(r.randint(1, 4)):
            cid, when = self.next_comment, at + timedelta(minutes=5 * (k + 1))
            self.next_comment += 1
            text_ = " ".join(r.choices(WORDS, k=r.randint(3, 12))).capitalize()
            commenter = r.choice(pool)  # type: ignore[arg-type]
            comments.append({"id": cid, "post_id": pid, "author_id": commenter, "body": text_,
                             "html": f"<p>{html.escape(text_)}</p>", "edited_at": None, "created_at": when})
            events.append(self._event("comment", group, when, op="add", id=cid, post_id=pid))
            if commenter != author:
                read = when + timedelta(hours=1) if when < self.now - timedelta(days=30) else None
                notes.append({"user_id": author, "kind": NotificationKind.COMMENT, "actor_id": commenter,
                              "post_id": pid, "comment_id": cid, "group_id": group, "created_at": when,
                              "read_at": read, "mailed_at": when})


def generate(db: Path, *, users: int = 10_000, groups: int = 200, posts: int = 1_000_000, seed: int = 1,
             comment_share: float = 0.2, reaction_share: float = 0.3, quiet: bool = False) -> Stats:
    """Build the database; returns row counts and timing."""
    began = time.perf_counter()
    url = fresh_database(db)
    engine = create_engine(url)
    stats = Stats()
    with engine.begin() as conn:
        for pragma in ("synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY"):
            conn.exec_driver_sql(f"PRAGMA {pragma}")
        gen = Generator(conn, random.Random(seed), users, max(groups, 1), datetime.now(UTC), stats)
        gen.people_and_groups()
        if not quiet:
            print(f"people and groups: {sum(stats.rows.values()):,} rows", flush=True)
        gen.content(posts, comment_share, reaction_share)
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    stats.seconds = time.perf_counter() - began
    return stats


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=10_000)
    p.add_argument("--groups", type=int, default=200)
    p.add_argument("--posts", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--db", type=Path, default=ROOT / "bench" / "data" / "bench.db")
    args = p.parse_args(argv)
    stats = generate(args.db, users=args.users, groups=args.groups, posts=args.posts, seed=args.seed)
    print(f"{args.db}: {stats.line()}")


if __name__ == "__main__":
    main()
