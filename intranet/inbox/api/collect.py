"""The inbox's way in over HTTP: the signed webhook of a source, and forwarding by an employee.

The webhook carries no cookie and no token: its HMAC signature is the proof, so it is exempt
from CSRF. It is read as raw bytes (the signature covers them exactly) within a size cap, and
answers 202 with what became of each item: a bad item is listed in ``rejected`` with its index
and never costs the rest of the batch.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge

from intranet.inbox.actions import intake
from intranet.inbox.actions.forward import do_forward, forward_message
from intranet.inbox.connectors import ratelimit, webhook
from intranet.inbox.connectors.items import parse_item
from intranet.inbox.workers import processing
from intranet.models import utcnow
from intranet.platform import db
from intranet.platform.errors import DomainError, Invalid, NotFound
from intranet.platform.extensions import csrf, limiter
from intranet.platform.web import json_body
from intranet.views.api import bp
from intranet.views.api.params import me, text

log = logging.getLogger(__name__)


@limiter.request_filter
def _limited_elsewhere() -> bool:
    """The webhook is limited per source by ``inbox.connectors.ratelimit`` and has no flask-limiter limit:
    let flask-limiter skip it at once (resolving that a route has no limits cost ~10 % of a
    delivery; ``limiter.exempt`` still resolves them)."""
    return request.endpoint == "api.inbox_webhook"


def _webhook_source(slug: str) -> Any:
    source = intake.intake().source(slug)
    if source is None:
        raise NotFound(_("There is no active webhook source with this name."))
    return source


def _raw_body() -> bytes:
    limit = current_app.config["INBOX_WEBHOOK_MAX_BYTES"]
    if (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise RequestEntityTooLarge()
    return body


@bp.post("/inbox/sources/<slug>/webhook")
@csrf.exempt  # no cookie authority: the HMAC signature over the raw body is the proof
def inbox_webhook(slug: str) -> tuple[Response, int]:
    """Store the delivery's new comments (pending) and acknowledge them; matching, triage and
    cases follow in the worker (``inbox.workers.processing``)."""
    try:
        body, source, now = _raw_body(), _webhook_source(slug), utcnow()
        ratelimit.check(source.id)
        signature = webhook.verify(source.secret, request.headers.get(webhook.TIMESTAMP_HEADER),
                                   request.headers.get(webhook.SIGNATURE_HEADER), body, now)
        items, rejected = _items(slug, webhook.comments_of(body))
        result = intake.do_receive_delivery(source, signature, items, now)
    except (DomainError, RequestEntityTooLarge) as exc:  # refused deliveries are logged, then answered
        log.warning("webhook %s refused from %s: %s", slug, request.remote_addr, getattr(exc, "message", exc))
        raise
    if result.accepted:
        processing.stored()
    return jsonify(accepted=result.accepted, duplicate=result.duplicate, rejected=rejected), 202


def _items(slug: str, raw_items: list) -> tuple[list, list[dict]]:
    """Valid items, and the others as ``{"index", "message"[, "field"]}`` (each logged). Text a
    database cannot store (a lone surrogate, a control character) is judged here, per item, by
    ``parse_item``: it never reaches the batch's transaction, where it failed every item."""
    items, rejected = [], []
    for index, raw in enumerate(raw_items):
        try:
            items.append(parse_item(raw))
        except Invalid as exc:
            reason = {"index": index, "message": exc.message}
            rejected.append({**reason, "field": exc.field} if exc.field else reason)
            log.warning("webhook %s item %d rejected: %s", slug, index, exc.message)
    return items, rejected


@bp.post("/inbox/forward")
@login_required
def inbox_forward() -> tuple[Response, int]:
    """Any employee: a public comment by URL and text; the same URL twice is one comment."""
    data = json_body()
    with db.transaction() as s:
        outcome = do_forward(s, me(), text(data, "url", required=True),
                             text(data, "text", required=True), text(data, "author", default=""))
    return jsonify(outcome=outcome, message=forward_message(outcome)), 201 if outcome != "duplicate" else 200
