"""Posts: write, edit, delete, pin, announce and acknowledge."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.common import audit, clean_text, enqueue_index
from intranet.actions.notifications import notify, publish_unread_counts, unread_about_post
from intranet.actions.poll_spec import PollSpec, create_poll
from intranet.models import (
    Acknowledgement,
    Comment,
    Draft,
    Group,
    Membership,
    Mention,
    Notification,
    NotificationKind,
    Post,
    PostKind,
    Topic,
    User,
    Visibility,
    utcnow,
)
from intranet.platform.db import insert_or_ignore
from intranet.platform.errors import Conflict, Forbidden, Invalid, NotFound
from intranet.platform.events import publish
from intranet.platform.sanitize import Rendered, render, scan

ALL_HANDLE = "all"


def audience(post: Post) -> dict[str, int | None]:
    """Who receives a post's events: its group's members, or the whole company."""
    return {"group_id": post.group_id}


def render_body(session: Session, text: str) -> tuple[Rendered, dict[str, User], dict[str, Group]]:
    """Render Markdown, linking @handles that name a person or a group and every #topic."""
    handles = scan(text).mentions
    users = {u.username: u for u in session.scalars(
        select(User).where(User.username.in_(handles), User.is_active_account))} if handles else {}
    groups = {g.slug: g for g in session.scalars(
        select(Group).where(Group.slug.in_(handles - users.keys())))} if handles else {}

    def resolve(handle: str) -> tuple[str, str] | None:
        if handle in users:
            return f"/people/{users[handle].id}", "mention"
        if handle in groups and groups[handle].visibility != Visibility.SECRET:
            return f"/groups/{groups[handle].id}", "mention mention-group"
        return None

    rendered = render(text, resolve, lambda t: f"/topics/{quote(t)}")
    return rendered, users, groups


def render_for(session: Session, author: User, text: str
               ) -> tuple[Rendered, dict[str, User], dict[str, Group]]:
    """``render_body`` minus the groups the author cannot see: a secret group named by an
    outsider is neither linked nor recorded as mentioned (its existence must not leak)."""
    rendered, users, groups = render_body(session, text)
    return rendered, users, {h: g for h, g in groups.items() if access.can_see_group(author, g)}


def require_reader(user: User, post: Post) -> None:
    """Actions on a post (comment, react, acknowledge) are for people who may read it."""
    if not access.may_read_post(user, post):
        raise NotFound(_("This post does not exist or is not visible to you."))


def readers_among(session: Session, post: Post, user_ids: Iterable[int]) -> list[int]:
    """The subset of ``user_ids`` who may open ``post``: the leak-proof filter for fan-out."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return []
    stmt = select(User.id).where(User.id.in_(ids), User.is_active_account)
    if post.group is not None and post.group.visibility != Visibility.PUBLIC:
        stmt = stmt.join(Membership, (Membership.user_id == User.id)
                         & (Membership.group_id == post.group_id))
    allowed = set(session.scalars(stmt))
    return [i for i in ids if i in allowed]


def _mentioned_ids(session: Session, author: User, users: dict[str, User],
                   groups: dict[str, Group]) -> list[int]:
    """People named directly, plus members of mentioned groups the author may post to."""
    ids = [u.id for u in users.values()]
    for group in groups.values():
        if access.can_post_in(author, group):
            ids += session.scalars(select(Membership.user_id).where(Membership.group_id == group.id))
    return ids


def _record_mentions(session: Session, post: Post, users: dict[str, User],
                     groups: dict[str, Group], comment_id: int | None = None) -> None:
    session.add_all([Mention(post_id=post.id, comment_id=comment_id, user_id=u.id) for u in users.values()])
    session.add_all([Mention(post_id=post.id, comment_id=comment_id, group_id=g.id) for g in groups.values()])


def _topics(session: Session, names: set[str]) -> list[Topic]:
    """The topics named, created if new: two posts creating the same #topic at the same moment
    both get it (the insert ignores a name that exists, even one committed meanwhile)."""
    names = {n[:60] for n in names}
    if not names:
        return []
    rows = [{"name": n} for n in sorted(names)]
    session.execute(insert_or_ignore(session, Topic.__table__, ["name"]), rows)
    return list(session.scalars(select(Topic).where(Topic.name.in_(names)).order_by(Topic.name)))


def _body(text: object, *, required: bool = True) -> str:
    """The post's Markdown; may be empty only when photos or files carry the post."""
    return clean_text(text, field="body", label=_("Post"), max_len=current_app.config["MAX_POST_LENGTH"],
                      required=required)


