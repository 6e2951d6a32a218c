"""The demo organisation: Acme, a French company of ~40 people, built through the real actions.

Everything goes through ``actions/`` (so the rows, events, notifications, mentions, topics and
search outbox entries are exactly what the product would write), in a handful of transactions so
the whole load takes seconds. ``random.Random(seed)`` makes it reproducible; activity is spread
over the last 30 days by back-dating ``created_at`` before each commit, and content is created in
time order so post ids follow dates as the feed expects.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from intranet.actions.comments import do_add_comment, do_add_reaction
from intranet.actions.groups import do_create_group, do_join_group, do_set_member
from intranet.actions.posts import do_acknowledge, do_create_post, do_pin_post
from intranet.actions.users import do_create_department, do_create_user, do_update_profile
from intranet.demo.cases import work_cases
from intranet.demo.covers import mark_demo_visits, set_demo_covers
from intranet.demo.files import share_demo_files
from intranet.demo.inbox import demo_departments, load_inbox
from intranet.demo.messages import load_conversations
from intranet.demo.people import (
    ADMIN,
    ADMIN_EMAIL,
    DEPARTMENTS,
    DOMAIN,
    GROUPS,
    NEWCOMERS,
    PASSWORD,
    PEOPLE,
    SHOWCASE,
    Person,
)
from intranet.demo.photos import enrich_conversations, share_demo_photos
from intranet.demo.social import load_social
from intranet.demo.tasks import load_tasks
from intranet.demo.texts import CLIENTS, COMMENTS, DAYS, JOURS, POSTS, PRODUCTS, PRODUITS, SCRIPTED, VILLES
from intranet.models import (
    Acknowledgement,
    Comment,
    Department,
    Group,
    Membership,
    Notification,
    Post,
    Reaction,
    User,
    Visibility,
    utcnow,
)
from intranet.platform import db
from intranet.search.index.indexer import drain

GENERATED_POSTS = 290
DAYS_SPAN = 30
CONTENT_TRANSACTIONS = 4
REACTION_WEIGHTS = {"like": 50, "love": 15, "thanks": 15, "laugh": 10, "wow": 7, "sad": 3}
# where generated posts go: company feed, department groups, project groups, community groups
PLACE_WEIGHTS = {"company": 22, "dept": 30, "project": 22, "community": 26}


def email_for(name: str) -> str:
    """``Élodie Martin`` -> ``elodie.martin@acme.example`` (usernames come from the local part)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return ".".join(ascii_name.split()) + "@" + DOMAIN


def load_demo(seed: int = 7) -> str:
    """Create the demo organisation once; return a summary with the logins to try."""
    s = db.session()
    if s.scalar(select(User.id).where(User.email == ADMIN_EMAIL)) is not None:
        return f"The demo organisation is already loaded ({ADMIN_EMAIL} exists): nothing to do."
    rng = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    with db.transaction() as s:
        people = _create_people(s, rng, now)
    with db.transaction() as s:
        groups = _create_groups(s, rng, now, people)
        members = _members(s, groups, people)
    plan = _Planner(rng, now, people, groups, members).plan()
    made: dict[int, Post] = {}
    size = len(plan) // CONTENT_TRANSACTIONS + 1
    for start in range(0, len(plan), size):
        with db.transaction() as s:
            for item in plan[start:start + size]:
                item.run(s, made)
    with db.transaction() as s:
        share_demo_files(s, people, groups)
    with db.transaction() as s:
        share_demo_photos(s, people, groups)
    with db.transaction() as s:
        social = load_social(s, now, people, groups, members)
    with db.transaction() as s:
        leads = {spec.key: people[spec.lead] for spec in GROUPS}
        set_demo_covers(s, {k: s.get(Group, g.id) for k, g in groups.items() if k in leads}, leads, seed)
        mark_demo_visits(s, now)
    with db.transaction() as s:
        _backdate_notifications(s, now)
    load_conversations(people, now)
    enrich_conversations(people)
    with db.transaction() as s:
        inbox = load_inbox(s, now, people, people["admin"], demo_departments(s, DEPARTMENTS))
    with db.transaction() as s:
        inbox += "\n" + work_cases(s, now, people, demo_departments(s, DEPARTMENTS))
    with db.transaction() as s:
        inbox += "\n" + load_tasks(s, now.date(), people, groups)
    drain()  # index everything now, so search works on the first page load
    return _summary(db.session(), seed, people) + "\n" + social + "\n" + inbox


