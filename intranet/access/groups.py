"""The one place that decides who may see and do what.

Pages, feeds, notifications, sockets, catch-up and the API all call these functions. Missing
and hidden objects both raise ``NotFound`` (404), so ids cannot be probed. Conversations
(``access_messaging``) and the inbox (``access_inbox``) have their rules in sibling modules.
"""

from __future__ import annotations

from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, bindparam, false, or_, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, SessionTransaction, joinedload

from intranet.access.messaging import access_message
from intranet.models import Attachment, Comment, Group, Membership, Post, Role, User, Visibility
from intranet.platform import db
from intranet.platform.errors import Forbidden, NotFound

MEMBERSHIPS = "intranet.memberships"
GROUP_NAMES = "intranet.my_group_names"


def memberships(user: User) -> dict[int, Role]:
    """The user's groups and roles, cached on the session for this unit of work."""
    cache = db.session.info.setdefault(MEMBERSHIPS, {})
    if user.id not in cache:
        rows = list(db.session.execute(_memberships_statement(), {"user_id": user.id}))
        cache[user.id] = {gid: role for gid, role, _name in rows}
        db.session.info.setdefault(GROUP_NAMES, {})[user.id] = {gid: name for gid, _role, name in rows}
    return cache[user.id]


def my_group_names(user: User) -> dict[int, str]:
    """The names of the user's groups, read with ``memberships`` (same query, same unit of work;
    again if ``remember_memberships`` gave them): the home page lists them."""
    names = db.session.info.get(GROUP_NAMES, {}).get(user.id)
    if names is None:
        db.session.info.get(MEMBERSHIPS, {}).pop(user.id, None)
        memberships(user)
        names = db.session.info[GROUP_NAMES][user.id]
    return names


def remember_memberships(user: User, roles: dict[int, Role]) -> None:
    """``roles`` as the user's memberships for this unit of work (unless read already): search
    keeps them with the principals under the access version, which any membership moves."""
    cache = db.session.info.setdefault(MEMBERSHIPS, {})
    if user.id not in cache:
        cache[user.id] = dict(roles)


@lru_cache(maxsize=1)
def _memberships_statement() -> Select:
    """Built once: it runs on every signed-in request, and building and keying it cost more
    than running it."""
    return (select(Membership.group_id, Membership.role, Group.name)
            .join(Group, Group.id == Membership.group_id).where(Membership.user_id == bindparam("user_id")))


def forget_memberships() -> None:
    """Actions that change memberships call this so later checks in the same unit see it."""
    db.session.info.pop(MEMBERSHIPS, None)
    db.session.info.pop(GROUP_NAMES, None)


def _end_of_unit(session: Session, _transaction: SessionTransaction) -> None:
    """The cache lives for one transaction: a rollback undoes memberships it may have seen, and
    the next unit of work must see what other requests committed meanwhile."""
    session.info.pop(MEMBERSHIPS, None)
    session.info.pop(GROUP_NAMES, None)


sa_event.listen(db.AppSession, "after_transaction_end", _end_of_unit)


def role_in(user: User, group_id: int) -> Role | None:
    return memberships(user).get(group_id)


def is_member(user: User, group: Group) -> bool:
    return group.id in memberships(user)


def is_lead(user: User, group: Group) -> bool:
    return role_in(user, group.id) == Role.LEAD


def can_see_group(user: User, group: Group) -> bool:
    """Secret groups do not exist for non-members."""
    return group.visibility != Visibility.SECRET or is_member(user, group)


def can_read_group(user: User, group: Group | None) -> bool:
    """Content of the company feed and public groups is for everyone; the rest for members."""
    return group is None or group.visibility == Visibility.PUBLIC or is_member(user, group)


def can_post_in(user: User, group: Group | None) -> bool:
    return group is None or is_member(user, group)


def can_manage_group(user: User, group: Group) -> bool:
    """Leads run their group; admins may too (member management, moderation)."""
    return user.is_admin or is_lead(user, group)


def can_edit_post(user: User, post: Post) -> bool:
    return post.author_id == user.id


def can_edit_comment(user: User, comment: Comment) -> bool:
    return comment.author_id == user.id


def can_moderate(user: User, group: Group | None) -> bool:
    """Remove others' posts and comments, pin: group leads and admins; company feed: admins."""
    return can_moderate_in(user, group.id if group is not None else None)


def can_moderate_in(user: User, group_id: int | None) -> bool:
    """``can_moderate`` by group id (``None``: the company feed), for lists read without ORM groups."""
    return user.is_admin or (group_id is not None and role_in(user, group_id) == Role.LEAD)


