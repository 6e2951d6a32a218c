"""OpenAPI of the inbox's way in: the signed webhook of a source and forwarding by an employee.

Kept apart from ``openapi.py`` so the inbox's two halves document their routes side by side;
``openapi.py`` merges ``PATHS``, ``PARAMETERS`` and ``SCHEMAS`` from here.
"""

from __future__ import annotations

from typing import Any

from intranet.views.api.openapi.document import op, write
from intranet.views.api.openapi.schemas import INT, STR, array, enum, obj, text

OPT_STR = {"type": ["string", "null"]}
PARAMETERS: dict[str, Any] = {
    "WebhookTimestamp": {
        "name": "X-Intranet-Timestamp", "in": "header", "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
        "description": "Unix time in seconds when the sender signed; refused beyond ±5 minutes."},
    "WebhookSignature": {
        "name": "X-Intranet-Signature", "in": "header", "required": True,
        "schema": {"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"},
        "description": "`sha256=` + hex HMAC-SHA256, keyed with the source's secret, of "
                       "`<timestamp>.<raw body>`. The same signature twice is a replay (409): "
                       "to retry, sign again with a new timestamp (comments already stored are "
                       "counted as `duplicate`)."},
}

SCHEMAS: dict[str, Any] = {
    "IncomingComment": obj({
        "external_id": {**text(200), "description": "The comment's id on its network; stored once per "
                        "source whatever the retries."},
        "text": text(10_000), "author": OPT_STR, "author_url": OPT_STR,
        "followers": {"type": ["integer", "null"], "minimum": 0}, "url": OPT_STR,
        "posted_at": {**OPT_STR, "format": "date-time"}, "lang": {**OPT_STR, "description": "`fr`, `en`…"},
        "in_reply_to": OPT_STR,
    }, optional=("author", "author_url", "followers", "url", "posted_at", "lang", "in_reply_to")),
    "WebhookDelivery": obj({"comments": {**array({"$ref": "#/components/schemas/IncomingComment"}),
                                         "maxItems": 1000}}),
    "WebhookResult": obj({
        "accepted": {**INT, "description": "New comments stored."},
        "duplicate": {**INT, "description": "Comments this source had already delivered."},
        "rejected": array(obj({"index": {**INT, "minimum": 0, "description": "Position in `comments`."},
                               "message": STR, "field": {**STR, "description": "The item's field at fault."}},
                              optional=("field",))),
    }, description="Bad items are listed in `rejected` (by position, with the reason); the others are "
                   "kept. A retry of the same batch (signed again) stores nothing twice and lists the "
                   "same rejections."),
    "ForwardBody": obj({"url": {**text(500), "description": "http(s) address of the comment"},
                        "text": text(10_000), "author": text(200, required=False)},
                       optional=("author",)),
    "ForwardResult": obj({
        "outcome": enum("case", "competitor", "stored", "duplicate",
                        description="`case`: in the inbox; `competitor`: competitor watch; "
                                    "`duplicate`: this address was already forwarded."),
        "message": STR}),
}


def paths() -> dict[str, Any]:
    webhook = op("inboxWebhook", "Deliver public comments to a source (signed)", tag="inbox",
                 answer="WebhookResult", status=202, body="WebhookDelivery",
                 query=("WebhookTimestamp", "WebhookSignature"), errors=(401, 404, 409, 413, 429),
                 public=True, description=(
                     "No login, cookie or CSRF token: the HMAC signature is the proof. 401: missing, "
                     "wrong or stale signature; 409: replayed delivery; 413: body over 1 MB; 429: "
                     "more deliveries per minute than the source may send. Each comment is stored "
                     "once per (source, external_id)."))
    forward = write(op("forwardComment", "Forward a public comment I came across", tag="inbox",
                       answer="ForwardResult", status=201, body="ForwardBody", description=(
                           "Any employee. The same address forwarded again answers 200 with "
                           "`outcome: duplicate` and changes nothing.")))
    forward["responses"]["200"] = {"description": "Already forwarded",
                                   "content": {"application/json": {
                                       "schema": {"$ref": "#/components/schemas/ForwardResult"}}}}
    return {"/inbox/sources/{slug}/webhook": {"post": webhook}, "/inbox/forward": {"post": forward}}
