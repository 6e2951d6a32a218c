"""A resolved case becomes knowledge: the customer's question and the answer that settled it, as
a post in a group, where search (and the next similar case's suggestions) will find it.

The agent edits the draft before it is published: the quote is the customer's public text, but
it may hold an order number or a name that has no place in the network. Who the customer is
(handle, profile, history) never goes into the draft, as for escalation threads.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet.actions.posts import do_create_post
from intranet.inbox.actions.cases import inert, publish_case, quoted_comment, record, require_worker
from intranet.models import Case, CaseActivity, CaseReply, CaseStatus, Group, Post, ReplyState, User
from intranet.platform.errors import Conflict

KNOWLEDGE_TOPIC = "#faq"


def answer_of(session: Session, case: Case) -> str:
    """The last reply the customer actually received (sent), or ''."""
    return session.scalar(select(CaseReply.body).where(
        CaseReply.case_id == case.id, CaseReply.state == ReplyState.SENT)
        .order_by(CaseReply.id.desc()).limit(1)) or ""


def knowledge_draft(session: Session, case: Case) -> str:
    """Question (quoted, inert) and answer, for the agent to edit before publishing."""
    answer = answer_of(session, case) or _("(write the answer here)")
    return "\n".join([_("**A customer asked** on %(source)s:", source=inert(case.comment.source.name)),
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


def do_share_knowledge(session: Session, actor: User, case: Case, group: Group | None,
                       body: Any) -> Post:
    """Publish the (edited) draft in a group the agent may post in, or the company feed (None);
    once per case (again if that post was removed)."""
    require_worker(actor, case)
    if case.status != CaseStatus.RESOLVED:
        raise Conflict(_("Resolve the case first: knowledge is an answer that worked."))
    if shared_post_id(session, case) is not None:
        raise Conflict(_("This case is already shared as knowledge."))
    post = do_create_post(session, actor, group, body)  # checks the group and the text
    record(session, case, actor, "knowledge", post_id=post.id, group_id=group.id if group else None)
    publish_case(session, case, "knowledge")
    return post
