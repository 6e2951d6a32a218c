"""A resolved case becomes knowledge: the customer's question and the answer that settled it, as
a post in a group, where search (and the next similar case's suggestions) will find it.

The agent edits the draft before it is published: the quote is the customer's public text, but
it may hold an order number or a name that has no place in the network. Who the customer is
(handle, profile, history) never goes into the draft, as for escalation threads.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from intranet.actions.posts import do_create_post
from intranet.inbox.actions.cases import publish_case, record, require_worker
from intranet.inbox.queries.knowledge import shared_post_id
from intranet.models import Case, CaseStatus, Group, Post, User
from intranet.platform.errors import Conflict


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
