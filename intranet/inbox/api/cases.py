"""Inbox cases over the API: list and read cases, assign, change status, write notes and
replies, escalate, share as knowledge. The same access rules and actions as the pages (``access_inbox``,
``actions.cases``, ``actions.case_replies``); shapes in ``inbox_serializers``.
"""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_login import login_required

from intranet import access
from intranet.inbox import access as access_inbox
from intranet.inbox.actions import cases
from intranet.inbox.actions import knowledge as case_knowledge
from intranet.inbox.actions import replies as case_replies
from intranet.inbox.api.serializers import activity_json, case_detail_json, case_json, reply_json
from intranet.inbox.queries import case_page as inbox_case
from intranet.inbox.queries import cases as inbox_queries
from intranet.platform import db
from intranet.platform.web import json_body
from intranet.queries import feed as feeds
from intranet.views.api import bp
from intranet.views.api.params import boolean, integer, me, query_int, text
from intranet.views.api.serializers import post_json


def _case(case_id: int) -> Response:
    item = access_inbox.access_case(me(), case_id)
    return jsonify(case_detail_json(inbox_case.case_context(db.session(), me(), item)))


@bp.get("/inbox/cases")
@login_required
def inbox_cases() -> Response:
    """Newest first; ``cursor`` is the previous page's ``next_cursor``."""
    user = me()
    filters = inbox_queries.parse_filters(request.args, access_inbox.require_inbox(user))
    limit = query_int("limit", default=inbox_queries.PAGE, low=1, high=100)
    page = inbox_queries.case_page(db.session(), user, filters, limit=limit)
    return jsonify(items=[case_json(c, page.at, page.people) for c in page.items],
                   next_cursor=page.next_before)


@bp.get("/inbox/cases/<int:case_id>")
@login_required
def inbox_case_get(case_id: int) -> Response:
    return _case(case_id)


@bp.post("/inbox/cases/<int:case_id>/assign")
@login_required
def inbox_case_assign(case_id: int) -> Response:
    item, data = access_inbox.access_case(me(), case_id), json_body()
    user_id = integer(data, "user_id", required=True)
    with db.transaction() as s:
        cases.do_assign(s, me(), item, user_id)
    return _case(case_id)


@bp.post("/inbox/cases/<int:case_id>/status")
@login_required
def inbox_case_status(case_id: int) -> Response:
    item, data = access_inbox.access_case(me(), case_id), json_body()
    with db.transaction() as s:
        cases.do_set_status(s, me(), item, text(data, "status", required=True))
    return _case(case_id)


@bp.post("/inbox/cases/<int:case_id>/notes")
@login_required
def inbox_case_note(case_id: int) -> tuple[Response, int]:
    item, data = access_inbox.access_case(me(), case_id), json_body()
    with db.transaction() as s:
        row = cases.do_add_note(s, me(), item, text(data, "body", required=True),
                                to_thread=boolean(data, "to_thread", default=False))
    return jsonify(activity_json(row, me())), 201


@bp.post("/inbox/cases/<int:case_id>/replies")
@login_required
def inbox_case_reply(case_id: int) -> tuple[Response, int]:
    item, data = access_inbox.access_case(me(), case_id), json_body()
    with db.transaction() as s:
        reply = case_replies.do_reply(s, me(), item, text(data, "body", required=True))
    return jsonify(reply_json(reply)), 201


@bp.post("/inbox/cases/<int:case_id>/knowledge")
@login_required
def inbox_case_knowledge(case_id: int) -> tuple[Response, int]:
    item, data = access_inbox.access_case(me(), case_id), json_body()
    group_id = integer(data, "group_id")
    group = access.access_group(me(), group_id) if group_id is not None else None
    with db.transaction() as s:
        post = case_knowledge.do_share_knowledge(s, me(), item, group, text(data, "body", required=True))
    return jsonify(post_json(feeds.post_view(db.session, me(), post))), 201


@bp.post("/inbox/cases/<int:case_id>/escalate")
@login_required
def inbox_case_escalate(case_id: int) -> tuple[Response, int]:
    item, data = access_inbox.access_case(me(), case_id), json_body()
    group = access.access_group(me(), integer(data, "group_id", required=True))
    with db.transaction() as s:
        cases.do_escalate(s, me(), item, group)
    return _case(case_id), 201