# --- people and groups --------------------------------------------------------------------------

def _create_people(s: Any, rng: random.Random, now: datetime) -> dict[str, User]:
    """Departments, then everyone (admin included) with a profile; leads lead their department."""
    depts: dict[str, Department] = {}
    for key, name in DEPARTMENTS.items():
        depts[key] = (s.scalar(select(Department).where(Department.name == name))
                      or do_create_department(s, name, acting_user=None))
        depts[key].group.created_at = now - timedelta(days=90)
    people: dict[str, User] = {}
    for person in (ADMIN, *PEOPLE):
        email = ADMIN_EMAIL if person is ADMIN else email_for(person.name)
        user = do_create_user(s, email, person.name, PASSWORD, department=depts[person.dept],
                              is_admin=person is ADMIN, job_title=person.title, password_policy=False)
        do_update_profile(s, user, name=person.name, job_title=person.title, bio=person.bio,
                          skills=list(person.skills), locale=person.locale)
        joined = NEWCOMERS.get(person.name) or rng.randint(45, 700)
        user.created_at = now - timedelta(days=joined, hours=rng.randint(0, 23))
        people["admin" if person is ADMIN else person.name] = user
    admin = people["admin"]
    for person in PEOPLE:
        if person.lead:
            do_set_member(s, admin, depts[person.dept].group, people[person.name], "lead")
    return people


def _create_groups(s: Any, rng: random.Random, now: datetime, people: dict[str, User]) -> dict[str, Group]:
    """Project groups (leads add their members), communities (people join), pending requests."""
    groups: dict[str, Group] = {}
    for key, name in DEPARTMENTS.items():
        groups[f"dept:{key}"] = s.scalar(select(Group).join(Department, Department.group_id == Group.id)
                                         .where(Department.name == name))
    everyone = [p.name for p in PEOPLE]
    for spec in GROUPS:
        lead = people[spec.lead]
        group = do_create_group(s, lead, spec.name, description=spec.description,
                                visibility=spec.visibility, kind=spec.kind)
        group.created_at = now - timedelta(days=rng.randint(DAYS_SPAN + 2, 80))
        for name in spec.members:
            do_set_member(s, lead, group, people[name], "member")
        candidates = [n for n in everyone if n != spec.lead]
        for name in rng.sample(candidates, spec.joiners):
            do_join_group(s, people[name], group)
        for name in spec.requests:
            do_join_group(s, people[name], group, message="Je peux aider sur ce projet ?")
        groups[spec.key] = group
    s.execute(update(Membership).values(created_at=now - timedelta(days=DAYS_SPAN + 1)))
    return groups


def _members(s: Any, groups: dict[str, Group], people: dict[str, User]) -> dict[str, list[User]]:
    """Members of each group (who may post there), by group key."""
    by_id = {u.id: u for u in people.values()}
    out: dict[str, list[User]] = {}
    for key, group in groups.items():
        ids = s.scalars(select(Membership.user_id).where(Membership.group_id == group.id)
                        .order_by(Membership.user_id))
        out[key] = [by_id[i] for i in ids]
    return out


# --- the timeline of content --------------------------------------------------------------------

@dataclass(order=True)
class Item:
    """One dated piece of activity; ``run`` performs it through the real action."""

    at: datetime
    seq: int
    action: Callable[[Any, dict[int, Post], Item], None] = field(compare=False)
    post_key: int = field(compare=False, default=0)
    args: dict[str, Any] = field(compare=False, default_factory=dict)

    def run(self, s: Any, made: dict[int, Post]) -> None:
        self.action(s, made, self)


def _run_post(s: Any, made: dict[int, Post], item: Item) -> None:
    a = item.args
    post = do_create_post(s, a["author"], a["group"], a["body"], announcement=a["announcement"])
    post.created_at = item.at
    if a["pin"]:
        do_pin_post(s, a["author"], post, True)
        post.pinned_at = item.at + timedelta(minutes=5)
    made[item.post_key] = post


def _run_comment(s: Any, made: dict[int, Post], item: Item) -> None:
    comment = do_add_comment(s, item.args["user"], made[item.post_key], item.args["body"])
    comment.created_at = item.at


