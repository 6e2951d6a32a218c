"""What an agent does with a case: assign, change status, write notes, override triage, escalate.

Every change writes a ``CaseActivity`` row (the timeline) and an audit row, and publishes a
``case`` event to the agents and leads of the case's service. Replies live in ``case_replies``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import get_timezone_name
from flask import current_app
from flask_babel import format_date, format_time, get_locale, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.comments import do_add_comment
from intranet.actions.common import audit, clean_text
from intranet.actions.notifications import notify
from intranet.actions.posts import do_create_post, render_for
from intranet.inbox import access as access_inbox
from intranet.inbox.actions.ingest import inbox_people
from intranet.inbox.rules.labels import source_label
from intranet.inbox.rules.statuses import TRANSITIONS, S, inert, quoted_comment
from intranet.inbox.rules.triage import SENTIMENT_WORDS
from intranet.models import (
    Case,
    CaseActivity,
    CaseStatus,
    Group,
    GroupKind,
    NotificationKind,
    Post,
    Recommendation,
    Sentiment,
    Urgency,
    User,
    utcnow,
)
from intranet.platform.errors import Conflict, Forbidden, Invalid, NotFound
from intranet.platform.events import publish

MAX_NOTE = 5_000


def status_label(status: CaseStatus) -> str:
    return {S.NEW: _("new"), S.ASSIGNED: _("assigned"), S.WAITING: _("waiting"),
            S.RESOLVED: _("resolved"), S.IGNORED: _("ignored")}[status]


def require_worker(user: User, case: Case) -> None:
    """Reading a case (escalation-group members may) is not working it."""
    if not access_inbox.can_work_case(user, case):
        raise Forbidden(_("This case is read-only for you: only the agents of its service work it."))


def record(session: Session, case: Case, actor: User | None, kind: str, *, body_html: str = "",
           **data: Any) -> CaseActivity:
    """One timeline row and its audit row, in the same transaction as the change."""
    row = CaseActivity(case_id=case.id, actor_id=actor.id if actor else None, kind=kind,
                       body_html=body_html, data=data)
    session.add(row)
    case.updated_at = utcnow()
    audit(session, actor, f"case.{kind}", "case", case.id, **data)
    session.flush()
    return row


def publish_case(session: Session, case: Case, op: str) -> None:
    """To the service's agents and leads only (no customer data in the payload)."""
    payload = {"op": op, "id": case.id, "service_id": case.department_id,
               "status": case.status.value, "assignee_id": case.assignee_id}
    if case.department_id is not None:
        publish(session, "case", payload, service_id=case.department_id)
        return
    for user_id in inbox_people(session):  # unrouted: every inbox person, each in their room
        publish(session, "case", payload, user_id=user_id)


def do_assign(session: Session, actor: User, case: Case, user_id: Any) -> None:
    """Give the case to an agent (or lead) of its service; a new case becomes assigned."""
    require_worker(actor, case)
    if case.status in (S.RESOLVED, S.IGNORED):
        raise Invalid(_("Reopen the case before assigning it."), field="user_id")
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise Invalid(_("Choose the person to assign."), field="user_id")
    assignee = session.get(User, user_id)
    if assignee is None or not assignee.is_active_account or not _works_service(assignee, case):
        raise Invalid(_("This person does not work this service's inbox."), field="user_id")
    before = case.assignee_id
    case.assignee_id = assignee.id
    if case.status == S.NEW:
        case.status = S.ASSIGNED
    record(session, case, actor, "assign", **{"from": before, "to": assignee.id})
    notify(session, [assignee.id], NotificationKind.CASE_ASSIGNED, actor=actor, case_id=case.id)
    publish_case(session, case, "assign")


def _works_service(user: User, case: Case) -> bool:
    return user.is_admin or case.department_id in access_inbox.inbox_services(user)


def parse_status(raw: Any) -> CaseStatus:
    try:
        return CaseStatus(raw)
    except ValueError:
        raise Invalid(_("Unknown status. Use one of: %(values)s.",
                        values=", ".join(s.value for s in CaseStatus)), field="status") from None


def do_set_status(session: Session, actor: User, case: Case, raw: Any) -> None:
    """new → assigned → waiting → resolved (or ignored); resolving stamps the time and marks
    the escalation thread; anything else is refused with the allowed moves in words."""
    require_worker(actor, case)
    new = parse_status(raw)
    if new not in TRANSITIONS[case.status]:
        allowed = ", ".join(sorted(status_label(s) for s in TRANSITIONS[case.status]))
        raise Invalid(_("A %(old)s case cannot become %(new)s (possible: %(allowed)s).",
                        old=status_label(case.status), new=status_label(new), allowed=allowed),
                      field="status")
    if new == S.ASSIGNED and case.assignee_id is None:
        raise Invalid(_("Assign the case to someone first."), field="status")
    before = case.status
    case.status = new
    case.resolved_at = utcnow() if new == S.RESOLVED else None
    record(session, case, actor, "status", **{"from": before.value, "to": new.value})
    if new == S.RESOLVED:
        _mark_thread(session, actor, case)
    publish_case(session, case, "status")


def _mark_thread(session: Session, actor: User, case: Case) -> None:
    """Tell the escalation thread the case is closed, as the person who closed it (when they may
    write there; otherwise the timeline says the thread was left as is)."""
    post = session.get(Post, case.post_id) if case.post_id else None
    if post is None:
        return
    if not access.may_read_post(actor, post):
        record(session, case, actor, "thread", marked=False)
        return
    comment = do_add_comment(session, actor, post, "✅ " + _("Case resolved."))
    record(session, case, actor, "thread", marked=True, comment_id=comment.id)


