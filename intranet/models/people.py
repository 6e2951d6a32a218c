"""People management's own rows: CSV imports of people and the personal-data retention settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from intranet.models.base import Base, UTCDateTime, utcnow


class PeopleImport(Base):
    """One CSV upload of people, processed in batches by a background thread.

    The file's text is kept on the row so any worker (or a restart) can carry on from
    ``position``; the page polls ``processed``/``total`` for its progress bar.
    """

    __tablename__ = "people_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)  # emptied once the import is finished
    options: Mapped[dict] = mapped_column(JSON, default=dict)  # {"create_departments": bool}
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued|running|done|failed
    total: Mapped[int] = mapped_column(default=0)  # data lines (without the header)
    processed: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)  # [{"line": n, "message": "..."}]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RetentionSettings(Base):
    """How long personal data is kept (one row, id 1). ``None``: kept for ever.

    ``inbox_days``: customers' names, handles and texts in the inbox are redacted after that many
    days (the cases and their counts stay for the dashboard). ``message_days``: direct and group
    messages are erased after that many days.
    """

    __tablename__ = "retention_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    inbox_days: Mapped[int | None]
    message_days: Mapped[int | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
