"""The OpenAPI part of people management: join requests, people, personal data, audit log.

Kept apart from ``document.py`` (which every feature edits) and joined to it by ``register``.
"""

from __future__ import annotations

from typing import Any

from intranet.views.api.openapi.document import op, register, write
from intranet.views.api.openapi.schemas import INT, STR, TIME, TIME_OR_NULL, array, enum, obj, ref

SCHEMAS: dict[str, Any] = {
    "JoinRequest": obj({
        "id": INT, "group_id": INT, "user": ref("UserRef"),
        "message": {**STR, "maxLength": 500}, "status": enum("pending", "approved", "rejected"),
        "created_at": TIME, "decided_at": TIME_OR_NULL,
    }),
    "JoinRequestList": obj({"items": array(ref("JoinRequest"))}),
    "JoinDecision": obj({"decision": enum("accept", "refuse")}),
}

PATHS: dict[str, Any] = {
    "/groups/{group_id}/join-requests": {"get": op(
        "listJoinRequests", "Requests waiting for a decision, oldest first (leads, admins)",
        tag="groups", answer="JoinRequestList", errors=(404,),
        description="Anyone else, members included, gets 404 as for a hidden group.")},
    "/groups/{group_id}/join-requests/{request_id}": {"post": write(op(
        "decideJoinRequest", "Accept or refuse a join request (leads, admins)", tag="groups",
        answer="JoinRequest", body="JoinDecision", errors=(404, 409),
        description="The requester is notified either way (`join_approved` or `join_refused`). "
                    "A request already decided: 409; another group's request id: 404."))},
}

register(PATHS, {}, SCHEMAS)
