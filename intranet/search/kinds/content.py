"""The foundation's searchable kinds (post, comment, group, person) and principals.

Documents are built from the database; results are hydrated back through access.py's clauses,
so a result is shown only when the same rule that guards its page lets the reader open it.
ACL values: "company" (everyone), "g:<id>" (content of group id: readable per
``access.readable_group_ids_clause``), "gv:<id>" (the group itself: ``visible_groups_clause``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload, selectinload

from intranet import access
from intranet.models import Comment, Group, Post, User
from intranet.platform import db
from intranet.platform.sanitize import index_text
from intranet.search.index.schema import Doc
from intranet.search.registry import Item, register_kind, register_principals

CHUNK = 500


def content_acl(group_id: int | None) -> str:
    """The principal that may read content posted in a group (or on the company feed)."""
    return "company" if group_id is None else f"g:{group_id}"


def ids_in_order(session: Session, column) -> Iterator[int]:
    """All ids of a table in order, read in chunks (rebuilds walk a million rows)."""
    last = 0
    while True:
        chunk = list(session.scalars(select(column).where(column > last).order_by(column)
                                     .limit(CHUNK * 4)))
        if not chunk:
            return
        yield from chunk
        last = chunk[-1]


# ---- posts -----------------------------------------------------------------------------------

def build_posts(session: Session, ids: list[int]) -> dict[int, Doc]:
    rows = session.scalars(select(Post).where(Post.id.in_(ids)).options(
        joinedload(Post.author), selectinload(Post.topics)))
    return {p.id: Doc(kind="post", id=p.id, title="", body=index_text(p.html),
                      created=p.created_at, acl=content_acl(p.group_id), author_id=p.author_id,
                      group_id=p.group_id, department_id=p.author.department_id,
                      topics=[t.name for t in p.topics]) for p in rows}


def excerpt(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + "…"


def place_of(group: Group | None) -> tuple[str, str]:
    if group is None:
        return str(_l("Company feed")), "/"
    return group.name, f"/groups/{group.id}"


@dataclass(frozen=True)
class Person:
    """The author as a result line shows them (a link and a name): not a whole ``User`` row."""

    id: int
    name: str


def hydrate_posts(user: User, ids: list[int]) -> dict[int, Item]:
    """One built-once query of only the columns a result shows (no ORM objects)."""
    rows = db.read(_hydrate_posts_statement(), {"ids": ids, **access.mine_params(user)})
    out, company = {}, place_of(None)  # translated once, not per post
    for pid, html, created, group_id, author_id, author_name, group_name in rows:
        text = index_text(html)
        place, place_url = company if group_id is None else (group_name, f"/groups/{group_id}")
        out[pid] = Item("post", pid, excerpt(text), text, f"/posts/{pid}", created,
                        Person(author_id, author_name), place, place_url)
    return out


@lru_cache(maxsize=1)
def _hydrate_posts_statement() -> Select:
    return (select(Post.id, Post.html, Post.created_at, Post.group_id, User.id, User.name,
                   Group.name)
            .join(User, User.id == Post.author_id).outerjoin(Group, Group.id == Post.group_id)
            .where(Post.id.in_(bindparam("ids", expanding=True)),
                   access.readable_posts_template()))


# ---- comments --------------------------------------------------------------------------------

def build_comments(session: Session, ids: list[int]) -> dict[int, Doc]:
    rows = session.scalars(select(Comment).where(Comment.id.in_(ids)).options(
        joinedload(Comment.author), joinedload(Comment.post)))
    return {c.id: Doc(kind="comment", id=c.id, title="", body=index_text(c.html),
                      created=c.created_at, acl=content_acl(c.post.group_id),
                      author_id=c.author_id, group_id=c.post.group_id,
                      department_id=c.author.department_id, parent=f"post:{c.post_id}")
            for c in rows}


def hydrate_comments(user: User, ids: list[int]) -> dict[int, Item]:
    rows = db.session.scalars(select(Comment).join(Post, Post.id == Comment.post_id).where(
        Comment.id.in_(ids), access.readable_posts_clause(user)).options(
        joinedload(Comment.author), joinedload(Comment.post).joinedload(Post.group)))
    out = {}
    for c in rows:
        text = index_text(c.html)
        place, place_url = place_of(c.post.group)
        out[c.id] = Item("comment", c.id, excerpt(text), text,
                         f"/posts/{c.post_id}#comment-{c.id}", c.created_at, c.author, place,
                         place_url)
    return out


# ---- groups ----------------------------------------------------------------------------------

def build_groups(session: Session, ids: list[int]) -> dict[int, Doc]:
    rows = session.scalars(select(Group).where(Group.id.in_(ids)))
    return {g.id: Doc(kind="group", id=g.id, title=f"{g.name} {g.slug}", body=g.description,
                      created=g.created_at, acl=f"gv:{g.id}", group_id=g.id,
                      department_id=g.department_id, author_id=g.created_by_id) for g in rows}


def hydrate_groups(user: User, ids: list[int]) -> dict[int, Item]:
    rows = db.session.scalars(select(Group).where(Group.id.in_(ids),
                                                  access.visible_groups_clause(user)))
    return {g.id: Item("group", g.id, g.name, g.description, f"/groups/{g.id}", g.created_at,
                       None, g.name, f"/groups/{g.id}", extra={"visibility": g.visibility.value,
                                                                "slug": g.slug})
            for g in rows}


# ---- people ----------------------------------------------------------------------------------

def build_people(session: Session, ids: list[int]) -> dict[int, Doc]:
    rows = session.scalars(select(User).where(User.id.in_(ids), User.is_active_account).options(
        selectinload(User.skills), joinedload(User.department)))
    docs = {}
    for u in rows:
        skills = [s.name for s in u.skills]
        dept = u.department.name if u.department else ""
        body = " ".join([u.job_title, " ".join(skills), dept, u.bio])
        # the title holds the handle too: mention autocomplete reads only titles
        docs[u.id] = Doc(kind="person", id=u.id, title=f"{u.name} {u.username}", body=body,
                         created=u.created_at, acl="company", author_id=u.id, department_id=u.department_id,
                         skills=skills)
    return docs


def hydrate_people(user: User, ids: list[int]) -> dict[int, Item]:
    rows = db.session.scalars(select(User).where(User.id.in_(ids), User.is_active_account)
                              .options(selectinload(User.skills), joinedload(User.department)))
    return {u.id: Item("person", u.id, u.name, " · ".join(filter(None, [u.job_title, u.bio])),
                       f"/people/{u.id}", u.created_at, u,
                       department=u.department.name if u.department else "",
                       extra={"username": u.username, "job_title": u.job_title,
                              "skills": [s.name for s in u.skills]})
            for u in rows}


# ---- principals ------------------------------------------------------------------------------

def foundation_principals(user: User) -> Iterable[str]:
    """Company content, content of groups I may read, groups I may see: from access.py's
    clauses, in one query (readable groups are a subset of visible ones)."""
    yield "company"
    rows = db.session.execute(access.group_access_statement(), access.mine_params(user))
    for gid, readable in rows:
        yield f"gv:{gid}"
        if readable:
            yield f"g:{gid}"


def register_foundation() -> None:
    register_kind("post", build=build_posts, all_ids=lambda s: ids_in_order(s, Post.id),
                  hydrate=hydrate_posts, label=_l("Posts"), children=True)
    register_kind("comment", build=build_comments, all_ids=lambda s: ids_in_order(s, Comment.id),
                  hydrate=hydrate_comments, label=_l("Comments"))
    register_kind("group", build=build_groups, all_ids=lambda s: ids_in_order(s, Group.id),
                  hydrate=hydrate_groups, label=_l("Groups"))
    register_kind("person", build=build_people, all_ids=lambda s: ids_in_order(s, User.id),
                  hydrate=hydrate_people, label=_l("People"))
    register_principals(foundation_principals)
