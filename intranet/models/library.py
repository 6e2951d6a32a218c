"""A group's file library: folders and the files uploaded to them, every version kept.

Files shared on the group's posts are not copied here: the library page reads them from the
posts' attachments. A new upload with the name of a file in the same folder becomes its newest
version (``current``); the older rows stay, downloadable from the file's history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.models.base import Base, UTCDateTime, utcnow


class LibraryFolder(Base):
    __tablename__ = "library_folders"
    __table_args__ = (Index("ix_library_folders_group_parent", "group_id", "parent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("library_folders.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LibraryFile(Base):
    """One version of a file; the folder lists the ``current`` one of each name."""

    __tablename__ = "library_files"
    __table_args__ = (
        Index("ix_library_files_place", "group_id", "folder_id", "filename"),
        Index("ix_library_files_current", "group_id", "folder_id", sqlite_where=text("current"),
              postgresql_where=text("current")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    folder_id: Mapped[int | None] = mapped_column(ForeignKey("library_folders.id", ondelete="CASCADE"))
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # a photo's thumbnail or a PDF's first-page preview (``platform.previews``), when one was made
    thumb_sha256: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    current: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploader: Mapped[User | None] = relationship()  # noqa: F821
    folder: Mapped[LibraryFolder | None] = relationship()
    group: Mapped[Group] = relationship()  # noqa: F821
