"""Posts, comments, reactions, topics, mentions and announcement acknowledgements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.models.base import Base, UTCDateTime, utcnow

post_topics = Table(
    "post_topics",
    Base.metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", Integer, ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_post_topics_topic_post", "topic_id", "post_id"),
)

REACTION_KINDS = ("like", "love", "laugh", "wow", "sad", "thanks")
REACTION_EMOJI = {
    "like": "👍", "love": "❤️", "laugh": "😄", "wow": "😮", "sad": "😢", "thanks": "🙏",
}


class Topic(Base):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)  # lower-case, without '#'


class Post(Base):
    """A post in a group, or on the company feed when ``group_id`` is null."""

    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_group_id_id", "group_id", "id"),
        Index("ix_posts_author_id_id", "author_id", "id"),  # followed people's posts, newest first
        # pinned posts of a feed, newest pin first; partial: only the few pinned rows are indexed
        Index("ix_posts_pinned", "group_id", "pinned_at", sqlite_where=text("pinned_at IS NOT NULL"),
              postgresql_where=text("pinned_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)  # Markdown as written
    html: Mapped[str] = mapped_column(Text)  # sanitized once on write
    is_announcement: Mapped[bool] = mapped_column(default=False)
    pinned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "post", "poll" or "question" (models.social.PostKind); a question's best answer is one of
    # its comments (no foreign key: posts and comments would reference each other; the comment's
    # removal clears it in ``do_delete_comment``)
    kind: Mapped[str] = mapped_column(String(10), default="post", server_default="post")
    answer_comment_id: Mapped[int | None] = mapped_column()

    author: Mapped[User] = relationship()  # noqa: F821
    group: Mapped[Group | None] = relationship()  # noqa: F821
    topics: Mapped[list[Topic]] = relationship(secondary=post_topics, order_by=Topic.name)
    # Files are attached when the post is written and never changed after: cached cards stay
    # exact. The count lets a card skip the attachments query for the (many) posts without.
    attachment_count: Mapped[int] = mapped_column(default=0, server_default="0")
    attachments: Mapped[list[Attachment]] = relationship(
        primaryjoin="and_(Attachment.post_id == Post.id, Attachment.comment_id.is_(None))",
        order_by="Attachment.id", viewonly=True)


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_post_id_id", "post_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship()  # noqa: F821
    post: Mapped[Post] = relationship()
    # photos and files sent with the comment (never changed after); loaded per comment list
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id", viewonly=True)


class Reaction(Base):
    __tablename__ = "reactions"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Mention(Base):
    """Who a post or comment mentions; kept so edits notify only newly mentioned people."""

    __tablename__ = "mentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))


class Acknowledgement(Base):
    """A member's "I have read it" on an announcement."""

    __tablename__ = "acknowledgements"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(Base):
    """A shared file on a post or on a message (exactly one of the two); bytes stored under
    UPLOAD_DIR by sha256, text indexed as "file" with the ACL of what it is attached to.

    A comment's file also carries its post's id (``comment_id`` says which comment): it is
    readable exactly when the post is, with no third access rule. A photo is stored re-encoded
    (metadata gone) with its size in pixels and a thumbnail, content-addressed like any file;
    a PDF may have a first-page preview as its thumbnail."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("(post_id IS NULL) <> (message_id IS NULL)", name="post_or_message"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"),
                                                   index=True)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"),
                                                   index=True)
    width: Mapped[int | None]  # pixels of a photo as stored (after orientation and the size cap)
    height: Mapped[int | None]
    thumb_sha256: Mapped[str | None] = mapped_column(String(64))  # thumbnail or PDF preview

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    post: Mapped[Post | None] = relationship()
    message: Mapped[Message | None] = relationship(back_populates="attachments")  # noqa: F821
    uploader: Mapped[User | None] = relationship()  # noqa: F821
