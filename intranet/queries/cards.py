"""Post cards for HTML feeds: each card's *state* in one query, full posts only for cards not cached.

``feeds.hydrate`` gives a page of ORM posts and their counts in ~7 queries (posts, authors and
groups, topics, comments, reactions, mine, acknowledgements). An HTML feed whose cards are mostly
in ``cardcache`` needs only what the cache key holds: ``card_states`` reads it for pinned and feed
posts together in one statement, and ``views_for`` loads full posts for the few cache misses,
with the counts of that same state so a cached card always matches its key.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Select, bindparam, exists, func, select
from sqlalchemy.orm import Session, aliased

from intranet import access
from intranet.models import Acknowledgement, Comment, Group, Post, Reaction, User
from intranet.queries import feed as feeds
from intranet.queries.feed import CARD_LOADS, PostView


@dataclass(frozen=True)
class CardState:
    """Everything a post card shows, for one reader, and nothing that changes per request."""

    id: int
    created_at: object
    edited_at: object
    pinned_at: object
    is_announcement: bool
    author_id: int
    author_name: str
    group_id: int | None
    group_name: str | None
    comment_count: int
    reactions: tuple[tuple[str, int], ...]
    my_reactions: tuple[str, ...]
    acknowledged: bool
    ack_count: int | None
    can_edit: bool
    can_moderate: bool
    is_author: bool
    kind: str = "post"  # polls and questions show the reader's own state: never cached (cardcache)


def state_of(view: PostView, viewer: User) -> CardState:
    """The state of a card already hydrated (group and topic pages)."""
    p = view.post
    return CardState(p.id, p.created_at, p.edited_at, p.pinned_at, p.is_announcement, p.author_id,
                     p.author.name, p.group_id, p.group.name if p.group is not None else None,
                     view.comment_count, tuple(sorted(view.reactions.items())),
                     tuple(sorted(view.my_reactions)), view.acknowledged, view.ack_count,
                     view.can_edit, view.can_moderate, p.author_id == viewer.id, p.kind)


def card_states(session: Session, viewer: User, ids: list[int]) -> list[CardState]:
    """The cards of these posts (in this order; missing ones skipped), in one query.

    The caller has checked the viewer may read them (feed ids come from the viewer's audiences).
    """
    if not ids:
        return []
    # Core execution: plain rows, without the ORM's per-statement bookkeeping (~0.05 ms a page).
    result = session.connection().execute(_states_statement(), {"ids": ids, "me": viewer.id})
    rows = {row[0]: row for row in result}
    return [_state(viewer, rows[i]) for i in ids if i in rows]


@lru_cache(maxsize=1)
def _states_statement() -> Select:
    """Built once: constructing this statement cost more than running it."""
    author, group = aliased(User), aliased(Group)
    me, ids = bindparam("me"), bindparam("ids", expanding=True)
    return (select(Post.id, Post.created_at, Post.edited_at, Post.pinned_at, Post.is_announcement,
                   Post.author_id, author.name, Post.group_id, group.name,
                   select(func.count()).where(Comment.post_id == Post.id).scalar_subquery(),
                   select(func.aggregate_strings(Reaction.kind, ",")).where(Reaction.post_id == Post.id)
                   .scalar_subquery(),
                   select(func.aggregate_strings(Reaction.kind, ","))
                   .where(Reaction.post_id == Post.id, Reaction.user_id == me).scalar_subquery(),
                   exists().where(Acknowledgement.post_id == Post.id, Acknowledgement.user_id == me),
                   select(func.count()).where(Acknowledgement.post_id == Post.id).scalar_subquery(),
                   Post.kind)
            .join(author, author.id == Post.author_id).outerjoin(group, group.id == Post.group_id)
            .where(Post.id.in_(ids)))


def _state(viewer: User, row: tuple) -> CardState:
    (pid, created, edited, pinned, announcement, author_id, author_name, group_id, group_name,
     comments, kinds, my_kinds, acked, acks, kind) = row
    moderate = access.can_moderate_in(viewer, group_id)
    is_author = author_id == viewer.id
    return CardState(
        pid, created, edited, pinned, bool(announcement), author_id, author_name, group_id, group_name,
        comments, tuple(sorted(Counter(kinds.split(",")).items())) if kinds else (),
        tuple(sorted(set(my_kinds.split(",")))) if my_kinds else (),
        bool(announcement and acked), acks if announcement and (is_author or moderate) else None,
        is_author, moderate, is_author, kind)


def views_for(session: Session, states: list[CardState]) -> dict[int, PostView]:
    """Full posts for cards to render, with the counts of their state (posts deleted since are
    left out). A post edited since its state was read shows its new content: the caller compares
    ``state_of(view)`` with the state before caching it."""
    if not states:
        return {}
    by_id = {s.id: s for s in states}
    posts = session.scalars(select(Post).options(*CARD_LOADS).where(Post.id.in_(by_id))).unique()
    return {p.id: PostView(post=p, comment_count=s.comment_count, reactions=dict(s.reactions),
                           my_reactions=set(s.my_reactions), acknowledged=s.acknowledged,
                           ack_count=s.ack_count, can_edit=s.can_edit, can_moderate=s.can_moderate)
            for p in posts for s in (by_id[p.id],)}


@dataclass
class HomeCards:
    """The home page's cards: pinned ones first (first page only), then the feed without them."""

    pinned: list[CardState]
    items: list[CardState]
    has_posts: bool
    next_before: int | None


def home_cards(session: Session, viewer: User, before: int | None, limit: int) -> HomeCards:
    """``feeds.home_feed`` and ``feeds.pinned_posts`` as card states: 3 queries in all."""
    ids, next_before = feeds.home_post_ids(session, viewer, before, limit)
    pinned = feeds.pinned_post_ids(session, None) if before is None else []
    states = card_states(session, viewer, pinned + [i for i in ids if i not in pinned])
    pinned_set = set(pinned)
    return HomeCards(pinned=[s for s in states if s.id in pinned_set],
                     items=[s for s in states if s.id not in pinned_set],
                     has_posts=bool(ids), next_before=next_before)
