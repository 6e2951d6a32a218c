"""Case statuses and their pure rules: which moves are allowed, when a reply may be sent again,
and how customer text is quoted inside the network (inert Markdown, never who wrote it)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from intranet.models import Case, CaseReply, CaseStatus, ReplyState

MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|~])")  # emphasis, code, links, HTML, tables, strike
LINE_START_MARKER = re.compile(r"^(\s*\d*)([-+=.)])")  # lists ("- ", "1. "), setext and thematic lines
SIGILS = re.compile(r"([@#])")
S = CaseStatus


TRANSITIONS: dict[CaseStatus, set[CaseStatus]] = {
    S.NEW: {S.ASSIGNED, S.IGNORED},
    S.ASSIGNED: {S.WAITING, S.RESOLVED, S.IGNORED},
    S.WAITING: {S.ASSIGNED, S.RESOLVED, S.IGNORED},
    S.RESOLVED: {S.ASSIGNED},  # reopen
    S.IGNORED: {S.NEW},  # reopen
}


QUOTE_CHARS = 3_000


def inert(text: str) -> str:
    """Customer text as literal Markdown: no formatting, no links of its own making beyond bare
    URLs, and no @mention or #topic (a word joiner after the sigil), so a customer cannot ping
    colleagues or tag posts."""
    lines = (LINE_START_MARKER.sub(r"\1\\\2", MARKDOWN_INLINE.sub(r"\\\1", line))
             for line in text.split("\n"))
    return SIGILS.sub("\\1\u2060", "\n".join(lines))


def quoted_comment(case: Case) -> str:
    """The customer's words as an inert Markdown quote, cut at ``QUOTE_CHARS``: what posts about
    a case (escalation thread, knowledge post) show of it, never who wrote it."""
    text = case.comment.text
    quote = text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"
    return "\n".join("> " + inert(line) if line.strip() else ">" for line in quote.splitlines())


STRANDED = timedelta(minutes=10)


def retryable(reply: CaseReply, now: datetime) -> bool:
    """Failed replies; and queued or sending ones stuck for ``STRANDED`` (the process that held
    them stopped), so no reply is ever lost. The receiver drops a repeat by its reply id."""
    if reply.state == ReplyState.FAILED:
        return True
    return reply.state in (ReplyState.QUEUED, ReplyState.SENDING) and now - reply.created_at > STRANDED
