"""The inbox's kinds of notification mail, registered with the core's ``actions.mail_kinds``
from ``inbox.init_app``: SLA breaches and replies waiting for approval (to the service's
leads), case assignments (to the agent), mentions in a case's notes and surges of comments (to
the alerted services' leads). The notification is visible only while the person may still open
the case (``inbox.access.readable_case``); a surge is described only to who may still see it."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from intranet.actions.mail_kinds import EXCERPT, MailItem, MailKind, register
from intranet.inbox.queries import spikes as spike_queries
from intranet.models import (
    Case,
    CaseReply,
    Department,
    Notification,
    NotificationKind,
    ReplyState,
    Spike,
    User,
)


def _item(session: Session, key: str, title: str, n: Notification) -> MailItem | None:
    case = session.get(Case, n.case_id) if n.case_id else None
    if case is None:
        return None
    text = " ".join(case.comment.text.split())
    text = text if len(text) <= EXCERPT else text[:EXCERPT - 1].rstrip() + "…"
    return MailItem(key, title, text, url_for("inbox.case", case_id=case.id, _external=True), n.created_at)


def _actor(n: Notification) -> str:
    return n.actor.name if n.actor else _("Someone")


def _breach(session: Session, user: User, n: Notification) -> MailItem | None:
    return _item(session, "sla_breach", _("Case #%(id)s missed its response target.", id=n.case_id), n)


def _approval(session: Session, user: User, n: Notification) -> MailItem | None:
    title = _("%(actor)s wrote a reply on case #%(id)s that waits for your approval",
              actor=_actor(n), id=n.case_id)
    return _item(session, "reply_approval", title, n)


def _still_held(session: Session, user: User, n: Notification) -> bool:
    return bool(session.scalar(select(exists().where(CaseReply.case_id == n.case_id,
                                                     CaseReply.state == ReplyState.PENDING_APPROVAL))))


def _assigned(session: Session, user: User, n: Notification) -> MailItem | None:
    return _item(session, "case_assigned",
                 _("%(actor)s assigned case #%(id)s to you", actor=_actor(n), id=n.case_id), n)


def _still_mine(session: Session, user: User, n: Notification) -> bool:
    case = session.get(Case, n.case_id) if n.case_id else None
    return n.read_at is None and case is not None and case.assignee_id == user.id


def _case_mention(session: Session, user: User, n: Notification) -> MailItem | None:
    return _item(session, "case_mention",
                 _("%(actor)s mentioned you in a note on case #%(id)s", actor=_actor(n), id=n.case_id), n)


def spike_of(session: Session, n: Notification) -> Spike | None:
    """The surge a spike notification is about. The notification row has no spike column: it is
    stamped with the spike's ``detected_at`` and names the alerted service's group, and the k-th
    such notification of a person (by id) is about the k-th such spike (both written in order)."""
    groups = select(Department.id).where(Department.group_id == n.group_id)
    services = set(session.scalars(groups))
    spikes = [s for s in session.scalars(select(Spike).where(Spike.detected_at == n.created_at)
                                         .order_by(Spike.id)) if services & set(s.department_ids or [])]
    if not spikes:
        return None
    rank = len(session.scalars(select(Notification.id).where(
        Notification.user_id == n.user_id, Notification.kind == n.kind, Notification.group_id == n.group_id,
        Notification.created_at == n.created_at, Notification.id < n.id)).all())
    return spikes[min(rank, len(spikes) - 1)]


def _spike(session: Session, user: User, n: Notification) -> MailItem | None:
    spike = spike_of(session, n)
    if spike is None or not spike_queries.may_see_spike(user, spike):
        return None
    text = " ".join([
        _("%(count)d comments matched “%(rule)s” in 15 minutes (usually %(usual)s).",
          count=spike.count, rule=spike.rule.name, usual=f"{spike.baseline:g}"),
        _("Distinctive words: %(words)s", words=", ".join(spike.words) or "—") + ".",
        _("Sources: %(sources)s", sources=", ".join(f"{name} ({k})" for name, k in spike.sources)) + "."])
    return MailItem("inbox_spike", _("Surge of comments: %(rule)s", rule=spike.rule.name), text,
                    url_for("inbox_spikes.spike", spike_id=spike.id, _external=True), n.created_at)


def register_kinds() -> None:
    register(MailKind("sla_breach", _l("Cases of my services that miss a target"),
                      (NotificationKind.SLA_BREACH,), _breach))
    register(MailKind("reply_approval", _l("Customer replies waiting for my approval"),
                      (NotificationKind.REPLY_APPROVAL,), _approval, pending=_still_held))
    register(MailKind("case_assigned", _l("Cases assigned to me"), (NotificationKind.CASE_ASSIGNED,),
                      _assigned, pending=_still_mine))
    register(MailKind("case_mention", _l("Mentions of me in case notes"), (NotificationKind.CASE_MENTION,),
                      _case_mention, mention=True))
    register(MailKind("inbox_spike", _l("Surges of comments about my services"),
                      (NotificationKind.INBOX_SPIKE,), _spike))
