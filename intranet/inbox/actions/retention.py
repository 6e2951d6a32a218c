"""Redacting customers' personal data in the inbox after the retention period.

The comment keeps its row, source, dates, language, reach (followers) and its case with triage,
route, status and clocks, so the dashboard's counts and times stay right; the author's name,
handle (profile URL), the comment's URL (it names the handle) and its text are erased, and the
case is indexed again without them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet.actions.common import enqueue_index
from intranet.models import Case, ExternalComment, utcnow


def redact_old_comments(session: Session, before: datetime, limit: int) -> int:
    """Redact up to ``limit`` comments received before ``before``; how many."""
    comments = session.scalars(
        select(ExternalComment).where(ExternalComment.redacted_at.is_(None),
                                      ExternalComment.received_at < before)
        .order_by(ExternalComment.received_at, ExternalComment.id).limit(limit)).all()
    now = utcnow()
    for comment in comments:
        comment.author, comment.author_url, comment.url, comment.text = "", "", "", ""
        comment.redacted_at = now
    ids = [c.id for c in comments]
    if ids:
        for case_id in session.scalars(select(Case.id).where(Case.comment_id.in_(ids))):
            enqueue_index(session, "case", case_id)
    return len(comments)
