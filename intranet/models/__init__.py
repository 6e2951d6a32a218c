"""All mapped classes, importable from one place."""

from .audit import AuditLog, SearchOutbox
from .base import Base, utcnow
from .content import (
    REACTION_EMOJI,
    REACTION_KINDS,
    Acknowledgement,
    Attachment,
    Comment,
    Mention,
    Post,
    Reaction,
    Topic,
    post_topics,
)
from .events import Event
from .groups import Group, GroupKind, JoinRequest, Membership, RequestStatus, Role, Visibility
from .notifications import Notification, NotificationKind
from .users import ApiToken, Department, Skill, User, user_skills

__all__ = [
    "REACTION_EMOJI", "REACTION_KINDS", "Acknowledgement", "ApiToken", "Attachment", "AuditLog", "Base",
    "Comment", "Department", "Event", "Group", "GroupKind", "JoinRequest", "Membership",
    "Mention", "Notification", "NotificationKind", "Post", "Reaction", "RequestStatus", "Role",
    "SearchOutbox", "Skill", "Topic", "User", "Visibility", "post_topics", "user_skills", "utcnow",
]
