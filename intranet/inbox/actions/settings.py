"""Inbox settings: sources (admins), watch rules (admins and leads), and each service's routing
rules, SLA targets, canned replies and agents (its leads). Every change is audited.

Callers check who may do it (``access_inbox_admin``); these validate the values and write.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from intranet.actions.common import audit, clean_text
from intranet.inbox.access import forget_services
from intranet.inbox.actions.ingest import pipeline_changed
from intranet.inbox.actions.intake import source_changed
from intranet.inbox.connectors.webhook import new_secret
from intranet.inbox.rules.routing import clean_conditions
from intranet.inbox.rules.watch import compiled
from intranet.models import (
    CannedReply,
    Connector,
    Department,
    InboxAgent,
    Network,
    RoutingRule,
    RuleKind,
    ServiceSettings,
    Source,
    User,
    WatchRule,
)
from intranet.platform import outbound
from intranet.platform.errors import Conflict, Invalid
from intranet.platform.inputs import parse_int
from intranet.search.text.analysis import fold
from intranet.search.text.querylang import QuerySyntaxError

MAX_MINUTES = 60 * 24 * 90


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:60] or "source"


def _choice(kind: type, value: Any, field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise Invalid(_("Choose a value from the list."), field=field) from None


def _url(value: Any, field: str, label: str) -> str:
    """An address the server will call: refused now, on the form, when the outbound guard
    would refuse it later (a private or local host, credentials, not http(s))."""
    url = clean_text(value, field=field, label=label, max_len=500, required=False)
    if url:
        try:
            outbound.check_url(url)
        except outbound.OutboundRefused as exc:
            raise Invalid(str(exc), field=field) from None
    return url


def _minutes(value: Any, field: str, label: str) -> int:
    if isinstance(value, str) and value.strip():
        value = parse_int(value, high=10**9)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MINUTES:
        raise Invalid(_("%(field)s must be a number of minutes between 1 and %(max)d.",
                        field=label, max=MAX_MINUTES), field=field)
    return value


def _position(value: Any) -> int:
    if isinstance(value, str) and value.strip():
        value = parse_int(value, high=10**9)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
        raise Invalid(_("The order must be a number between 0 and 10000."), field="position")
    return value


def _lang(value: Any) -> str:
    if value in (None, "", "en", "fr"):
        return value or ""
    raise Invalid(_("Choose a value from the list."), field="lang")


def _upsert(session: Session, row: Any, make: Callable[..., Any], values: dict[str, Any]) -> Any:
    """The settings pages create and edit with one form: a new row from ``make(**values)``
    (flushed, for its id in the audit), else the existing one updated in place."""
    if row is None:
        row = make(**values)
        session.add(row)
        session.flush()
        return row
    for key, value in values.items():
        setattr(row, key, value)
    return row


def do_save_source(session: Session, actor: User, source: Source | None, *, name: Any, network: Any,
                   connector: Any, feed_url: Any = "", poll_minutes: Any = 15, reply_url: Any = "",
                   active: bool = True) -> Source:
    """Create (``source`` None: with a slug from the name and a new secret) or update a source."""
    name = clean_text(name, field="name", label=_("Name"), max_len=120)
    values = {"name": name, "network": _choice(Network, network, "network"),
              "connector": _choice(Connector, connector, "connector"),
              "feed_url": _url(feed_url, "feed_url", _("Feed address")),
              "poll_minutes": _minutes(poll_minutes, "poll_minutes", _("Polling interval")),
              "reply_url": _url(reply_url, "reply_url", _("Reply address")), "active": bool(active)}
    if values["connector"] == Connector.FEED and not values["feed_url"]:
        raise Invalid(_("A feed source needs the feed's address."), field="feed_url")
    if source is None:
        slug = _slug(name)
        if session.scalar(select(Source.id).where(Source.slug == slug)):
            raise Conflict(_("A source named “%(slug)s” already exists.", slug=slug), field="name")
        source = Source(slug=slug, secret=new_secret(), **values)
        session.add(source)
        session.flush()
        audit(session, actor, "inbox.source_create", "source", source.id, slug=slug)
        source_changed(session)
        return source
    for key, value in values.items():
        setattr(source, key, value)
    source_changed(session)
    audit(session, actor, "inbox.source_update", "source", source.id,
          **{k: str(v) for k, v in values.items()})
    return source


def do_rotate_secret(session: Session, actor: User, source: Source) -> str:
    source.secret = new_secret()
    source_changed(session)
    audit(session, actor, "inbox.source_secret", "source", source.id)
    return source.secret


def check_query(query: Any, *, required: bool = True) -> str:
    """A rule's query, compiled to check it; syntax errors name the ``query`` field."""
    query = clean_text(query, field="query", label=_("Query"), max_len=1000, required=required)
    if query:
        try:
            compiled(query)
        except QuerySyntaxError as exc:
            raise Invalid(exc.message, field="query") from exc
    return query