def _run_reaction(s: Any, made: dict[int, Post], item: Item) -> None:
    post, user, kind = made[item.post_key], item.args["user"], item.args["kind"]
    do_add_reaction(s, user, post, kind)
    s.get(Reaction, (post.id, user.id, kind)).created_at = item.at


def _run_ack(s: Any, made: dict[int, Post], item: Item) -> None:
    post, user = made[item.post_key], item.args["user"]
    do_acknowledge(s, user, post)
    s.get(Acknowledgement, (post.id, user.id)).created_at = item.at


class _Filler(dict):
    """``str.format_map`` values: the same placeholder gives the same value within one text."""

    def __init__(self, rng: random.Random, mentionable: list[User], author: User | None) -> None:
        super().__init__()
        self.rng, self.mentionable, self.author = rng, mentionable, author

    def __missing__(self, key: str) -> str:
        r = self.rng
        makers: dict[str, Callable[[], Any]] = {
            "m": self._mention, "m2": self._mention, "a": lambda: f"@{self.author.username}",
            "n": lambda: r.randint(2, 12), "big": lambda: r.randint(20, 400),
            "pct": lambda: r.randint(3, 35), "d": lambda: r.randint(0, 9),
            "jour": lambda: r.choice(JOURS), "day": lambda: r.choice(DAYS),
            "produit": lambda: r.choice(PRODUITS), "product": lambda: r.choice(PRODUCTS),
            "client": lambda: r.choice(CLIENTS), "ville": lambda: r.choice(VILLES),
        }
        self[key] = str(makers[key]())
        return self[key]

    def _mention(self) -> str:
        taken = {self.get("m"), self.get("m2"), f"@{self.author.username}" if self.author else None}
        choices = [u for u in self.mentionable if f"@{u.username}" not in taken] or self.mentionable
        return f"@{self.rng.choice(choices).username}"


