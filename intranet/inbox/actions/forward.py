"""An employee forwards a public comment (URL and text) into the inbox: one per URL, through
the same ingest path as every connector, with a thank-you that says what became of it."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet.actions.common import audit, clean_text
from intranet.inbox.actions.ingest import do_ingest
from intranet.inbox.connectors.items import MAX_TEXT, Item
from intranet.inbox.rules.labels import FORWARD_SLUG
from intranet.models import (
    Connector,
    Network,
    Source,
    User,
)
from intranet.platform.errors import Invalid


def forward_source(session: Session) -> Source:
    """The built-in source of comments forwarded by employees (created on first use)."""
    source = session.scalar(select(Source).where(Source.slug == FORWARD_SLUG))
    if source is None:
        source = Source(slug=FORWARD_SLUG, name="Forwarded by colleagues", network=Network.OTHER,
                        connector=Connector.FORWARD)
        session.add(source)
        session.flush()
    return source



def forward_external_id(url: str) -> str:
    """The same public comment forwarded twice is one comment: its id comes from its URL."""

    parts = urlsplit(url.strip())
    normal = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/") or "/",
                         parts.query, ""))
    return "url:" + hashlib.sha256(normal.encode()).hexdigest()[:40]



FORWARD_OUTCOMES = ("case", "competitor", "stored", "duplicate")



def do_forward(session: Session, user: User, url: Any, text: Any, author: Any) -> str:
    """An employee forwards a public comment they came across; returns what became of it
    (one of ``FORWARD_OUTCOMES``). Forwarding the same URL again changes nothing."""
    url = clean_text(url, field="url", label=_("Address"), max_len=500)
    if not url.lower().startswith(("http://", "https://")):
        raise Invalid(_("The address must start with http:// or https://."), field="url")
    item = Item(external_id=forward_external_id(url), url=url,
                text=clean_text(text, field="text", label=_("Text"), max_len=MAX_TEXT),
                author=clean_text(author, field="author", label=_("Author"), max_len=200,
                                  required=False))
    result = do_ingest(session, forward_source(session), [item], actor=user, always_case=True)
    audit(session, user, "inbox.forward", "source", None, url=url, duplicate=bool(result.duplicate))
    if result.duplicate:
        return "duplicate"
    return "case" if result.case_ids else ("competitor" if result.competitor else "stored")



def forward_message(outcome: str) -> str:
    return {"case": _("Thank you: the comment is in the inbox of the people who answer."),
            "competitor": _("Thank you: it mentions a competitor and goes to the competitor watch."),
            "duplicate": _("This comment was already forwarded: nothing more to do."),
            }.get(outcome, _("Thank you: the comment is stored."))
