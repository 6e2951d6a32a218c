"""All mapped classes, importable from one place."""

from .audit import AuditLog, SearchOutbox
from .base import Base, utcnow
from .content import (
    REACTION_EMOJI,
    REACTION_KINDS,
    Acknowledgement,
    Comment,
    Mention,
    Post,
    Reaction,
    Topic,
    post_topics,
)
from .events import Event
from .groups import Group, GroupKind, JoinRequest, Membership, RequestStatus, Role, Visibility
from .messaging import Conversation, Message, Participant
from .notifications import Notification, NotificationKind
from .users import ApiToken, Department, Skill, User, user_skills

__all__ = [
    "REACTION_EMOJI", "REACTION_KINDS", "Acknowledgement", "ApiToken", "AuditLog", "Base",
    "Comment", "Conversation", "Department", "Event", "Group", "GroupKind", "JoinRequest",
    "Membership", "Mention", "Message", "Notification", "NotificationKind", "Participant", "Post",
    "Reaction", "RequestStatus", "Role", "SearchOutbox", "Skill", "Topic", "User", "Visibility",
    "post_topics", "user_skills", "utcnow",
]
