"""What the case page offers beyond the case itself, over the API: the triage override, the
replies waiting for a lead's approval (and the decision), and the suggestions (colleagues,
readable posts, similar cases). Same access checks and actions as the pages."""

from __future__ import annotations

from flask import Response, jsonify
from flask_login import login_required
from sqlalchemy import select

from intranet.inbox import access as access_inbox
from intranet.inbox.actions import cases
from intranet.inbox.actions import replies as case_replies
from intranet.inbox.api.serializers import case_detail_json, case_json, reply_json
from intranet.inbox.queries import case_page as inbox_case
from intranet.inbox.queries import incidents as incident_queries
from intranet.inbox.queries import knowledge as case_knowledge
from intranet.inbox.queries import suggest as inbox_suggest
from intranet.inbox.queries.cases import now, people_by_id
from intranet.models import Case, CaseReply, ReplyState
from intranet.platform import db
from intranet.platform.web import json_body
from intranet.views.api import bp
from intranet.views.api.params import me, query_int
from intranet.views.api.serializers import user_ref

TRIAGE_FIELDS = ("sentiment", "urgency", "recommendation", "needs_response")


@bp.post("/inbox/cases/<int:case_id>/triage")
@login_required
def inbox_case_triage(case_id: int) -> Response:
    item, data = access_inbox.access_case(me(), case_id), json_body()
    with db.transaction() as s:
        cases.do_override_triage(s, me(), item, {k: data.get(k) for k in TRIAGE_FIELDS})
    return jsonify(case_detail_json(inbox_case.case_context(db.session(), me(), item)))


@bp.get("/inbox/approvals")
@login_required
def inbox_approvals() -> Response:
    """Replies waiting for me: those of the services I lead (admins: every service), oldest first."""
    access_inbox.require_inbox(me())
    led = [d.id for d in access_inbox.led_services(me())]
    limit = query_int("limit", default=50, low=1, high=100)
    rows = db.session.execute(
        select(CaseReply, Case).join(Case, Case.id == CaseReply.case_id)
        .where(CaseReply.state == ReplyState.PENDING_APPROVAL, Case.department_id.in_(led))
        .order_by(CaseReply.id).limit(limit)).all() if led else []
    at, people = now(), people_by_id(db.session(), {c.assignee_id for _r, c in rows})
    return jsonify(items=[{"reply": reply_json(r), "case": case_json(c, at, people)} for r, c in rows])


def _decide(case_id: int, reply_id: int, approve: bool) -> Response:
    item = access_inbox.access_case(me(), case_id)
    json_body(optional=True)
    with db.transaction() as s:
        reply = case_replies.access_reply(s, item, reply_id)
        case_replies.do_decide_reply(s, me(), item, reply, approve=approve)
    return jsonify(reply_json(db.session.get(CaseReply, reply_id)))


@bp.post("/inbox/cases/<int:case_id>/replies/<int:reply_id>/approve")
@login_required
def inbox_reply_approve(case_id: int, reply_id: int) -> Response:
    return _decide(case_id, reply_id, True)


@bp.post("/inbox/cases/<int:case_id>/replies/<int:reply_id>/reject")
@login_required
def inbox_reply_reject(case_id: int, reply_id: int) -> Response:
    return _decide(case_id, reply_id, False)


@bp.get("/inbox/cases/<int:case_id>/suggestions")
@login_required
def inbox_case_suggestions(case_id: int) -> Response:
    """For the people who work the case (escalation-group readers: 403), as on the case page."""
    item = access_inbox.access_case(me(), case_id)
    cases.require_worker(me(), item)
    s = db.session()
    shared = case_knowledge.shared_post_id(s, item)
    similar = incident_queries.similar_cases(s, me(), item)
    at, people = now(), people_by_id(s, {sim.case.assignee_id for sim in similar})
    colleagues = inbox_suggest.colleagues(s, item)
    return jsonify(
        colleagues=[{"user": user_ref(c.user), "matched": c.matched} for c in colleagues],
        posts=[{"title": k.title, "url": k.url, "excerpt": k.excerpt}
               for k in inbox_suggest.knowledge(s, me(), item, shared)],
        similar=[{"case": case_json(sim.case, at, people), "score": sim.score, "words": sim.words}
                 for sim in similar])