def do_save_watch_rule(session: Session, actor: User, rule: WatchRule | None, *, name: Any, query: Any,
                       kind: Any, active: bool = True) -> WatchRule:
    values = {"name": clean_text(name, field="name", label=_("Name"), max_len=120),
              "query": check_query(query), "kind": _choice(RuleKind, kind, "kind"), "active": bool(active)}
    rule = _upsert(session, rule, partial(WatchRule, created_by_id=actor.id), values)
    pipeline_changed(session)
    audit(session, actor, "inbox.watch_rule_save", "watch_rule", rule.id, name=values["name"],
          query=values["query"], kind=values["kind"].value, active=values["active"])
    return rule


def do_delete_watch_rule(session: Session, actor: User, rule: WatchRule) -> None:
    pipeline_changed(session)
    audit(session, actor, "inbox.watch_rule_delete", "watch_rule", rule.id, name=rule.name)
    session.delete(rule)


def do_save_routing_rule(session: Session, actor: User, department: Department,
                         rule: RoutingRule | None, *, name: Any, query: Any,
                         conditions: dict[str, Any], position: Any, active: bool = True) -> RoutingRule:
    values = {"name": clean_text(name, field="name", label=_("Name"), max_len=120),
              "query": check_query(query, required=False),
              "conditions": clean_conditions(conditions),
              "position": _position(position), "active": bool(active)}
    if not values["query"] and not values["conditions"]:
        raise Invalid(_("Give the rule a query or at least one condition: it would catch everything."),
                      field="query")
    rule = _upsert(session, rule, partial(RoutingRule, department_id=department.id, created_by_id=actor.id),
                   values)
    pipeline_changed(session)
    audit(session, actor, "inbox.routing_rule_save", "routing_rule", rule.id,
          department_id=department.id, **{k: v for k, v in values.items() if k != "active"})
    return rule


def do_delete_routing_rule(session: Session, actor: User, rule: RoutingRule) -> None:
    pipeline_changed(session)
    audit(session, actor, "inbox.routing_rule_delete", "routing_rule", rule.id, name=rule.name)
    session.delete(rule)


def service_settings(session: Session, department_id: int) -> ServiceSettings:
    """A service's settings; the defaults (unsaved) until its lead changes them."""
    return session.get(ServiceSettings, department_id) or ServiceSettings(
        department_id=department_id, first_response_minutes=60, resolution_minutes=24 * 60,
        require_approval=False)


def do_save_service_settings(session: Session, actor: User, department: Department, *,
                             first_response_minutes: Any, resolution_minutes: Any,
                             require_approval: bool) -> ServiceSettings:
    first = _minutes(first_response_minutes, "first_response_minutes", _("First response"))
    resolution = _minutes(resolution_minutes, "resolution_minutes", _("Resolution"))
    if resolution < first:
        raise Invalid(_("The resolution target cannot be shorter than the first response target."),
                      field="resolution_minutes")
    settings = session.get(ServiceSettings, department.id) or ServiceSettings(department_id=department.id)
    settings.first_response_minutes, settings.resolution_minutes = first, resolution
    settings.require_approval = bool(require_approval)
    session.add(settings)
    pipeline_changed(session)
    audit(session, actor, "inbox.service_settings", "department", department.id,
          first_response_minutes=first, resolution_minutes=resolution,
          require_approval=settings.require_approval)
    return settings


def do_save_canned_reply(session: Session, actor: User, department: Department,
                         reply: CannedReply | None, *, title: Any, body: Any, lang: Any = "") -> CannedReply:
    values = {"title": clean_text(title, field="title", label=_("Title"), max_len=120),
              "body": clean_text(body, field="body", label=_("Text"), max_len=5000),
              "lang": _lang(lang)}
    reply = _upsert(session, reply, partial(CannedReply, department_id=department.id), values)
    audit(session, actor, "inbox.canned_reply_save", "canned_reply", reply.id, title=values["title"])
    return reply


def do_delete_canned_reply(session: Session, actor: User, reply: CannedReply) -> None:
    audit(session, actor, "inbox.canned_reply_delete", "canned_reply", reply.id, title=reply.title)
    session.delete(reply)


def do_add_agent(session: Session, actor: User, department: Department, user: User) -> None:
    """Give the inbox role in this service (idempotent)."""
    if not user.is_active_account:
        raise Invalid(_("This account is deactivated."), field="user")
    if session.get(InboxAgent, (user.id, department.id)) is not None:
        raise Conflict(_("%(name)s already works this inbox.", name=user.name), field="user")
    session.add(InboxAgent(user_id=user.id, department_id=department.id))
    audit(session, actor, "inbox.agent_add", "department", department.id, user_id=user.id)
    forget_services()


def do_remove_agent(session: Session, actor: User, department: Department, user: User) -> None:
    session.execute(delete(InboxAgent).where(InboxAgent.user_id == user.id,
                                             InboxAgent.department_id == department.id))
    audit(session, actor, "inbox.agent_remove", "department", department.id, user_id=user.id)
    forget_services()