class _Planner:
    """Decides who writes what, where and when; the result is a time-sorted list of Items."""

    def __init__(self, rng: random.Random, now: datetime, people: dict[str, User],
                 groups: dict[str, Group], members: dict[str, list[User]]) -> None:
        self.rng, self.now, self.people, self.groups, self.members = rng, now, people, groups, members
        self.staff = [people[p.name] for p in PEOPLE]
        self.locale = {people[p.name].id: p.locale for p in PEOPLE} | {people["admin"].id: "fr"}
        self.items: list[Item] = []
        self.posts = 0

    def plan(self) -> list[Item]:
        for days, hour, author, key, body, announcement, pin in SCRIPTED:
            at = self.now.replace(hour=hour - 2, minute=self.rng.randint(0, 50)) - timedelta(days=days)
            self._post(at, self.people[author], key, body, announcement, pin)
        for _ in range(GENERATED_POSTS):
            key = self._place()
            author = self.rng.choice(self._writers(key))
            self._post(self._moment(), author, key, self._text(key, author), False, False)
        self.items.sort()
        return self.items

    def _place(self) -> str | None:
        r = self.rng
        kind = r.choices(list(PLACE_WEIGHTS), weights=list(PLACE_WEIGHTS.values()))[0]
        if kind == "company":
            return None
        if kind == "dept":
            return f"dept:{r.choice(list(DEPARTMENTS))}"
        specs = [g for g in GROUPS if g.kind == kind]
        return r.choices([g.key for g in specs], weights=[1 if g.key == "codir" else 3 for g in specs])[0]

    def _writers(self, key: str | None) -> list[User]:
        """Who writes generated posts (the admin account only writes the scripted ones)."""
        if key is None:
            return self.staff
        return [u for u in self.members[key] if u.id != self.people["admin"].id]

    def _readers(self, key: str | None) -> list[User]:
        if key is None or self.groups[key].visibility == Visibility.PUBLIC:
            return [*self.staff, self.people["admin"]]
        return self.members[key]

    def _language(self, key: str | None, author: User) -> str:
        english = self.locale[author.id] == "en" or self.rng.random() < (0.8 if key == "english" else 0.1)
        return "en" if english else "fr"

    def _text(self, key: str | None, author: User) -> str:
        pool = POSTS["company" if key is None else key.removeprefix("dept:")]
        lang = self._language(key, author)
        template = self.rng.choice(pool.get(lang) or pool["fr"])
        return template.format_map(_Filler(self.rng, self._writers(key), author))

    def _moment(self) -> datetime:
        """A working-hours moment (Paris, written in UTC) in the last 30 days, rarely a weekend."""
        while True:
            day = self.now - timedelta(days=self.rng.randint(0, DAYS_SPAN - 1))
            at = day.replace(hour=self.rng.randint(6, 16), minute=self.rng.randint(0, 59),
                             second=self.rng.randint(0, 59))
            weekend = at.weekday() >= 5 and self.rng.random() < 0.85
            if at < self.now - timedelta(minutes=30) and not weekend:
                return at

    def _later(self, at: datetime, mean_hours: float) -> datetime:
        delay = timedelta(minutes=2) + timedelta(hours=self.rng.expovariate(1 / mean_hours))
        return min(at + delay, self.now - timedelta(seconds=self.rng.randint(30, 600)))

    def _add(self, at: datetime, action: Callable, post_key: int, **args: Any) -> None:
        self.items.append(Item(at, len(self.items), action, post_key, args))

    def _post(self, at: datetime, author: User, key: str | None, body: str, announcement: bool,
              pin: bool) -> None:
        self.posts += 1
        group = None if key is None else self.groups[key]
        self._add(at, _run_post, self.posts, author=author, group=group, body=body,
                  announcement=announcement, pin=pin)
        self._engage(at, self.posts, author, key, busy=announcement or pin, announcement=announcement)

    def _engage(self, at: datetime, post_key: int, author: User, key: str | None, *, busy: bool,
                announcement: bool) -> None:
        """Comments, reactions and (for announcements) acknowledgements from people who may read."""
        r = self.rng
        readers = [u for u in self._readers(key) if u.id != author.id]
        n_comments = r.choices(range(7), weights=(30, 25, 20, 12, 7, 4, 2))[0] + (3 if busy else 0)
        for user in (r.choice(readers) for _ in range(n_comments)):
            lang = "en" if self.locale[user.id] == "en" else "fr"
            body = r.choice(COMMENTS[lang]).format_map(_Filler(r, self._writers(key), author))
            self._add(self._later(at, 5), _run_comment, post_key, user=user, body=body)
        n_reactions = min(len(readers), r.choices(range(10), weights=(14, 14, 14, 12, 11, 10, 9, 7, 5, 4))[0]
                          + (6 if busy else 0))
        for user in r.sample(readers, n_reactions):
            kind = r.choices(list(REACTION_WEIGHTS), weights=list(REACTION_WEIGHTS.values()))[0]
            self._add(self._later(at, 8), _run_reaction, post_key, user=user, kind=kind)
        if announcement:
            for user in r.sample(readers, int(len(readers) * r.uniform(0.55, 0.85))):
                self._add(self._later(at, 30), _run_ack, post_key, user=user)


# --- finishing touches and the summary ----------------------------------------------------------

def _backdate_notifications(s: Any, now: datetime) -> None:
    """Notifications carry the date of what they are about; those older than two days are read."""
    of_comment = select(Comment.created_at).where(Comment.id == Notification.comment_id).scalar_subquery()
    of_post = select(Post.created_at).where(Post.id == Notification.post_id).scalar_subquery()
    s.execute(update(Notification).where(Notification.comment_id.is_not(None))
              .values(created_at=of_comment))
    s.execute(update(Notification).where(Notification.comment_id.is_(None),
                                         Notification.post_id.is_not(None)).values(created_at=of_post))
    s.execute(update(Notification).where(Notification.created_at < now - timedelta(days=2))
              .values(read_at=Notification.created_at))


def _count(s: Any, model: type) -> int:
    return s.scalar(select(func.count()).select_from(model)) or 0


def _summary(s: Any, seed: int, people: dict[str, User]) -> str:
    by_name: dict[str, Person] = {p.name: p for p in PEOPLE}
    lines = [
        f"Demo organisation Acme loaded (seed {seed}): {_count(s, User)} people, "
        f"{_count(s, Department)} departments, {_count(s, Group)} groups, {_count(s, Post)} posts, "
        f"{_count(s, Comment)} comments, {_count(s, Reaction)} reactions.",
        f"Every account's password: {PASSWORD}",
        f"  {'admin':<9} {ADMIN_EMAIL:<32} administrator",
    ]
    for role, name in SHOWCASE:
        person = by_name[name]
        lines.append(f"  {role:<9} {people[name].email:<32} {person.title}, "
                     f"{DEPARTMENTS[person.dept]}")
    return "\n".join(lines)
