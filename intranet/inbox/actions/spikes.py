"""Spike alerts: record a surge, tell the leads of the services it concerns (in the app, and by
the notification mail kind ``inbox_spike`` their mail settings control), and open the crisis
thread in their group when one of them clicks.

``do_check_spikes`` is the scheduler's job (``inbox.workers.spikes``), run with a clock it is
given; the crisis thread is a post in a department group, written from the surge's distinctive
words, sources and sample comments (customers' words quoted inert, never who they are).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.common import audit
from intranet.actions.notifications import notify
from intranet.actions.posts import do_create_post
from intranet.inbox.actions.ingest import service_leads
from intranet.inbox.queries import spikes as spike_queries
from intranet.inbox.rules import spikes as rules
from intranet.inbox.rules.statuses import inert
from intranet.models import Group, GroupKind, NotificationKind, Post, Spike, User, WatchRule
from intranet.platform.errors import Conflict, Forbidden, Invalid

SAMPLE_CHARS = 280


def do_check_spikes(session: Session, now: datetime) -> list[Spike]:
    """Judge every active watch rule's current window; record and announce each new surge."""
    found = []
    quiet = spike_queries.recently_alerted(session, now)
    for rule_id, spans in spike_queries.rule_windows(session, now).items():
        count, baseline = spans.counts()
        if rule_id in quiet or count < rules.MIN_COUNT:
            continue
        verdict = rules.judge(count, baseline)
        if verdict.surge:
            usual = [i for window in spans.ids[1:] for i in window]
            found.append(_record(session, session.get(WatchRule, rule_id), spans.ids[0], usual, verdict, now))
    return found


def _record(session: Session, rule: WatchRule, ids: list[int], usual: list[int], verdict: rules.Verdict,
            now: datetime) -> Spike:
    surge = spike_queries.comments(session, ids)
    words = rules.distinctive_words([c.text for c in surge], spike_queries.texts(session, usual),
                                    rule_query=rule.query)
    spike = Spike(rule_id=rule.id, window_start=now - rules.WINDOW, detected_at=now, count=verdict.count,
                  baseline=verdict.baseline, threshold=verdict.threshold, words=words,
                  sources=spike_queries.source_counts(surge, spike_queries.source_names(session)),
                  comment_ids=[c.id for c in surge[:rules.SAMPLES]],
                  department_ids=spike_queries.services_of(session, ids))
    session.add(spike)
    session.flush()
    audit(session, None, "inbox.spike", "watch_rule", rule.id, count=verdict.count,
          baseline=verdict.baseline, spike_id=spike.id)
    _announce(session, spike)
    return spike


def _announce(session: Session, spike: Spike) -> None:
    """Each service's leads: a notification about their group, stamped with the spike's clock
    (``mail_kinds.spike_of`` finds the spike by it); the notification mailer mails it in their
    language unless they turned "Surges of comments" off in their mail settings."""
    for department in spike_queries.departments(session, spike.department_ids):
        if department.group_id is None:  # no group, no leads to tell (the admins see /inbox/spikes)
            continue
        rows = notify(session, service_leads(session, department.id), NotificationKind.INBOX_SPIKE,
                      actor=None, group_id=department.group_id)
        for row in rows:
            row.created_at = spike.detected_at
    session.flush()


def crisis_markdown(session: Session, spike: Spike) -> str:
    """The crisis thread's opening post: what surged, how much, its words, sources and samples."""
    samples = spike_queries.comments(session, list(spike.comment_ids or []))
    lines = [
        _("**Surge of comments about “%(rule)s”**: %(count)d in 15 minutes (usually %(usual)s).",
          rule=inert(spike.rule.name), count=spike.count, usual=f"{spike.baseline:g}"), "",
        _("Distinctive words: %(words)s", words=", ".join(inert(w) for w in spike.words) or "—"),
        _("Sources: %(sources)s", sources=", ".join(f"{inert(name)} ({n})" for name, n in spike.sources)),
        "", _("Sample comments:"), ""]
    for comment in samples:
        text = comment.text if len(comment.text) <= SAMPLE_CHARS else comment.text[:SAMPLE_CHARS] + "…"
        lines += ["> " + inert(" ".join(text.split())), ""]
    return "\n".join(lines)[: current_app.config["MAX_POST_LENGTH"]]


def do_open_crisis_thread(session: Session, actor: User, spike: Spike, group: Group) -> Post:
    """One click: the crisis thread in a group of the services alerted (once per surge)."""
    if spike.post_id is not None and session.get(Post, spike.post_id) is not None:
        raise Conflict(_("A crisis thread is already open for this surge."))
    allowed = {d.group_id for d in spike_queries.departments(session, list(spike.department_ids or []))}
    if group.kind != GroupKind.DEPARTMENT or group.id not in allowed:
        raise Invalid(_("Choose the group of a service this surge concerns."), field="group_id")
    if not access.can_post_in(actor, group):
        raise Forbidden(_("Join this group to post in it."))
    post = do_create_post(session, actor, group, crisis_markdown(session, spike))
    spike.post_id = post.id
    audit(session, actor, "inbox.crisis_thread", "spike", spike.id, post_id=post.id, group_id=group.id)
    return post


def spike_groups(session: Session, viewer: User, spike: Spike) -> list[Group]:
    """Where the viewer may open the crisis thread: the alerted services' groups they post in."""
    groups = [session.get(Group, d.group_id) for d in spike_queries.departments(
        session, list(spike.department_ids or [])) if d.group_id is not None]
    return [g for g in groups if g is not None and access.can_post_in(viewer, g)]

