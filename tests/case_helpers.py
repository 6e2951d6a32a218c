"""A small factory for inbox tests: sources, comments and routed cases inserted through a session.

It stands in for the ingest pipeline (branch inbox-in): the rows are the ones ``do_open_case``
writes, with SLA dues relative to ``now`` so tests read "time left" with a controlled clock.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from flask import Flask

from intranet.actions.common import enqueue_index
from intranet.models import (
    Case,
    CaseStatus,
    Connector,
    ExternalComment,
    InboxAgent,
    Network,
    Recommendation,
    Sentiment,
    ServiceSettings,
    Source,
    Urgency,
    utcnow,
)
from intranet.platform import db
from tests.domain_helpers import make_user

_ids = itertools.count(1)


def make_source(app: Flask, *, slug: str = "x-brand", reply_url: str = "", secret: str = "s3cret",
                network: Network = Network.X, name: str = "") -> Source:
    with app.app_context(), db.transaction() as s:
        source = Source(slug=slug, name=name or f"{network.value} @brand", network=network,
                        connector=Connector.WEBHOOK, secret=secret, reply_url=reply_url)
        s.add(source)
    return source


def make_case(app: Flask, source: Source, department: Any, *, text: str = "My card was charged twice!",
              author: str = "jdoe", status: CaseStatus = CaseStatus.NEW, assignee: Any = None,
              sentiment: Sentiment = Sentiment.NEGATIVE, urgency: Urgency = Urgency.HIGH,
              first_due_in: timedelta | None = timedelta(hours=1),
              resolution_due_in: timedelta | None = timedelta(days=1),
              now: datetime | None = None, created: datetime | None = None) -> Case:
    """One comment and its case, routed to ``department`` (None: unrouted)."""
    now = now or utcnow()
    n = next(_ids)
    with app.app_context(), db.transaction() as s:
        comment = ExternalComment(source_id=source.id, external_id=f"ext-{n}", author=author,
                                  author_url=f"https://x.example/{author}", followers=1200, text=text,
                                  url=f"https://x.example/{author}/status/{n}", lang="en",
                                  posted_at=created or now, received_at=created or now)
        s.add(comment)
        s.flush()
        case = Case(comment_id=comment.id, department_id=department.id if department else None,
                    status=status, assignee_id=assignee.id if assignee else None, sentiment=sentiment,
                    needs_response=True, urgency=urgency, recommendation=Recommendation.ANSWER,
                    triage={"sentiment": sentiment.value, "needs_response": True, "urgency": urgency.value,
                            "recommendation": "answer",
                            "reasons": ["negative words: charged twice", "a direct complaint"]},
                    created_at=created or now, updated_at=created or now,
                    first_response_due=(now + first_due_in) if first_due_in is not None else None,
                    resolution_due=(now + resolution_due_in) if resolution_due_in is not None else None)
        s.add(case)
        s.flush()
        enqueue_index(s, "case", case.id)  # as the intake does: searchable by its service
    return case


def make_agent(app: Flask, email: str, name: str, department: Any) -> Any:
    user = make_user(app, email, name, department=department)
    with app.app_context(), db.transaction() as s:
        s.add(InboxAgent(user_id=user.id, department_id=department.id))
    return user


def add_agent(app: Flask, user: Any, department: Any) -> None:
    with app.app_context(), db.transaction() as s:
        s.add(InboxAgent(user_id=user.id, department_id=department.id))


def set_service(app: Flask, department: Any, **settings: Any) -> None:
    with app.app_context(), db.transaction() as s:
        row = s.get(ServiceSettings, department.id) or ServiceSettings(department_id=department.id)
        for key, value in settings.items():
            setattr(row, key, value)
        s.add(row)


def inbox_cast(app: Flask, cast: Any, *, reply_url: str = "") -> SimpleNamespace:
    """The cast plus: sam (agent of Service client), mia (agent of Marketing), a source, a case
    of Service client. Lea leads Marketing; bob is a plain Service client employee."""
    sam = make_agent(app, "sam@example.com", "Sam Agent", cast.service)
    mia = make_agent(app, "mia@example.com", "Mia Agent", cast.marketing)
    source = make_source(app, reply_url=reply_url)
    case = make_case(app, source, cast.service)
    return SimpleNamespace(sam=sam, mia=mia, source=source, case=case)
