"""All mapped classes, importable from one place."""

from intranet.models.audit import AccessChange, AuditLog, SearchOutbox
from intranet.models.base import Base, utcnow
from intranet.models.cases import (
    CannedReply,
    Case,
    CaseActivity,
    CaseReply,
    CaseStatus,
    InboxAgent,
    Recommendation,
    ReplyState,
    RoutingRule,
    Sentiment,
    ServiceSettings,
    Urgency,
)
from intranet.models.content import (
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
from intranet.models.events import Event
from intranet.models.groups import Group, GroupKind, JoinRequest, Membership, RequestStatus, Role, Visibility
from intranet.models.inbox import (
    CommentMatch,
    Connector,
    ExternalComment,
    ImportJob,
    Network,
    RuleKind,
    Source,
    WatchRule,
    WebhookDelivery,
)
from intranet.models.mail import MailOutbox, MailStatus
from intranet.models.messaging import Conversation, Message, Participant
from intranet.models.notifications import Notification, NotificationKind
from intranet.models.people import PeopleImport, RetentionSettings
from intranet.models.sessions import LoginSession, LoginThrottle
from intranet.models.users import ApiToken, Department, Skill, User, user_skills

__all__ = [
    "REACTION_EMOJI",
    "REACTION_KINDS",
    "AccessChange",
    "Acknowledgement",
    "ApiToken",
    "Attachment",
    "AuditLog",
    "Base",
    # inbox
    "CannedReply",
    "Case",
    "CaseActivity",
    "CaseReply",
    "CaseStatus",
    "Comment",
    "CommentMatch",
    "Connector",
    "Conversation",
    "Department",
    "Event",
    "ExternalComment",
    "Group",
    "GroupKind",
    "ImportJob",
    "InboxAgent",
    "JoinRequest",
    "LoginSession",
    "LoginThrottle",
    "MailOutbox",
    "MailStatus",
    "Membership",
    "Mention",
    "Message",
    "Network",
    "Notification",
    "NotificationKind",
    "Participant",
    "PeopleImport",
    "Post",
    "Reaction",
    "Recommendation",
    "ReplyState",
    "RequestStatus",
    "RetentionSettings",
    "Role",
    "RoutingRule",
    "RuleKind",
    "SearchOutbox",
    "Sentiment",
    "ServiceSettings",
    "Skill",
    "Source",
    "Topic",
    "Urgency",
    "User",
    "Visibility",
    "WatchRule",
    "WebhookDelivery",
    "post_topics",
    "user_skills",
    "utcnow",
]
