"""Read models for polls, questions, saved posts, drafts, scheduled posts and follows.

Everything here is read for one viewer through ``access``: a saved post I can no longer read is
left out, a poll's voters are named only when the poll shows votes and I may read the post.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from intranet import access
from intranet.models import (
    Bookmark,
    Draft,
    Follow,
    Group,
    Poll,
    PollOption,
    PollVote,
    Post,
    PostKind,
    ScheduledPost,
    Topic,
    User,
)
from intranet.queries import keyset
from intranet.queries.feed import CARD_LOADS, PostView, hydrate
from intranet.queries.keyset import Key, Page

MAX_SAVED = 50
MAX_NAMES = 20  # voters named per option; the rest counted
MAX_QUESTIONS = 1000  # newest questions a search filter considers


@dataclass
class OptionView:
    id: int
    label: str
    count: int
    percent: int
    mine: bool
    voters: list[str] = field(default_factory=list)


@dataclass
class PollView:
    post_id: int
    options: list[OptionView]
    multiple: bool
    votes_shown: bool
    closes_at: datetime | None
    closed: bool
    voters: int
    voted: bool


def poll_view(session: Session, viewer: User, post: Post) -> PollView | None:
    """The caller has checked the viewer may read ``post``."""
    poll = session.get(Poll, post.id)
    if poll is None:
        return None
    options = list(session.scalars(select(PollOption).where(PollOption.post_id == post.id)
                                   .order_by(PollOption.position)))
    counts = dict(session.execute(select(PollVote.option_id, func.count()).where(
        PollVote.post_id == post.id).group_by(PollVote.option_id)).all())
    mine = set(session.scalars(select(PollVote.option_id).where(
        PollVote.post_id == post.id, PollVote.user_id == viewer.id)))
    voters = session.scalar(select(func.count(func.distinct(PollVote.user_id))).where(
        PollVote.post_id == post.id)) or 0
    names: dict[int, list[str]] = {}
    if poll.votes_shown:
        for option_id, name in session.execute(select(PollVote.option_id, User.name).join(
                User, User.id == PollVote.user_id).where(PollVote.post_id == post.id).order_by(User.name)):
            names.setdefault(option_id, []).append(name)
    views = [OptionView(o.id, o.label, counts.get(o.id, 0),
                        round(100 * counts.get(o.id, 0) / voters) if voters else 0, o.id in mine,
                        names.get(o.id, [])[:MAX_NAMES]) for o in options]
    return PollView(post.id, views, poll.multiple, poll.votes_shown, poll.closes_at, poll.is_closed(),
                    voters, bool(mine))


def is_saved(session: Session, viewer: User, post_id: int) -> bool:
    return session.get(Bookmark, (viewer.id, post_id)) is not None


def saved_page(session: Session, viewer: User, key: Key | None = None,
               limit: int = MAX_SAVED) -> Page[PostView]:
    """My saved posts that I may still read, the most recently saved first, from ``key`` on."""
    stmt = (select(Post).options(*CARD_LOADS)
            .join(Bookmark, (Bookmark.post_id == Post.id) & (Bookmark.user_id == viewer.id))
            .where(access.readable_posts_clause(viewer)))
    rows, next_key = keyset.rows_page(session, stmt, Bookmark.created_at, Bookmark.post_id, key, limit,
                                      descending=True)
    return Page(hydrate(session, viewer, [row.Post for row in rows]), next_key)


def draft_text(session: Session, viewer: User, place: str) -> str:
    return session.scalar(select(Draft.body).where(Draft.user_id == viewer.id, Draft.place == place)) or ""


def _scheduled(viewer: User) -> Select:
    return (select(ScheduledPost).options(joinedload(ScheduledPost.group))
            .where(ScheduledPost.author_id == viewer.id))


def scheduled_of(session: Session, viewer: User) -> list[ScheduledPost]:
    """My scheduled posts, the next to be published first."""
    return list(session.scalars(_scheduled(viewer).order_by(ScheduledPost.publish_at, ScheduledPost.id)))


def scheduled_page(session: Session, viewer: User, key: Key | None, limit: int) -> Page[ScheduledPost]:
    """``scheduled_of`` from ``key`` on (the API's pages)."""
    rows, next_key = keyset.rows_page(session, _scheduled(viewer), ScheduledPost.publish_at,
                                      ScheduledPost.id, key, limit, descending=False)
    return Page([row.ScheduledPost for row in rows], next_key)


def follows_person(session: Session, viewer: User, person_id: int) -> bool:
    return session.scalar(select(Follow.id).where(Follow.follower_id == viewer.id,
                                                  Follow.user_id == person_id)) is not None


def follows_topic(session: Session, viewer: User, topic_id: int) -> bool:
    return session.scalar(select(Follow.id).where(Follow.follower_id == viewer.id,
                                                  Follow.topic_id == topic_id)) is not None


def follows_page(session: Session, viewer: User, key: Key | None,
                 limit: int) -> Page[tuple[User | None, Topic | None]]:
    """The people and #topics I follow (one of the two per row), the most recently followed first."""
    stmt = (select(Follow, User, Topic).outerjoin(User, User.id == Follow.user_id)
            .outerjoin(Topic, Topic.id == Follow.topic_id).where(Follow.follower_id == viewer.id))
    rows, next_key = keyset.rows_page(session, stmt, Follow.created_at, Follow.id, key, limit,
                                      descending=True)
    return Page([(row.User, row.Topic) for row in rows], next_key)


def question_ids(session: Session, viewer: User, *, answered: bool | None) -> list[int]:
    """The newest questions I may read (all, answered or not), for search's ``type:question``
    and ``is:unanswered``: read from the database at query time, so marking an answer needs no
    reindexing and is never stale."""
    stmt = select(Post.id).where(Post.kind == PostKind.QUESTION, access.readable_posts_clause(viewer))
    if answered is not None:
        has_answer = Post.answer_comment_id.is_not(None)
        stmt = stmt.where(has_answer if answered else ~has_answer)
    return list(session.scalars(stmt.order_by(Post.id.desc()).limit(MAX_QUESTIONS)))


def drafts_page(session: Session, viewer: User, key: Key | None,
                limit: int) -> Page[tuple[Draft, Group | None]]:
    """My drafts, the most recently changed first, each with its group (None: the company feed);
    a draft for a group I may no longer see is left out (``access``), so a page may hold fewer."""
    stmt = (select(Draft, Group).outerjoin(Group, Group.id == Draft.group_id)
            .where(Draft.user_id == viewer.id))
    rows, next_key = keyset.rows_page(session, stmt, Draft.updated_at, Draft.id, key, limit,
                                      descending=True)
    return Page([(row.Draft, row.Group) for row in rows
                 if row.Group is None or access.can_see_group(viewer, row.Group)], next_key)
