"""Answers to the customer: write, approve or reject (when the service requires it), send, retry.

A reply is queued in the same transaction that records it; after the commit ``reply_queued`` is
sent, and the outbound worker (``workers.outbound``, connected by ``inbox.init_app``) posts it to
the source's reply URL; the outcome comes back here.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from intranet.actions.common import clean_text
from intranet.actions.notifications import notify
from intranet.inbox import access as access_inbox
from intranet.inbox.access import needs_approval
from intranet.inbox.actions import incident_grouping
from intranet.inbox.actions.cases import publish_case, record, require_worker
from intranet.inbox.actions.ingest import service_leads
from intranet.inbox.rules.statuses import retryable
from intranet.models import Case, CaseReply, NotificationKind, ReplyState, User, utcnow
from intranet.platform.errors import Conflict, Forbidden, Invalid, NotFound
from intranet.platform.events import after_commit

MAX_REPLY = 5_000
reply_queued = Namespace().signal("reply-queued")  # (app, reply_id=...) once the queuing commits


def send_after_commit(session: Session, reply_id: int) -> None:
    """Hand the reply to the sender once (and only if) this transaction commits."""
    app = current_app._get_current_object()
    after_commit(session, lambda: reply_queued.send(app, reply_id=reply_id))


def do_reply(session: Session, actor: User, case: Case, body: Any) -> CaseReply:
    """Queue an answer (or hold it for a lead's approval)."""
    require_worker(actor, case)
    text = clean_text(body, field="body", label=_("Reply"), max_len=MAX_REPLY)
    if not case.comment.source.reply_url:
        raise Invalid(_("This source has no reply connector: answer on the network itself, then "
                        "write a note here."), field="body")
    held = needs_approval(session, actor, case)
    reply = CaseReply(case_id=case.id, author_id=actor.id, body=text,
                      state=ReplyState.PENDING_APPROVAL if held else ReplyState.QUEUED)
    session.add(reply)
    session.flush()
    record(session, case, actor, "reply", reply_id=reply.id, state=reply.state.value)
    if held:
        notify(session, service_leads(session, case.department_id), NotificationKind.REPLY_APPROVAL,
               actor=actor, case_id=case.id)
    else:
        send_after_commit(session, reply.id)
    publish_case(session, case, "reply")
    return reply


def access_reply(session: Session, case: Case, reply_id: int) -> CaseReply:
    reply = session.get(CaseReply, reply_id)
    if reply is None or reply.case_id != case.id:
        raise NotFound(_("This reply does not exist."))
    return reply


def do_decide_reply(session: Session, actor: User, case: Case, reply: CaseReply, approve: bool) -> None:
    """A lead of the service lets a held reply leave, or sends it back."""
    if case.department_id is None or not access_inbox.can_lead_service(actor, case.department_id):
        raise Forbidden(_("Only a lead of this service can approve replies."))
    if reply.state != ReplyState.PENDING_APPROVAL:
        raise Conflict(_("This reply is not waiting for approval."))
    reply.approved_by_id = actor.id
    reply.state = ReplyState.QUEUED if approve else ReplyState.REJECTED
    record(session, case, actor, "approve" if approve else "reject", reply_id=reply.id)
    if approve:
        send_after_commit(session, reply.id)
    publish_case(session, case, "reply")


def do_retry_reply(session: Session, actor: User, case: Case, reply: CaseReply) -> None:
    """Send a failed (or stranded) reply again (same id: a receiver that got it can drop it)."""
    require_worker(actor, case)
    if not retryable(reply, utcnow()):
        raise Conflict(_("Only a failed reply can be sent again."))
    reply.state, reply.error = ReplyState.QUEUED, ""
    record(session, case, actor, "retry", reply_id=reply.id)
    send_after_commit(session, reply.id)
    publish_case(session, case, "reply")


def record_outcome(session: Session, reply: CaseReply, error: str, tried: int) -> None:
    """The sender's result: sent (the case's first response, if it is the first) or failed."""
    case = session.get(Case, reply.case_id)
    reply.attempts += max(tried - 1, 0)  # the claim counted the first
    if error:
        reply.state, reply.error = ReplyState.FAILED, error[:500]
        record(session, case, None, "reply_failed", reply_id=reply.id, error=reply.error)
    else:
        reply.state, reply.error, reply.sent_at = ReplyState.SENT, "", utcnow()
        if case.first_response_at is None:
            case.first_response_at = reply.sent_at
        incident_grouping.responded(session, case, reply.sent_at)
        record(session, case, None, "reply_sent", reply_id=reply.id)
    publish_case(session, case, "reply")
