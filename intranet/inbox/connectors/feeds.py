"""RSS/Atom watch feeds (review sites, alert services), read with feedparser.

``fetch`` downloads through the outbound guard (``platform.outbound``: no private addresses,
redirects checked, a timeout and a size cap, which feedparser's own fetching has not), and
``entries_to_items`` turns entries into comment dicts: the entry id (else its link, else a hash
of title and date) is the external id, so polling the same feed again stores nothing twice.
A feed that does not parse raises ``FeedError``; the caller records it on the source.
"""

from __future__ import annotations

import hashlib
from calendar import timegm
from datetime import UTC, datetime
from typing import Any

import feedparser
from flask_babel import gettext as _

from intranet.platform import outbound
from intranet.platform.sanitize import plain_text

MAX_FEED_BYTES = 5 * 1024 * 1024
TIMEOUT = 15
USER_AGENT = "intranet-inbox/1.0 (+watch feeds)"


class FeedError(Exception):
    """The feed cannot be fetched or read; the message is for the admin page."""


def fetch(url: str) -> bytes:
    if not url.lower().startswith(("http://", "https://")):
        raise FeedError(_("The feed address must start with http:// or https://."))
    try:
        response = outbound.request(url, headers={"User-Agent": USER_AGENT}, timeout=TIMEOUT,
                                    max_bytes=MAX_FEED_BYTES)
    except OSError as exc:
        raise FeedError(_("The feed could not be downloaded: %(error)s", error=str(exc))) from exc
    if not 200 <= response.status < 300:
        raise FeedError(_("The feed could not be downloaded: %(error)s",
                          error=f"HTTP {response.status} {response.reason}"))
    body = response.body
    if len(body) > MAX_FEED_BYTES:
        raise FeedError(_("The feed is larger than %(n)d MB.", n=MAX_FEED_BYTES // (1024 * 1024)))
    return body


def parse(body: bytes) -> list[Any]:
    """The entries of a feed; ``FeedError`` when it is not a readable RSS/Atom document."""
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise FeedError(_("The feed is not valid RSS or Atom: %(error)s",
                          error=str(parsed.get("bozo_exception", "")) or _("unreadable")))
    if not parsed.get("version") and not parsed.entries:
        raise FeedError(_("The document is not an RSS or Atom feed."))
    return parsed.entries


def _when(entry: Any) -> str | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(timegm(stamp), UTC).isoformat() if stamp else None


def entries_to_items(entries: list[Any], lang: str = "") -> list[dict[str, Any]]:
    items = []
    for entry in entries:
        title = plain_text(entry.get("title", ""))
        summary = plain_text(entry.get("summary", "") or entry.get("description", ""))
        text = title if not summary or summary.startswith(title) else f"{title}\n{summary}"
        key = entry.get("id") or entry.get("link") or hashlib.sha256(
            f"{title}|{_when(entry)}".encode()).hexdigest()
        items.append({"external_id": key[:200], "text": text[:10_000], "url": entry.get("link", "")[:500],
                      "author": entry.get("author", "")[:200], "posted_at": _when(entry),
                      "lang": (lang or entry.get("language", "") or "")[:8]})
    return items
