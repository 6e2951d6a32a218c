"""Search within one conversation: the search language (words, "phrases", -exclusion, OR,
prefix*), with the index's own stemming and accent folding, matched in memory against the
conversation's messages, newest first.

Why not the index: a conversation holds a few thousand messages at most, read through its
``(conversation_id, id)`` index in pages; matching them with the watch rules' compiled matcher
(``text.match``, ~50 dict look-ups a message) is exact, never lags the indexer, and needs no
per-conversation filter in the index. A very long conversation is searched over its newest
``SCAN_MAX`` messages (the page says so).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from intranet.models import Conversation, Message
from intranet.search.text.match import compile_rule

SCAN_MAX = 5_000
BATCH = 500


@dataclass
class Found:
    messages: list[Message]
    truncated: bool  # stopped after SCAN_MAX messages, short of ``limit`` matches


def find_in_conversation(session: Session, conversation: Conversation, q: str,
                         limit: int = 50) -> Found:
    """Messages of this conversation matching ``q``, newest first; ``QuerySyntaxError`` (a
    400 naming ``q``) when it cannot be read."""
    rule = compile_rule(q)
    ids: list[int] = []
    before, scanned = None, 0
    while scanned < SCAN_MAX and len(ids) < limit:
        stmt = (select(Message.id, Message.body_md)  # the text as written: no HTML to strip
                .where(Message.conversation_id == conversation.id, Message.deleted_at.is_(None))
                .order_by(Message.id.desc()).limit(BATCH))
        if before is not None:
            stmt = stmt.where(Message.id < before)
        rows = session.execute(stmt).all()
        if not rows:
            break
        scanned += len(rows)
        before = rows[-1].id
        ids += [mid for mid, text in rows if rule.matches(text)][:limit - len(ids)]
    return Found(_load(session, ids), scanned >= SCAN_MAX and len(ids) < limit)


def _load(session: Session, ids: list[int]) -> list[Message]:
    if not ids:
        return []
    rows = {m.id: m for m in session.scalars(
        select(Message).options(joinedload(Message.author), selectinload(Message.attachments))
        .where(Message.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]
