"""What a resolved case offers as knowledge: the draft post (the customer's question and the
answer that settled it) and the post it already became, if any."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet.inbox.rules.labels import source_label
from intranet.inbox.rules.statuses import inert, quoted_comment
from intranet.models import Case, CaseActivity, CaseReply, Post, ReplyState

KNOWLEDGE_TOPIC = "#faq"


def answer_of(session: Session, case: Case) -> str:
    """The last reply the customer actually received (sent), or ''."""
    return session.scalar(select(CaseReply.body).where(
        CaseReply.case_id == case.id, CaseReply.state == ReplyState.SENT)
        .order_by(CaseReply.id.desc()).limit(1)) or ""


def knowledge_draft(session: Session, case: Case) -> str:
    """Question (quoted, inert) and answer, for the agent to edit before publishing."""
    answer = answer_of(session, case) or _("(write the answer here)")
    source = inert(source_label(case.comment.source))
    return "\n".join([_("**A customer asked** on %(source)s:", source=source),
                      "", quoted_comment(case), "", _("**Our answer:**"), "", answer, "", KNOWLEDGE_TOPIC])


def shared_post_id(session: Session, case: Case) -> int | None:
    """The knowledge post this case was shared as, while it still exists."""
    for data in session.scalars(select(CaseActivity.data).where(
            CaseActivity.case_id == case.id, CaseActivity.kind == "knowledge")
            .order_by(CaseActivity.id.desc())):
        post_id = (data or {}).get("post_id")
        if post_id and session.get(Post, post_id) is not None:
            return int(post_id)
    return None
