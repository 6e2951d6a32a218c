"""Spike alerts' reads: each watch rule's matches in the current and baseline windows, the
surge's comments and the services they went to, and the spikes a person may see.

One query per check reads (rule, comment, posted time) of the matches posted in the windows
of ``rules.spikes.windows`` only (23 ranges of 15 minutes on the indexed ``posted_at``), so a
check costs the same whatever the size of the history.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from intranet.inbox.access import led_services
from intranet.inbox.rules.spikes import COOLDOWN, window_of, windows
from intranet.models import (
    Case,
    CommentMatch,
    Department,
    ExternalComment,
    InboxAgent,
    ServiceSettings,
    Source,
    Spike,
    User,
    WatchRule,
)
from intranet.platform.errors import NotFound

BACKGROUND = 300  # usual comments read to find what is distinctive in a surge


@dataclass
class RuleWindows:
    """One rule's comment ids per window (index 0: the current window)."""

    ids: list[list[int]] = field(default_factory=list)

    def counts(self) -> tuple[int, list[int]]:
        return len(self.ids[0]), [len(w) for w in self.ids[1:]]


def rule_windows(session: Session, now: datetime) -> dict[int, RuleWindows]:
    """For each active watch rule, the ids of the comments it matched in each window."""
    spans = windows(now)
    posted = ExternalComment.posted_at
    rows = session.execute(
        select(CommentMatch.rule_id, ExternalComment.id, ExternalComment.posted_at)
        .join(ExternalComment, ExternalComment.id == CommentMatch.comment_id)
        .join(WatchRule, WatchRule.id == CommentMatch.rule_id)
        .where(WatchRule.active, or_(*(and_(posted > start, posted <= end) for start, end in spans))))
    out: dict[int, RuleWindows] = {}
    for rule_id in session.scalars(select(WatchRule.id).where(WatchRule.active)):
        out[rule_id] = RuleWindows([[] for _ in spans])
    for rule_id, comment_id, posted_at in rows:
        index = window_of(posted_at, spans)
        if index is not None and rule_id in out:
            out[rule_id].ids[index].append(comment_id)
    return out


def recently_alerted(session: Session, now: datetime) -> set[int]:
    return set(session.scalars(select(Spike.rule_id).where(Spike.detected_at > now - COOLDOWN)))


def comments(session: Session, ids: list[int]) -> list[ExternalComment]:
    if not ids:
        return []
    return list(session.scalars(select(ExternalComment).where(ExternalComment.id.in_(ids))
                                .order_by(ExternalComment.posted_at.desc(), ExternalComment.id.desc())))


def texts(session: Session, ids: list[int], limit: int = BACKGROUND) -> list[str]:
    if not ids:
        return []
    return list(session.scalars(select(ExternalComment.text).where(ExternalComment.id.in_(ids[-limit:]))))


def source_counts(found: list[ExternalComment], names: dict[int, str]) -> list[list]:
    counts = Counter(names.get(c.source_id, "?") for c in found)
    return [[name, n] for name, n in counts.most_common()]


def source_names(session: Session) -> dict[int, str]:
    return {sid: name for sid, name in session.execute(select(Source.id, Source.name))}


def services_of(session: Session, comment_ids: list[int]) -> list[int]:
    """The services the surge's cases went to (each with at least a fifth of them); none routed:
    every service that has an inbox."""
    routed = Counter(session.scalars(select(Case.department_id).where(
        Case.comment_id.in_(comment_ids), Case.department_id.is_not(None)))) if comment_ids else Counter()
    total = sum(routed.values())
    chosen = sorted(d for d, n in routed.items() if n * 5 >= total) if total else []
    if chosen:
        return chosen
    with_inbox = set(session.scalars(select(InboxAgent.department_id))) | set(
        session.scalars(select(ServiceSettings.department_id)))
    return sorted(with_inbox)


def _led(viewer: User) -> set[int]:
    return {d.id for d in led_services(viewer)}


def may_see_spike(viewer: User, spike: Spike) -> bool:
    """The leads of the services it alerted, and admins (its sample comments are customer data)."""
    return viewer.is_admin or bool(_led(viewer) & set(spike.department_ids or []))


def access_spike(session: Session, viewer: User, spike_id: int) -> Spike:
    spike = session.get(Spike, spike_id)
    if spike is None or not may_see_spike(viewer, spike):
        raise NotFound(_("This page does not exist."))
    return spike


def visible_spikes(session: Session, viewer: User, limit: int = 50) -> list[Spike]:
    """The newest spikes of the services I lead (every spike for admins)."""
    led = _led(viewer)
    rows = session.scalars(select(Spike).order_by(Spike.detected_at.desc(), Spike.id.desc()).limit(500))
    return [s for s in rows if viewer.is_admin or led & set(s.department_ids or [])][:limit]


def departments(session: Session, ids: list[int]) -> list[Department]:
    if not ids:
        return []
    return list(session.scalars(select(Department).where(Department.id.in_(ids)).order_by(Department.name)))

