"""Spike alerts: record a surge, tell the leads of the services it concerns (in the app and by
mail), and open the crisis thread in their group when one of them clicks.

``do_check_spikes`` is the scheduler's job (``inbox.workers.spikes``), run with a clock it is
given; the crisis thread is a post in a department group, written from the surge's distinctive
words, sources and sample comments (customers' words quoted inert, never who they are).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.common import audit
from intranet.actions.mail import link_context, locale_of, queue_mail
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
    words = rules.distinctive_words([c.text for c in surge], spike_queries.texts(session, usual))
    spike = Spike(rule_id=rule.id, window_start=now - rules.WINDOW, detected_at=now, count=verdict.count,
                  baseline=verdict.baseline, threshold=verdict.threshold, words=words,
                  sources=spike_queries.source_counts(surge, spike_queries.source_names(session)),
                  comment_ids=[c.id for c in surge[:rules.SAMPLES]],
                  department_ids=spike_queries.services_of(session, ids))
    session.add(spike)
    session.flush()
    audit(session, None, "inbox.spike", "watch_rule", rule.id, count=verdict.count,
          baseline=verdict.baseline, spike_id=spike.id)
    _announce(session, spike, rule)
    return spike


def _announce(session: Session, spike: Spike, rule: WatchRule) -> None:
    """Each service's leads: a notification about their group, and a mail in their language."""
    mailed: set[int] = set()
    for department in spike_queries.departments(session, spike.department_ids):
        leads = service_leads(session, department.id)
        notify(session, leads, NotificationKind.INBOX_SPIKE, actor=None, group_id=department.group_id)
        for user in session.scalars(select(User).where(User.id.in_(leads), User.is_active_account)):
            if user.id not in mailed and user.email:
                mailed.add(user.id)
                _mail(session, user, spike, rule)


def _mail(session: Session, user: User, spike: Spike, rule: WatchRule) -> None:
    with link_context(), force_locale(locale_of(user)):
        link = url_for("inbox_spikes.spike", spike_id=spike.id, _external=True)
        subject = _("Surge of comments: %(rule)s", rule=rule.name)
        text = "\n".join([
            _("%(count)d comments matched “%(rule)s” in 15 minutes (usually %(usual)s).",
              count=spike.count, rule=rule.name, usual=f"{spike.baseline:g}"),
            _("Distinctive words: %(words)s", words=", ".join(spike.words) or "—"),
            _("Sources: %(sources)s", sources=", ".join(f"{name} ({n})" for name, n in spike.sources)),
            "", _("See the comments and open a crisis thread in one click: %(url)s", url=link)])
    queue_mail(session, to=user.email, subject=subject, text=text, kind="inbox_spike", user_id=user.id)


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

