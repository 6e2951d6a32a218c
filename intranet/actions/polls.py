"""Polls and questions: the poll's rules checked once, votes, and a question's best answer.

A poll is written with its post (``do_create_post(..., poll=spec)``); its results go live to the
post's audience and to the pages that show it (``post_room``) as ``poll`` events carrying the
counts, never who voted (pages that may show names fetch the fragment through ``access``).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.posts import audience, require_reader
from intranet.models import Comment, Poll, PollOption, PollVote, Post, PostKind, User
from intranet.platform.errors import Conflict, Forbidden, Invalid, NotFound
from intranet.platform.events import publish


def _choices(raw: object) -> list[int]:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in raw):
        raise Invalid(_("option_ids must be a list of option ids."), field="option_ids")
    return list(dict.fromkeys(raw))


def do_vote(session: Session, user: User, post: Post, option_ids: object) -> list[int]:
    """Replace my vote: one option (or several in a multiple-choice poll); ``[]`` withdraws it.
    Closed polls refuse (409). Everyone with the post in front of them sees the counts move."""
    require_reader(user, post)
    poll = session.get(Poll, post.id)
    if poll is None:
        raise NotFound(_("This post has no poll."))
    if poll.is_closed():
        raise Conflict(_("This poll is closed."))
    chosen = _choices(option_ids)
    valid = set(session.scalars(select(PollOption.id).where(PollOption.post_id == post.id)))
    if any(i not in valid for i in chosen):
        raise Invalid(_("Choose among this poll's options."), field="option_ids")
    if len(chosen) > 1 and not poll.multiple:
        raise Invalid(_("This poll takes one choice."), field="option_ids")
    session.execute(delete(PollVote).where(PollVote.post_id == post.id, PollVote.user_id == user.id))
    session.add_all([PollVote(option_id=i, user_id=user.id, post_id=post.id) for i in chosen])
    session.flush()
    counts, voters = poll_counts(session, post.id)
    publish(session, "poll", {"op": "vote", "id": post.id, "post_id": post.id, "counts": counts,
                              "voters": voters}, **audience(post), post_id=post.id)
    return chosen


def poll_counts(session: Session, post_id: int) -> tuple[dict[str, int], int]:
    """Votes per option id (as strings, as JSON keys are) and how many people voted."""
    counts = {str(oid): n for oid, n in session.execute(
        select(PollVote.option_id, func.count()).where(PollVote.post_id == post_id)
        .group_by(PollVote.option_id))}
    voters = session.scalar(select(func.count(func.distinct(PollVote.user_id)))
                            .where(PollVote.post_id == post_id)) or 0
    return counts, voters


def can_mark_answer(user: User, post: Post) -> bool:
    """The question's author, or a lead of its group (admins on the company feed)."""
    return post.kind == PostKind.QUESTION and (post.author_id == user.id
                                               or access.can_moderate(user, post.group))


def do_mark_answer(session: Session, user: User, post: Post, comment_id: object) -> None:
    """The author or a lead marks one comment as the best answer (``None`` clears it)."""
    require_reader(user, post)
    if post.kind != PostKind.QUESTION:
        raise Invalid(_("Only questions have a best answer."), field="comment_id")
    if not can_mark_answer(user, post):
        raise Forbidden(_("Only the person who asked or a lead of the group can choose the best answer."))
    if comment_id is not None:
        if isinstance(comment_id, bool) or not isinstance(comment_id, int):
            raise Invalid(_("comment_id must be an integer or null."), field="comment_id")
        comment = session.get(Comment, comment_id)
        if comment is None or comment.post_id != post.id:
            raise Invalid(_("Choose a comment of this question."), field="comment_id")
    post.answer_comment_id = comment_id
    publish(session, "post", {"op": "update", "id": post.id, "group_id": post.group_id},
            **audience(post), post_id=post.id)
