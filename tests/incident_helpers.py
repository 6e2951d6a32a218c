"""Arrange incidents through the real pipeline: a brand rule, a route to Service client, and
comments that arrive live (``do_ingest``, as a webhook or feed delivers them)."""

from __future__ import annotations

import itertools
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from flask import Flask
from sqlalchemy import select

from intranet.actions.groups import do_set_member
from intranet.inbox.actions.ingest import do_ingest
from intranet.inbox.connectors.items import Item
from intranet.models import Case, Group, IncidentMember, Source, User
from intranet.platform import db
from tests.domain_helpers import make_user
from tests.inbox_helpers import make_agent, make_route, make_rule, make_source

OUTAGE = [
    "@Acme le site est en panne depuis ce matin, impossible de me connecter !!",
    "Panne du site Acme ?? impossible de se connecter depuis 9h",
    "@Acme impossible de me connecter à l'appli, le site est en panne",
    "Encore une panne du site Acme, impossible de se connecter, c'est pénible",
]
OTHER = "Acme votre nouvelle pub est sexiste, honteux"
_ids = itertools.count(1)


def incident_cast(app: Flask, cast: Any, *, reply_url: str = "") -> SimpleNamespace:
    """The cast plus: Acme brand rule; everything with "acme" goes to Service client; sam
    (agent of Service client), nora (lead of Service client), mia (agent of Marketing)."""
    nora = make_user(app, "nora@example.com", "Nora Lead", department=cast.service)
    with app.app_context(), db.transaction() as s:
        do_set_member(s, s.get(User, cast.admin.id), s.get(Group, cast.service_group.id),
                      s.get(User, nora.id), "lead")
    sam = make_user(app, "sam@example.com", "Sam Agent", department=cast.service)
    mia = make_user(app, "mia@example.com", "Mia Agent", department=cast.marketing)
    make_agent(app, cast.admin, cast.service, sam)
    make_agent(app, cast.admin, cast.marketing, mia)
    rule = make_rule(app, cast.admin, "acme", name="Acme")
    make_route(app, cast.admin, cast.service, "Acme to service", query="acme")
    source = make_source(app, cast.admin, "X mentions", reply_url=reply_url)
    other = make_source(app, cast.admin, "Trustpilot", network="trustpilot", reply_url=reply_url)
    return SimpleNamespace(nora=nora, sam=sam, mia=mia, rule=rule, source=source, other=other)


def arrive(app: Flask, source: Source, texts: list[str], *, now: datetime | None = None,
           author: str = "") -> list[int]:
    """Comments arriving live through ``source``; the ids of the cases they opened."""
    with app.app_context(), db.transaction() as s:
        items = [Item(external_id=f"c{(n := next(_ids))}", text=t, author=author or f"cust{n}")
                 for t in texts]
        result = do_ingest(s, s.get(Source, source.id), items, now=now)
    return result.case_ids


def incident_of(app: Flask, case_id: int) -> int | None:
    with app.app_context():
        return db.session.scalar(select(IncidentMember.incident_id).where(
            IncidentMember.case_id == case_id, IncidentMember.detached_at.is_(None)))


def case_row(app: Flask, case_id: int) -> Case:
    with app.app_context():
        return db.session.get(Case, case_id)