def check_can_post(author: User, group: Group | None, *, announcement: bool = False) -> None:
    """May ``author`` publish here (now, or at a scheduled time: checked again then)."""
    if group is not None and not access.can_see_group(author, group):
        raise NotFound(_("This group does not exist or is not visible to you."))
    if not access.can_post_in(author, group):
        raise Forbidden(_("Join this group to post in it."))
    if announcement and not access.can_moderate(author, group):
        raise Forbidden(_("Only the group's leads can post announcements."))


def check_kind(kind: object, poll: PollSpec | None) -> str:
    """"post", "poll" (exactly when a poll is given) or "question"."""
    if poll is not None:
        if kind not in (None, "", PostKind.POLL):
            raise Invalid(_("A poll cannot also be a question."), field="kind")
        return PostKind.POLL
    if kind in (None, "", PostKind.POST, PostKind.QUESTION):
        return str(kind or PostKind.POST)
    if kind == PostKind.POLL:
        raise Invalid(_("A poll needs its options."), field="poll")
    raise Invalid(_("kind must be “post” or “question”."), field="kind")


def calls_everyone(text: str) -> bool:
    """``@all`` in a group post: every member is notified (for the group's leads only)."""
    return ALL_HANDLE in scan(text).mentions


def place_of(group: Group | None) -> str:
    """The key of a place one writes in: the company feed or a group."""
    return "company" if group is None else f"group:{group.id}"


def discard_draft(session: Session, user: User, group: Group | None) -> None:
    """Publishing (or scheduling) in a place ends its draft: part of that action, not its own."""
    session.execute(delete(Draft).where(Draft.user_id == user.id, Draft.place == place_of(group)))


def do_create_post(session: Session, author: User, group: Group | None, body: object, *,
                   announcement: bool = False, kind: object = None, poll: PollSpec | None = None,
                   with_files: bool = False) -> Post:
    """Publish a post; notify mentions (only people who may read it) and announcement readers.
    A poll's rules come checked (``poll_spec.parse_poll``); ``@all`` in a group is for its leads.
    ``with_files``: photos or files come with it (``files.do_create_post_with_files``), so the
    text may be empty; without them an empty post is refused."""
    check_can_post(author, group, announcement=announcement)
    kind = check_kind(kind, poll)
    text = _body(body, required=not with_files)
    everyone = group is not None and calls_everyone(text)
    if everyone and not access.can_moderate(author, group):
        raise Forbidden(_("Only the group's leads can notify every member with @all."))
    rendered, users, groups = render_for(session, author, text)
    post = Post(author_id=author.id, group_id=group.id if group else None, body=text, kind=kind,
                html=rendered.html, is_announcement=announcement, topics=_topics(session, rendered.topics))
    post.group = group
    session.add(post)
    session.flush()
    if poll is not None:
        create_poll(session, post, poll)
    discard_draft(session, author, group)
    _record_mentions(session, post, users, groups)
    mentioned_ids = _mentioned_ids(session, author, users, groups)
    if everyone:
        mentioned_ids += _member_ids(session, post.group_id)
    mentioned = readers_among(session, post, mentioned_ids)
    notify(session, mentioned, NotificationKind.MENTION, actor=author, post_id=post.id,
           group_id=post.group_id)
    if announcement:
        _notify_announcement(session, author, post, exclude=set(mentioned))
    # ``author_id``: each member's side rail counts "new since my last visit" without asking
    # (a post by someone else, after every post the page knew of, is new; see static/js/rail.js)
    publish(session, "post", {"op": "add", "id": post.id, "group_id": post.group_id,
                              "author_id": author.id}, **audience(post))
    enqueue_index(session, "post", post.id)
    return post


def _member_ids(session: Session, group_id: int | None) -> list[int]:
    """Every active member of the group (company-wide: every active account)."""
    stmt = select(User.id).where(User.is_active_account)
    if group_id is not None:
        stmt = stmt.join(Membership, (Membership.user_id == User.id) & (Membership.group_id == group_id))
    return list(session.scalars(stmt))


def _notify_announcement(session: Session, author: User, post: Post, exclude: set[int]) -> None:
    """Every active member of the group (company-wide: every active account)."""
    ids = _member_ids(session, post.group_id)
    notify(session, [i for i in ids if i not in exclude], NotificationKind.ANNOUNCEMENT,
           actor=author, post_id=post.id, group_id=post.group_id)


