"""Bookmarks, drafts and follows: a person's own lists. Each change is sent to that person's other
open pages only (``user_id``), never to anyone else: nobody learns who saved or follows what."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.posts import discard_draft, place_of, require_reader  # noqa: F401 (re-exported)
from intranet.models import Bookmark, Draft, Follow, Group, Post, Topic, User, utcnow
from intranet.platform.errors import Invalid, NotFound
from intranet.platform.events import publish


def do_bookmark(session: Session, user: User, post: Post, saved: bool) -> bool:
    """Save a post I can read (or take it off my list); idempotent. Returns whether it changed."""
    require_reader(user, post)
    row = session.get(Bookmark, (user.id, post.id))
    if saved == (row is not None):
        return False
    if saved:
        session.add(Bookmark(user_id=user.id, post_id=post.id))
    else:
        session.delete(row)
    session.flush()
    publish(session, "bookmark", {"op": "add" if saved else "remove", "id": post.id}, user_id=user.id)
    return True


def do_save_draft(session: Session, user: User, group: Group | None, body: object) -> Draft | None:
    """Keep what I am writing in this place (an empty text discards the draft)."""
    if group is not None and not access.can_post_in(user, group):
        raise NotFound(_("This group does not exist or is not visible to you."))
    if not isinstance(body, str):
        raise Invalid(_("body must be a string."), field="body")
    if len(body) > current_app.config["MAX_POST_LENGTH"]:
        raise Invalid(_("The draft is too long (at most %(n)d characters).",
                        n=current_app.config["MAX_POST_LENGTH"]), field="body")
    place = place_of(group)
    draft = session.scalar(select(Draft).where(Draft.user_id == user.id, Draft.place == place))
    if not body.strip():
        if draft is not None:
            session.delete(draft)
        return None
    if draft is None:
        draft = Draft(user_id=user.id, place=place, group_id=group.id if group else None, body=body)
        session.add(draft)
    else:
        draft.body, draft.updated_at = body, utcnow()
    session.flush()
    return draft


def do_follow_person(session: Session, user: User, person: User, on: bool) -> bool:
    """Their posts I may read join my home feed. Idempotent; returns whether it changed."""
    if person.id == user.id:
        raise Invalid(_("You cannot follow yourself."), field="user_id")
    row = session.scalar(select(Follow).where(Follow.follower_id == user.id, Follow.user_id == person.id))
    return _toggle(session, user, row, on, Follow(follower_id=user.id, user_id=person.id))


def do_follow_topic(session: Session, user: User, topic: Topic, on: bool) -> bool:
    """Posts tagged #topic that I may read join my home feed."""
    row = session.scalar(select(Follow).where(Follow.follower_id == user.id, Follow.topic_id == topic.id))
    return _toggle(session, user, row, on, Follow(follower_id=user.id, topic_id=topic.id))


def _toggle(session: Session, user: User, row: Follow | None, on: bool, new: Follow) -> bool:
    if on == (row is not None):
        return False
    if on:
        session.add(new)
    else:
        session.delete(row)
    session.flush()
    target = "person" if new.user_id is not None else "topic"
    publish(session, "follow", {"op": "add" if on else "remove", "id": new.user_id or new.topic_id,
                                "target": target}, user_id=user.id)
    return True
