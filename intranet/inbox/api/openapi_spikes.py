"""Spike alerts' part of the OpenAPI document: the surges a lead is told about and the crisis
thread opened from one (``api/spikes.py``)."""

from __future__ import annotations

from typing import Any

from intranet.views.api.openapi.document import op, write
from intranet.views.api.openapi.schemas import ID, INT, INT_OR_NULL, STR, TIME, Schema, array, obj, ref

PARAMETERS: dict[str, Any] = {}

NUMBER: Schema = {"type": "number", "minimum": 0}
SPIKE: dict[str, Schema] = {
    "id": INT, "rule": obj({"id": INT, "name": STR}, description="The watch rule that surged."),
    "window_start": TIME, "detected_at": TIME,
    "count": {**INT, "description": "Comments the rule matched in the 15 minutes before `detected_at`."},
    "baseline": {**NUMBER, "description": "The usual count in such a window (median of the baseline)."},
    "threshold": {**NUMBER, "description": "The count from which it was a surge."},
    "words": {**array(STR), "description": "The surge's distinctive words (folded)."},
    "sources": array(obj({"name": STR, "count": INT})),
    "services": {**array(obj({"id": INT, "name": STR})), "description": "The services alerted."},
    "post_id": {**INT_OR_NULL, "description": "The crisis thread, once opened."},
    "thread_groups": {**array(ref("GroupRef")),
                      "description": "Where I may open the crisis thread (empty once it is open)."},
    "url": STR,
}

SCHEMAS: dict[str, Schema] = {
    "Spike": obj(SPIKE, description="A surge of a watch rule's volume over its own baseline."),
    "SpikeList": obj({"items": array(ref("Spike"))}, description="The newest 50, newest first."),
    "SpikeDetail": obj({**SPIKE, "samples": array(obj({
        "comment_id": INT, "text": {**STR, "description": "The customer's words, never who wrote them."},
        "posted_at": TIME}))}),
    "CrisisThreadBody": obj({"group_id": {**ID, "description": "One of the spike's `thread_groups`."}}),
}


def paths() -> dict[str, Any]:
    tag = "inbox"
    return {
        "/inbox/spikes": {"get": op(
            "listSpikes", "Surges of comments about the services I lead (all of them for admins)", tag=tag,
            answer="SpikeList", errors=(404,), description="404 for people who lead no service.")},
        "/inbox/spikes/{spike_id}": {"get": op(
            "getSpike", "One surge with its sample comments", tag=tag, answer="SpikeDetail", errors=(404,),
            description="Its services' leads and admins only; hidden and missing alike are 404.")},
        "/inbox/spikes/{spike_id}/thread": {"post": write(op(
            "openCrisisThread", "Open the surge's crisis thread in an alerted service's group", tag=tag,
            answer="SpikeDetail", status=201, body="CrisisThreadBody", errors=(403, 404, 409),
            description="Once per surge (409 after); the group must be one of `thread_groups` (400)."))},
    }