def do_edit_post(session: Session, user: User, post: Post, body: object) -> None:
    """The author rewrites a post; only newly mentioned people are notified."""
    if not access.can_edit_post(user, post):
        raise Forbidden(_("Only the author can edit this post."))
    text = _body(body, required=not post.attachment_count)  # a photo post may lose its caption
    rendered, users, groups = render_for(session, user, text)
    post.body, post.html, post.edited_at = text, rendered.html, utcnow()
    post.topics = _topics(session, rendered.topics)
    notify_new_mentions(session, user, post, users, groups)
    publish(session, "post", {"op": "update", "id": post.id, "group_id": post.group_id}, **audience(post),
            post_id=post.id)  # its open pages see the new text too
    enqueue_index(session, "post", post.id)


def notify_new_mentions(session: Session, author: User, post: Post, users: dict[str, User],
                        groups: dict[str, Group], comment_id: int | None = None) -> None:
    """After an edit: record and notify only people (and groups) not mentioned before in this
    post or comment; nobody already told of a mention there is told again."""
    def same_place(model: type[Mention] | type[Notification]) -> ColumnElement[bool]:
        where_comment = model.comment_id.is_(None) if comment_id is None else model.comment_id == comment_id
        return (model.post_id == post.id) & where_comment

    old_users = set(session.scalars(select(Mention.user_id).where(
        same_place(Mention), Mention.user_id.is_not(None))))
    old_groups = set(session.scalars(select(Mention.group_id).where(
        same_place(Mention), Mention.group_id.is_not(None))))
    told = set(session.scalars(select(Notification.user_id).where(
        same_place(Notification), Notification.kind == NotificationKind.MENTION)))
    new_users = {h: u for h, u in users.items() if u.id not in old_users}
    new_groups = {h: g for h, g in groups.items() if g.id not in old_groups}
    _record_mentions(session, post, new_users, new_groups, comment_id=comment_id)
    ids = [i for i in _mentioned_ids(session, author, new_users, new_groups) if i not in told | old_users]
    notify(session, readers_among(session, post, ids), NotificationKind.MENTION, actor=author,
           post_id=post.id, comment_id=comment_id, group_id=post.group_id)


def do_delete_post(session: Session, user: User, post: Post) -> None:
    """The author, a lead of the group or an admin removes a post (moderation is audited)."""
    moderating = not access.can_edit_post(user, post)
    if moderating and not access.can_moderate(user, post.group):
        raise Forbidden(_("Only the author or a lead of the group can remove this post."))
    if moderating:
        audit(session, user, "post.remove", "post", post.id, author_id=post.author_id,
              group_id=post.group_id)
    for cid in session.scalars(select(Comment.id).where(Comment.post_id == post.id)):
        enqueue_index(session, "comment", cid, op="delete")
    enqueue_index(session, "post", post.id, op="delete")
    publish(session, "post", {"op": "remove", "id": post.id, "group_id": post.group_id,
                              "author_id": post.author_id}, **audience(post))
    notified = unread_about_post(session, post.id)
    session.delete(post)
    session.flush()  # the notifications about it go with it (ON DELETE CASCADE)
    publish_unread_counts(session, notified)


def do_pin_post(session: Session, user: User, post: Post, pinned: bool) -> None:
    if not access.can_moderate(user, post.group):
        raise Forbidden(_("Only the group's leads can pin posts."))
    post.pinned_at = utcnow() if pinned else None
    audit(session, user, "post.pin" if pinned else "post.unpin", "post", post.id)
    publish(session, "post", {"op": "update", "id": post.id, "group_id": post.group_id}, **audience(post))


def do_acknowledge(session: Session, user: User, post: Post) -> int:
    """A reader confirms an announcement; the author (a lead) sees the count grow live."""
    require_reader(user, post)
    if not post.is_announcement:
        raise Invalid(_("Only announcements ask for an acknowledgement."))
    if session.get(Acknowledgement, (post.id, user.id)):
        raise Conflict(_("You already acknowledged this announcement."))
    session.add(Acknowledgement(post_id=post.id, user_id=user.id))
    session.flush()
    count = ack_count(session, post.id)
    publish(session, "post", {"op": "ack", "id": post.id, "acks": count}, user_id=post.author_id)
    return count


def ack_count(session: Session, post_id: int) -> int:
    return session.scalar(select(func.count()).where(Acknowledgement.post_id == post_id)) or 0