def access_group(user: User, group_id: int) -> Group:
    group = db.session.get(Group, group_id)
    if group is None or not can_see_group(user, group):
        raise NotFound(_("This group does not exist or is not visible to you."))
    return group


def access_group_content(user: User, group_id: int) -> Group:
    group = access_group(user, group_id)
    if not can_read_group(user, group):
        raise Forbidden(_("This group is private: join it to read its posts."))
    return group


def access_post(user: User, post_id: int) -> Post:
    post = db.session.get(Post, post_id, options=[joinedload(Post.group), joinedload(Post.author)])
    if post is None or not can_read_group(user, post.group):
        raise NotFound(_("This post does not exist or is not visible to you."))
    return post


def access_comment(user: User, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_("This comment does not exist or is not visible to you."))
    access_post(user, comment.post_id)
    return comment


def access_attachment(user: User, attachment_id: int) -> Attachment:
    """A shared file is readable exactly when its post is; a file sent in a conversation, by its
    current participants only (admins and leads included: 404 like a stranger)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(_("This file does not exist or is not visible to you."))
    if attachment.message_id is not None:
        try:
            access_message(user, attachment.message_id)
        except NotFound:
            raise NotFound(_("This file does not exist or is not visible to you.")) from None
        return attachment
    access_post(user, attachment.post_id)
    return attachment


def access_user(viewer: User, user_id: int, *, former: bool = False) -> User:
    """Every active colleague's profile is visible to every employee.

    ``former``: also people whose account was deactivated, for what still shows their past
    posts and memberships (their avatar), not their profile.
    """
    user = db.session.get(User, user_id)
    if user is None or not (user.is_active_account or former or viewer.is_admin):
        raise NotFound(_("This person does not exist."))
    return user


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise NotFound(_("This page does not exist."))


def readable_group_ids_clause(user: User) -> ColumnElement[bool]:
    """SQL condition on ``Group``: groups whose content the user may read."""
    return _readable_groups(_in_mine(user))


def visible_groups_clause(user: User) -> ColumnElement[bool]:
    return _visible_groups(_in_mine(user))


def _in_mine(user: User) -> ColumnElement[bool]:
    mine = list(memberships(user))
    return Group.id.in_(mine) if mine else false()


def _readable_groups(in_mine: ColumnElement[bool]) -> ColumnElement[bool]:
    """The rule, given "the group is one of mine" (a value list, or a bound template)."""
    return or_(Group.visibility == Visibility.PUBLIC, in_mine)


def _visible_groups(in_mine: ColumnElement[bool]) -> ColumnElement[bool]:
    return or_(Group.visibility != Visibility.SECRET, in_mine)


def _readable_posts(readable: Select) -> ColumnElement[bool]:
    return or_(Post.group_id.is_(None), Post.group_id.in_(readable))


# Templates of the rules above for statements built once (per-query code paths such as search):
# bind ``mine_params(user)``; building and keying a statement costs more than running it.
_MINE = bindparam("mine", expanding=True)


def mine_params(user: User) -> dict[str, list[int]]:
    return {"mine": list(memberships(user))}


@lru_cache(maxsize=1)
def group_access_statement() -> Select:
    """(group id, may read its content) for every group the user may see: the visible and
    readable rules in one statement, built once (bind ``mine_params``)."""
    in_mine = Group.id.in_(_MINE)
    return select(Group.id, _readable_groups(in_mine)).where(_visible_groups(in_mine))


def readable_posts_template() -> ColumnElement[bool]:
    """``readable_posts_clause`` for statements built once (bind ``mine_params``)."""
    return _readable_posts(select(Group.id).where(_readable_groups(Group.id.in_(_MINE))))


def feed_audiences(user: User) -> list[int | None]:
    """The home feed's sources: ``None`` (the company feed) and each group I belong to.

    The same posts as ``feed_posts_clause``, as a list, so the feed can read the newest posts of
    each source from the ``(group_id, id)`` index and merge them (see ``feeds.home_feed``).
    """
    return [None, *sorted(memberships(user))]


def feed_posts_clause(user: User) -> ColumnElement[bool]:
    """The home feed: the company feed plus the groups I belong to."""
    mine = list(memberships(user))
    return or_(Post.group_id.is_(None), Post.group_id.in_(mine) if mine else false())


def readable_posts_clause(user: User) -> ColumnElement[bool]:
    """Posts the user may open (used by topic pages, profiles and later by search hydration)."""
    return _readable_posts(select(Group.id).where(readable_group_ids_clause(user)))


def may_read_post(user: User, post: Post) -> bool:
    """For fan-out (mentions, announcements): would this person be allowed to open the post?"""
    return user.is_active_account and can_read_group(user, post.group)
