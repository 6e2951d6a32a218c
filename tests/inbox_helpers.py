"""Arrange inbox data through the real actions: sources, watch rules, routing, services, agents."""

from __future__ import annotations

import json
import time
from typing import Any

from flask import Flask

from intranet.inbox.actions.settings import (
    do_add_agent,
    do_save_routing_rule,
    do_save_service_settings,
    do_save_source,
    do_save_watch_rule,
)
from intranet.inbox.connectors.webhook import sign
from intranet.models import Department, Source, User
from intranet.platform import db

WEBHOOK = "/api/v1/inbox/sources/{slug}/webhook"


def make_source(app: Flask, admin: Any, name: str = "X mentions", connector: str = "webhook",
                **kw: Any) -> Source:
    with app.app_context(), db.transaction() as s:
        return do_save_source(s, s.get(User, admin.id), None, name=name, network=kw.pop("network", "x"),
                              connector=connector, **kw)


def make_rule(app: Flask, admin: Any, query: str, kind: str = "brand", name: str | None = None) -> Any:
    with app.app_context(), db.transaction() as s:
        return do_save_watch_rule(s, s.get(User, admin.id), None, name=name or query, query=query,
                                  kind=kind)


def make_route(app: Flask, lead: Any, department: Any, name: str, *, query: str = "",
               position: int = 10, **conditions: Any) -> Any:
    with app.app_context(), db.transaction() as s:
        return do_save_routing_rule(s, s.get(User, lead.id), s.get(Department, department.id), None,
                                    name=name, query=query, conditions=conditions, position=position)


def set_sla(app: Flask, lead: Any, department: Any, first: int, resolution: int) -> None:
    with app.app_context(), db.transaction() as s:
        do_save_service_settings(s, s.get(User, lead.id), s.get(Department, department.id),
                                 first_response_minutes=first, resolution_minutes=resolution,
                                 require_approval=False)


def make_agent(app: Flask, lead: Any, department: Any, user: Any) -> None:
    with app.app_context(), db.transaction() as s:
        do_add_agent(s, s.get(User, lead.id), s.get(Department, department.id), s.get(User, user.id))


def comment(external_id: str, text: str, **kw: Any) -> dict[str, Any]:
    return {"external_id": external_id, "text": text, "author": kw.pop("author", "Jane Doe"), **kw}


def deliver(client: Any, source: Source, comments: list[dict] | None = None, *, body: bytes | None = None,
            secret: str | None = None, timestamp: int | None = None, headers: dict | None = None) -> Any:
    """POST a signed delivery like a connector would (``body`` raw bytes override ``comments``)."""
    raw = body if body is not None else json.dumps({"comments": comments or []}).encode()
    signed = sign(secret if secret is not None else source.secret, raw,
                  timestamp if timestamp is not None else int(time.time()))
    return client.post(WEBHOOK.format(slug=source.slug), data=raw,
                       headers={**signed, "Content-Type": "application/json", **(headers or {})})
