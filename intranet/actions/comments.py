"""Comments and reactions on posts."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.common import audit, clean_text, enqueue_index
from intranet.actions.notifications import notify
from intranet.actions.posts import (
    _mentioned_ids,
    _record_mentions,
    audience,
    notify_new_mentions,
    readers_among,
    render_for,
    require_reader,
)
from intranet.models import REACTION_KINDS, Comment, NotificationKind, Post, Reaction, User, utcnow
from intranet.platform.errors import Conflict, Forbidden, Invalid, NotFound
from intranet.platform.events import publish


def _text(body: object, *, required: bool = True) -> str:
    """A comment's Markdown; may be empty only when photos or files carry the comment."""
    return clean_text(body, field="body", label=_("Comment"),
                      max_len=current_app.config["MAX_COMMENT_LENGTH"], required=required)


def _live(post: Post) -> dict[str, Any]:
    """A comment event's audience (the post's) plus the pages showing the post: a reader outside
    the group (a mentioned person who opened it from a notification) sees replies arrive."""
    return {**audience(post), "post_id": post.id}


def do_add_comment(session: Session, author: User, post: Post, body: object, *,
                   with_files: bool = False) -> Comment:
    """Comment on a post I can read; notify the post's author and the people mentioned.
    ``with_files``: photos or files come with it, so the text may be empty."""
    require_reader(author, post)
    text = _text(body, required=not with_files)
    rendered, users, groups = render_for(session, author, text)
    comment = Comment(post_id=post.id, author_id=author.id, body=text, html=rendered.html)
    session.add(comment)
    session.flush()
    _record_mentions(session, post, users, groups, comment_id=comment.id)
    mentioned = readers_among(session, post, _mentioned_ids(session, author, users, groups))
    notify(session, mentioned, NotificationKind.MENTION, actor=author, post_id=post.id,
           comment_id=comment.id, group_id=post.group_id)
    if post.author_id not in mentioned:
        notify(session, readers_among(session, post, [post.author_id]), NotificationKind.COMMENT,
               actor=author, post_id=post.id, comment_id=comment.id, group_id=post.group_id)
    publish(session, "comment", {"op": "add", "id": comment.id, "post_id": post.id,
                                 "comments": comment_count(session, post.id)}, **_live(post))
    enqueue_index(session, "comment", comment.id)
    return comment


def do_edit_comment(session: Session, user: User, comment: Comment, body: object) -> None:
    """The author rewrites a comment; only newly mentioned people are notified."""
    if not access.can_edit_comment(user, comment):
        raise Forbidden(_("Only the author can edit this comment."))
    text = _text(body, required=not comment.attachments)
    rendered, users, groups = render_for(session, user, text)
    comment.body, comment.html, comment.edited_at = text, rendered.html, utcnow()
    notify_new_mentions(session, user, comment.post, users, groups, comment_id=comment.id)
    publish(session, "comment", {"op": "update", "id": comment.id, "post_id": comment.post_id},
            **_live(comment.post))
    enqueue_index(session, "comment", comment.id)


def do_delete_comment(session: Session, user: User, comment: Comment) -> None:
    post = comment.post
    if not access.can_edit_comment(user, comment):
        if not access.can_moderate(user, post.group):
            raise Forbidden(_("Only the author or a lead of the group can remove this comment."))
        audit(session, user, "comment.remove", "comment", comment.id, author_id=comment.author_id)
    if post.answer_comment_id == comment.id:
        post.answer_comment_id = None  # the question is unanswered again
    session.delete(comment)
    session.flush()
    publish(session, "comment", {"op": "remove", "id": comment.id, "post_id": post.id,
                                 "comments": comment_count(session, post.id)}, **_live(post))
    enqueue_index(session, "comment", comment.id, op="delete")


def comment_count(session: Session, post_id: int) -> int:
    return session.scalar(select(func.count()).where(Comment.post_id == post_id)) or 0


def _kind(kind: object) -> str:
    if kind not in REACTION_KINDS:
        raise Invalid(_("Unknown reaction. Use one of: %(kinds)s.", kinds=", ".join(REACTION_KINDS)),
                      field="kind")
    return str(kind)


def reaction_counts(session: Session, post_id: int) -> dict[str, int]:
    rows = session.execute(select(Reaction.kind, func.count()).where(Reaction.post_id == post_id)
                           .group_by(Reaction.kind))
    return {kind: n for kind, n in rows}


def _reaction_event(session: Session, post: Post, user: User, kind: str, op: str) -> None:
    publish(session, "reaction", {"op": op, "id": post.id, "post_id": post.id, "kind": kind,
                                  "user_id": user.id, "counts": reaction_counts(session, post.id)},
            **_live(post))


def do_add_reaction(session: Session, user: User, post: Post, kind: object) -> None:
    require_reader(user, post)
    kind = _kind(kind)
    if session.get(Reaction, (post.id, user.id, kind)):
        raise Conflict(_("You already reacted with this emoji."))
    session.add(Reaction(post_id=post.id, user_id=user.id, kind=kind))
    session.flush()
    _reaction_event(session, post, user, kind, "add")


def do_remove_reaction(session: Session, user: User, post: Post, kind: object) -> None:
    kind = _kind(kind)
    reaction = session.get(Reaction, (post.id, user.id, kind))
    if reaction is None:
        raise NotFound(_("You have not reacted with this emoji."))
    session.delete(reaction)
    session.flush()
    _reaction_event(session, post, user, kind, "remove")


def do_toggle_reaction(session: Session, user: User, post: Post, kind: object) -> bool:
    """The page's emoji button: add if absent, else remove. Returns whether it is now on."""
    if session.get(Reaction, (post.id, user.id, _kind(kind))):
        do_remove_reaction(session, user, post, kind)
        return False
    do_add_reaction(session, user, post, kind)
    return True
