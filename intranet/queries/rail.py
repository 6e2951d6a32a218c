"""The side rail: my groups and communities, each with how many posts came since my last visit.

One statement per page: my memberships joined to their groups, with a correlated count of the
posts the home feed's access rule lets me read that are newer than the last one I saw there
(``Membership.last_seen_post_id``), written by others. The count walks the (group_id, id)
index from that id and stops at ``COUNT_CAP``: the rail shows "99+" past 99, and a group never
opened since joining (a department's, say) otherwise made every page count all its posts (6 ms
of a 30 ms home page for the capacity bench's people, bench/README.md, Capacity).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intranet import access
from intranet.models import Group, Membership, Post, User

COUNT_CAP = 100  # "99+" is shown from 100 on (templates/_rail.html, static/js/rail.js)


@dataclass(frozen=True)
class RailGroup:
    id: int
    name: str
    kind: str  # department, project or community
    new: int  # posts by others since my last visit
    seen: int | None  # the newest post id I had seen (None: never opened since joining)


def my_rail(session: Session, viewer: User) -> list[RailGroup]:
    """My groups by name; ``new`` counts readable posts by others after my last visit (or, never
    having opened the group, since I joined it), up to ``COUNT_CAP``."""
    capped = (select(Post.id)
              .where(Post.group_id == Membership.group_id,
                     Post.id > func.coalesce(Membership.last_seen_post_id, 0),
                     Post.created_at > Membership.created_at,
                     Post.author_id != viewer.id, access.feed_posts_clause(viewer))
              .correlate(Membership).limit(COUNT_CAP).subquery())
    newer = select(func.count()).select_from(capped).correlate(Membership).scalar_subquery()
    rows = session.execute(
        select(Group.id, Group.name, Group.kind, newer, Membership.last_seen_post_id)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == viewer.id)
        .order_by(func.lower(Group.name), Group.id))
    return [RailGroup(gid, name, kind.value, new or 0, seen) for gid, name, kind, new, seen in rows]
