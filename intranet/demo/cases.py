"""The demo inbox, worked: agents have taken cases, written notes, answered, escalated one case
into the Service client group (where a colleague answered), and resolved some, so the case page,
the timeline and the dashboard's response times show something on a fresh demo.

Replies are recorded as sent (the demo's sources have no outbound URL); everything else goes
through the real actions. Times are moved back to just after each case opened.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from intranet.actions.comments import do_add_comment
from intranet.inbox.actions.cases import (
    do_add_note,
    do_assign,
    do_escalate,
    do_override_triage,
    do_set_status,
    record,
)
from intranet.models import Case, CaseActivity, CaseReply, CaseStatus, ReplyState, Sentiment, User

ANSWERS = {
    "fr": "Bonjour, nous sommes désolés. Écrivez-nous en privé avec votre numéro de commande, nous "
          "nous en occupons aujourd'hui.",
    "en": "Hello, we are sorry about this. Send us your order number privately and we will sort it "
          "out today.",
}


def work_cases(s: Session, now: datetime, people: dict[str, User], departments: dict[str, Any]) -> str:
    """Work the oldest open cases of Service client; returns a one-line summary."""
    service = departments["service"]
    agents = [people["Sarah Lambert"], people["Mehdi Haddad"]]
    lead = people["Nicolas Petit"]
    cases = list(s.scalars(select(Case).where(Case.department_id == service.id,
                                              Case.status == CaseStatus.NEW).order_by(Case.created_at)))
    worked = cases[:14]
    for i, case in enumerate(worked):
        agent = agents[i % 2]
        do_assign(s, lead if i % 3 == 0 else agent, case, agent.id)
        if i % 4 == 1:
            do_add_note(s, agent, case, f"@{lead.username} client fidèle, je le rappelle aujourd'hui.")
        if i < 10:
            _answered(s, agent, case, min(case.created_at + timedelta(minutes=25 + 17 * i), now))
        if i < 6:
            do_set_status(s, agent, case, "resolved")
            case.resolved_at = min(case.created_at + timedelta(hours=3 + 5 * i), now)
        elif i < 9:
            do_set_status(s, agent, case, "waiting")
        _backdate(s, case)
    if len(worked) > 12:
        do_override_triage(s, agents[0], worked[12], {"sentiment": Sentiment.NEUTRAL.value})
        _escalated(s, agents[0], people["Manon Garnier"], worked[13], service)
    answered, resolved = min(len(worked), 10), min(len(worked), 6)
    return f"Inbox work: {len(worked)} cases taken, {answered} answered, {resolved} resolved."


def _answered(s: Session, agent: User, case: Case, sent: datetime) -> None:
    body = ANSWERS.get(case.comment.lang, ANSWERS["en"])
    reply = CaseReply(case_id=case.id, author_id=agent.id, body=body, state=ReplyState.SENT, attempts=1,
                      created_at=sent, sent_at=sent)
    s.add(reply)
    s.flush()
    record(s, case, agent, "reply", reply_id=reply.id, state="queued")
    record(s, case, None, "reply_sent", reply_id=reply.id)
    case.first_response_at = sent


def _escalated(s: Session, agent: User, colleague: User, case: Case, service: Any) -> None:
    post = do_escalate(s, agent, case, service.group)
    do_add_comment(s, colleague, post, "C'est le bug de facturation connu : le remboursement part ce soir.")
    do_add_note(s, agent, case, "Merci, je préviens le client.", to_thread=True)


def _backdate(s: Session, case: Case) -> None:
    """Spread the case's timeline over the minutes after it opened, in order."""
    s.flush()
    ids = list(s.scalars(select(CaseActivity.id).where(CaseActivity.case_id == case.id)
                         .order_by(CaseActivity.id)))
    for n, activity_id in enumerate(ids):
        s.execute(update(CaseActivity).where(CaseActivity.id == activity_id)
                  .values(created_at=case.created_at + timedelta(minutes=10 + 15 * n)))
