"""JSON shapes of the API, in one place so every endpoint answers the same fields.

The shapes are documented in ``openapi_schemas.py``; tests validate responses against them.
Datetimes are ISO 8601 in UTC with a ``Z``. Only serialize objects already fetched through
``access``: these functions format, they do not decide visibility.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import url_for

from intranet import access
from intranet.access import messaging as access_messaging
from intranet.models import (
    ApiToken,
    Attachment,
    Comment,
    Group,
    JoinRequest,
    Membership,
    Message,
    Notification,
    Role,
    User,
)
from intranet.platform import db
from intranet.platform.sanitize import plain_text
from intranet.queries.conversations import ConversationView, reactions_of
from intranet.queries.feed import FeedPage, PostView
from intranet.queries.social import PollView

EXCERPT = 140


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def user_ref(user: User) -> dict[str, Any]:
    avatar = url_for("people.avatar_file", user_id=user.id, v=user.avatar_file) if user.avatar_file else None
    return {"id": user.id, "name": user.name, "username": user.username, "avatar_url": avatar}


def group_ref(group: Group | None) -> dict[str, Any] | None:
    return None if group is None else {"id": group.id, "name": group.name}


def post_json(view: PostView) -> dict[str, Any]:
    post = view.post
    return {
        "id": post.id, "author": user_ref(post.author), "group": group_ref(post.group),
        "body": post.body, "html": post.html, "created_at": iso(post.created_at),
        "edited_at": iso(post.edited_at), "is_announcement": post.is_announcement,
        "pinned": post.pinned_at is not None, "topics": [t.name for t in post.topics],
        "comment_count": view.comment_count, "reactions": dict(view.reactions),
        "my_reactions": sorted(view.my_reactions), "acknowledged": view.acknowledged,
        "ack_count": view.ack_count, "can_edit": view.can_edit, "can_moderate": view.can_moderate,
        "url": url_for("posts.show", post_id=post.id),
        "files": [attachment_json(a) for a in post.attachments] if post.attachment_count else [],
        "kind": post.kind, "answer_comment_id": post.answer_comment_id,
    }


def post_page(page: FeedPage) -> dict[str, Any]:
    return {"items": [post_json(v) for v in page.items], "next_before": page.next_before}


def comment_json(comment: Comment, viewer: User) -> dict[str, Any]:
    post = comment.post
    mine = comment.author_id == viewer.id
    return {
        "id": comment.id, "post_id": comment.post_id, "author": user_ref(comment.author),
        "body": comment.body, "html": comment.html, "created_at": iso(comment.created_at),
        "edited_at": iso(comment.edited_at), "can_edit": mine,
        "can_delete": mine or access.can_moderate(viewer, post.group),
        "url": url_for("posts.show", post_id=comment.post_id, _anchor=f"comment-{comment.id}"),
        "files": [attachment_json(a) for a in comment.attachments],
    }


def group_json(group: Group, *, role: Role | None, member_count: int) -> dict[str, Any]:
    return {
        "id": group.id, "name": group.name, "slug": group.slug, "description": group.description,
        "visibility": group.visibility.value, "kind": group.kind.value, "member_count": member_count,
        "my_role": role.value if role else None, "created_at": iso(group.created_at),
        "url": url_for("feed.group", group_id=group.id),
        "cover_url": group.cover_file and url_for("groups.cover", group_id=group.id, v=group.cover_file),
    }


def member_json(membership: Membership) -> dict[str, Any]:
    return {"user": user_ref(membership.user), "role": membership.role.value,
            "since": iso(membership.created_at)}


def join_request_json(request: JoinRequest) -> dict[str, Any]:
    return {"id": request.id, "group_id": request.group_id, "user": user_ref(request.user),
            "message": request.message, "status": request.status.value,
            "created_at": iso(request.created_at), "decided_at": iso(request.decided_at)}


def notification_json(note: Notification) -> dict[str, Any]:
    """Only for notifications listed by ``queries.notifications_page`` (already access-filtered)."""
    post = note.post
    return {
        "id": note.id, "kind": note.kind.value, "created_at": iso(note.created_at),
        "read": note.read_at is not None,
        "actor": user_ref(note.actor) if note.actor else None,
        "post": None if post is None else {
            "id": post.id, "excerpt": plain_text(post.html)[:EXCERPT],
            "url": url_for("posts.show", post_id=post.id)},
        "comment_id": note.comment_id, "group": group_ref(note.group),
        "conversation_id": note.conversation_id,
        "case_id": note.case_id,
        "task_id": note.task_id,
    }


def token_json(token: ApiToken) -> dict[str, Any]:
    return {"id": token.id, "name": token.name, "created_at": iso(token.created_at),
            "last_used_at": iso(token.last_used_at)}


def me_json(user: User, groups: list[tuple[Group, Role]], unread: int) -> dict[str, Any]:
    department = user.department
    return {
        **user_ref(user), "email": user.email, "job_title": user.job_title, "bio": user.bio,
        "locale": user.locale, "timezone": user.timezone, "is_admin": user.is_admin,
        "department": None if department is None else {"id": department.id, "name": department.name},
        "skills": [s.name for s in user.skills],
        "groups": [{"id": g.id, "name": g.name, "role": role.value} for g, role in groups],
        "unread_notifications": unread,
    }


def conversation_json(view: ConversationView, viewer: User) -> dict[str, Any]:
    conversation = view.conversation
    people = [viewer, *view.others]
    return {
        "id": conversation.id, "title": view.title, "named": bool(conversation.title),
        "is_direct": conversation.is_direct,
        "participants": [{"user": user_ref(u), "last_read_message_id": view.read_positions.get(u.id, 0)}
                         for u in people],
        "last_message_id": conversation.last_message_id, "last_activity": iso(conversation.last_activity),
        "unread": view.unread, "muted": view.muted,
        "url": url_for("messages.show", conversation_id=conversation.id),
    }


def message_json(message: Message, viewer: User,
                 reactions: dict[int, tuple[dict[str, int], set[str]]] | None = None) -> dict[str, Any]:
    """``reactions``: from ``conversations.reactions_of`` for a page (else asked for this one)."""
    if reactions is None:
        reactions = reactions_of(db.session, [message.id], viewer.id)
    counts, mine = reactions.get(message.id, ({}, set()))
    return {
        "id": message.id, "conversation_id": message.conversation_id, "author": user_ref(message.author),
        "body": message.body_md, "html": message.body_html, "created_at": iso(message.created_at),
        "edited_at": iso(message.edited_at), "deleted": message.deleted_at is not None,
        "can_edit": access_messaging.can_edit_message(viewer, message),
        "files": [attachment_json(a) for a in message.attachments],
        "reply_to_id": message.reply_to_id, "reply_count": message.reply_count,
        "last_reply_at": iso(message.last_reply_at),
        "reactions": counts, "my_reactions": sorted(mine),
    }


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    """A photo also has its size in pixels and the URL shown inline; a photo or a PDF may have a
    thumbnail (immutable: its URL names its content)."""
    thumb = attachment.thumb_sha256
    return {"id": attachment.id, "name": attachment.filename, "size": attachment.size,
            "content_type": attachment.content_type,
            "url": url_for("files.download", attachment_id=attachment.id),
            "width": attachment.width, "height": attachment.height,
            "view_url": url_for("files.view", attachment_id=attachment.id) if attachment.is_image else None,
            "thumb_url": url_for("files.thumb", attachment_id=attachment.id, digest=thumb) if thumb else None}


def poll_json(poll: PollView | None) -> dict[str, Any] | None:
    """A poll's rules and results for one reader: voters' names only when the poll shows votes."""
    if poll is None:
        return None
    return {
        "multiple": poll.multiple, "votes_shown": poll.votes_shown, "closes_at": iso(poll.closes_at),
        "closed": poll.closed, "voters": poll.voters, "voted": poll.voted,
        "options": [{"id": o.id, "label": o.label, "count": o.count, "mine": o.mine,
                     **({"voter_names": o.voters} if poll.votes_shown else {})} for o in poll.options],
    }
