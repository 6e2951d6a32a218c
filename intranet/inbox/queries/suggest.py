"""Who and what may help answer a case: colleagues whose skills or job title match the comment's
words, and posts or files the agent may read that mention them.

Knowledge comes from search (``intranet.search.query.search.search``, which checks the reader's access
per hit and again when hydrating) when that module is installed; otherwise, or if search fails,
from a LIKE query over posts limited by ``access.readable_posts_clause``. Either way, never
something the agent may not open.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from intranet import access
from intranet.models import Case, Post, Skill, User, user_skills
from intranet.platform.db import like_pattern
from intranet.platform.sanitize import plain_text
from intranet.search.query.related import distinctive_words, words_shared
from intranet.search.query.search import search

STOP = {
    "the", "and", "for", "with", "this", "that", "have", "from", "your", "you", "are", "was", "not",
    "but", "they", "their", "what", "when", "why", "how", "just", "still", "been", "will", "would",
    "les", "des", "une", "pour", "avec", "dans", "pas", "sur", "est", "que", "qui", "mon", "mes",
    "vous", "nous", "votre", "vos", "cette", "mais", "plus", "tout", "tous", "sont", "fait", "depuis",
}
log = logging.getLogger(__name__)
WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
MAX_WORDS = 6
LIMIT = 5


def fold(text: str) -> str:
    """Lower case without accents: "Facturé" and "facture" meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def keywords(text: str) -> list[str]:
    """The comment's distinctive words: not stop words, longest first, at most ``MAX_WORDS``."""
    words = dict.fromkeys(w for w in WORD.findall(fold(text)) if w not in STOP)
    return sorted(words, key=len, reverse=True)[:MAX_WORDS]


@dataclass
class Colleague:
    user: User
    matched: list[str]


def colleagues(session: Session, case: Case) -> list[Colleague]:
    """Active colleagues with a skill named in the comment (or a job title holding its words)."""
    text = fold(case.comment.text)
    words = keywords(case.comment.text)
    skills = [(sid, name) for sid, name in session.execute(select(Skill.id, Skill.name))
              if re.search(r"\b" + re.escape(fold(name)) + r"\b", text)]
    found: dict[int, Colleague] = {}
    if skills:
        names = dict(skills)
        rows = session.execute(select(User, user_skills.c.skill_id).join(
            user_skills, user_skills.c.user_id == User.id).where(
            user_skills.c.skill_id.in_(names), User.is_active_account))
        for user, sid in rows:
            found.setdefault(user.id, Colleague(user, [])).matched.append(names[sid])
    if words:
        titled = session.scalars(select(User).where(User.is_active_account, or_(
            *(func.lower(User.job_title).like(like_pattern(w), escape="\\") for w in words))).limit(LIMIT))
        for user in titled:
            found.setdefault(user.id, Colleague(user, [])).matched.append(user.job_title)
    ranked = sorted(found.values(), key=lambda c: (-len(c.matched), c.user.name))
    return ranked[:LIMIT]


@dataclass
class Knowledge:
    title: str
    url: str
    excerpt: str
    score: int = 0


KNOWLEDGE_KINDS = ("post", "comment", "file")


def knowledge(session: Session, viewer: User, case: Case, shared_post: int | None) -> list[Knowledge]:
    """Readable posts and files holding the comment's words, never the case's own posts (its
    escalation thread, ``shared_post``: the knowledge post it was shared as), which quote it."""
    own = {pid for pid in (case.post_id, shared_post) if pid is not None}
    found = _searched(viewer, case, own)
    if found is not None:
        return found
    words = keywords(case.comment.text)
    return _posts_like(session, viewer, own, words) if words else []


def _searched(viewer: User, case: Case, own: set[int]) -> list[Knowledge] | None:
    """Through the search index with the comment's rarest words (ranked by the index's own
    document frequencies), or None when search cannot answer."""
    try:  # the case's own document and its posts quote the comment: their words are not rarer
        words = distinctive_words(case.comment.text, own_documents=1 + len(own))
        if not words:
            return []
        result = search(viewer, " OR ".join(words), limit=LIMIT * 3)
    except Exception:  # suggestions are a help: a search failure falls back, never breaks the page
        log.warning("search for case %s suggestions failed", case.id, exc_info=True)
        return None
    # A word or two in common ("anyone else") is a coincidence: half the comment's words, at least 2.
    enough = min(len(words), max(2, (len(words) + 1) // 2))
    shared = {i.url: words_shared(f"{i.title} {i.text}", words) for i in result.items}
    mine = {f"/posts/{pid}" for pid in own}
    items = sorted((i for i in result.items if i.kind in KNOWLEDGE_KINDS and shared[i.url] >= enough
                    and i.url.split("#")[0] not in mine), key=lambda i: -shared[i.url])
    return [Knowledge(i.title or i.text[:90], i.url, i.text[:160]) for i in _once(items)[:LIMIT]]


def _once(items: list) -> list:
    """A post and its comments, or the same words posted twice, listed once (the first, best)."""
    seen: set[str] = set()
    kept = []
    for item in items:
        keys = {item.url.split("#")[0], item.title}
        if not keys & seen:
            kept.append(item)
        seen |= keys
    return kept


def _posts_like(session: Session, viewer: User, own: set[int], words: list[str]) -> list[Knowledge]:
    stmt = (select(Post).options(joinedload(Post.group), joinedload(Post.author))
            .where(access.readable_posts_clause(viewer),
                   or_(*(func.lower(Post.body).like(like_pattern(w), escape="\\") for w in words)))
            .order_by(Post.id.desc()).limit(50))
    if own:
        stmt = stmt.where(Post.id.not_in(own))
    out = []
    for post in session.scalars(stmt).unique():
        body, text = fold(post.body), plain_text(post.html)
        out.append(Knowledge(text[:90], f"/posts/{post.id}", text[:160], sum(w in body for w in words)))
    out.sort(key=lambda k: -k.score)  # stable: newest first among equals
    return out[:LIMIT]
