"""The signed webhook: HMAC-SHA256 with the source's secret over ``timestamp + "." + raw body``.

Sender side (and our own tests and benchmark) use ``sign``; the receiver calls ``verify`` on the
raw bytes before parsing anything, compares in constant time, and refuses timestamps more than
five minutes away from its clock (a captured delivery cannot be replayed later; within the
window the signature is remembered, see ``actions.inbox_ingest.do_accept_delivery``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from intranet.platform.errors import DomainError, Invalid
from intranet.platform.inputs import JSONRefused, decode_json, parse_int

WINDOW_SECONDS = 300
TIMESTAMP_HEADER = "X-Intranet-Timestamp"
SIGNATURE_HEADER = "X-Intranet-Signature"
MAX_ITEMS = 1000


class BadSignature(DomainError):
    """Missing, wrong or stale: 401, the sender must fix its clock or its secret."""

    status = 401
    code = "bad_signature"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return mac.hexdigest()


def sign(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The two headers a sender adds to a delivery."""
    ts = str(timestamp)
    return {TIMESTAMP_HEADER: ts, SIGNATURE_HEADER: "sha256=" + signature(secret, ts, body)}


def verify(secret: str, timestamp: str | None, header: str | None, body: bytes, now: datetime) -> str:
    """The hex signature when the delivery is authentic and fresh; ``BadSignature`` otherwise."""
    if not secret:
        raise BadSignature(_("This source has no secret: webhooks are refused."))
    if not timestamp or not header:
        raise BadSignature(_("The %(ts)s and %(sig)s headers are required.",
                             ts=TIMESTAMP_HEADER, sig=SIGNATURE_HEADER))
    seconds = parse_int(timestamp)
    if seconds is None:
        raise BadSignature(_("%(ts)s must be a Unix time in seconds.", ts=TIMESTAMP_HEADER))
    if abs(now.timestamp() - seconds) > WINDOW_SECONDS:
        raise BadSignature(_("The timestamp is more than 5 minutes away from our clock: "
                             "check the sender's clock (stale or replayed delivery)."))
    given = header.strip().removeprefix("sha256=")
    expected = signature(secret, timestamp, body)
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise BadSignature(_("The signature does not match the body (wrong secret or altered body)."))
    return expected


def comments_of(body: bytes) -> list[Any]:
    """The ``comments`` list of a delivery, or a clear 400 (malformed JSON, wrong shape)."""
    try:
        data = decode_json(body, strict_ints=False)  # text and numbers: judged item by item
    except JSONRefused as exc:
        raise Invalid(str(exc)) from None
    except ValueError:  # malformed, or not UTF-8
        raise Invalid(_("The request body is not valid JSON.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("comments"), list):
        raise Invalid(_("The body must be an object with a “comments” list."), field="comments")
    if len(data["comments"]) > MAX_ITEMS:
        raise Invalid(_("At most %(n)d comments per delivery.", n=MAX_ITEMS), field="comments")
    return data["comments"]