def do_add_note(session: Session, actor: User, case: Case, body: Any, *, to_thread: bool = False
                ) -> CaseActivity:
    """An internal note (Markdown); @mentions notify only colleagues who may read the case.
    ``to_thread`` also posts it as a comment in the escalation thread."""
    require_worker(actor, case)
    text = clean_text(body, field="body", label=_("Note"), max_len=MAX_NOTE)
    rendered, users, _groups = render_for(session, actor, text)
    thread_comment = None
    if to_thread:
        if case.post_id is None:
            raise Invalid(_("This case has not been escalated to a group."), field="to_thread")
        thread_comment = do_add_comment(session, actor, access.access_post(actor, case.post_id), text)
    row = record(session, case, actor, "note", body_html=rendered.html,
                 thread_comment_id=thread_comment.id if thread_comment else None)
    readers = [u.id for u in users.values() if u.is_active_account and may_read_case(u, case)]
    notify(session, readers, NotificationKind.CASE_MENTION, actor=actor, case_id=case.id)
    publish_case(session, case, "note")
    return row


def may_read_case(user: User, case: Case) -> bool:
    try:
        access_inbox.access_case(user, case.id)
    except NotFound:
        return False
    return True


TRIAGE_FIELDS: dict[str, Any] = {"sentiment": Sentiment, "urgency": Urgency,
                                 "recommendation": Recommendation, "needs_response": bool}


def _triage_value(name: str, raw: Any) -> Any:
    kind = TRIAGE_FIELDS[name]
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if raw in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            return raw in ("1", "true", "yes", "on")
        raise Invalid(_("%(name)s must be true or false.", name=name), field=name)
    try:
        return kind(raw)
    except ValueError:
        raise Invalid(_("Unknown value for %(name)s. Use one of: %(values)s.", name=name,
                        values=", ".join(v.value for v in kind)), field=name) from None


def do_override_triage(session: Session, actor: User, case: Case, values: dict[str, Any]) -> dict:
    """An agent corrects the machine: the machine's result stays in ``case.triage``, the change
    is kept on the case (``overridden``) and in the timeline and audit log."""
    require_worker(actor, case)
    changes: dict[str, list[Any]] = {}
    for name in TRIAGE_FIELDS:
        if values.get(name) in (None, ""):
            continue
        new, old = _triage_value(name, values[name]), getattr(case, name)
        if new != old:
            setattr(case, name, new)
            changes[name] = [_plain(old), _plain(new)]
    if not changes:
        raise Invalid(_("Nothing changed: choose a different value to override the triage."))
    case.overridden = True
    record(session, case, actor, "triage", changes=changes)
    publish_case(session, case, "update")
    return changes


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def do_escalate(session: Session, actor: User, case: Case, group: Group) -> Post:
    """Open a thread in a department group, quoting the comment read-only with its triage and
    SLA and a link back; the group's members may then read the case."""
    require_worker(actor, case)
    if case.post_id is not None and session.get(Post, case.post_id) is not None:
        raise Conflict(_("This case is already escalated."))
    if group.kind != GroupKind.DEPARTMENT:
        raise Invalid(_("Escalate to a department group."), field="group_id")
    if not access.can_post_in(actor, group):
        raise Forbidden(_("Join this group to post in it."))
    post = do_create_post(session, actor, group, escalation_markdown(case))
    case.group_id, case.post_id = group.id, post.id
    record(session, case, actor, "escalate", group_id=group.id, post_id=post.id)
    publish_case(session, case, "escalate")
    return post


URGENCY_WORDS = {Urgency.LOW: _l("low"), Urgency.NORMAL: _l("normal"), Urgency.HIGH: _l("high"),
                 Urgency.CRITICAL: _l("critical")}
ACTION_WORDS = {Recommendation.IGNORE: _l("ignore"), Recommendation.OBSERVE: _l("observe"),
                Recommendation.ANSWER: _l("answer"), Recommendation.ESCALATE: _l("escalate")}


def local_time(at: datetime) -> str:
    """A moment as people here read it: the app's time zone (Paris by default), their language."""
    return f"{format_date(at, 'medium')} {format_time(at, 'short')}"


def local_zone() -> str:
    """The time zone's name in words ("Central European Time"), said once beside a time."""
    return get_timezone_name(get_timezone(), locale=get_locale())


def escalation_markdown(case: Case) -> str:
    """The thread's opening post. Department groups are public: the post quotes what the
    customer wrote publicly, but who they are (handle, profile, audience, history) stays behind
    the case link, which only the group's members and the inbox may open."""
    comment = case.comment
    quoted = quoted_comment(case)
    link = f"/inbox/cases/{case.id}"  # also written outside requests (tests, CLI)
    due = case.resolution_due or case.first_response_due
    lines = [
        _("**Customer case #%(id)s** escalated from the inbox: [open the case](%(url)s)",
          id=case.id, url=link), "",
        _("A customer wrote on %(source)s:", source=inert(source_label(comment.source))), "", quoted, "",
        _("Triage: %(sentiment)s, urgency %(urgency)s, recommended: %(action)s.",
          sentiment=SENTIMENT_WORDS[case.sentiment.value], urgency=URGENCY_WORDS[case.urgency],
          action=ACTION_WORDS[case.recommendation]),
    ]
    if due is not None:
        lines.append(_("Due: %(when)s (%(zone)s).", when=local_time(due), zone=local_zone()))
    text = "\n".join(lines)
    return text[: current_app.config["MAX_POST_LENGTH"]]
