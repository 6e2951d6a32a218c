"""The Social-CRM inbox: public comments about the company and its competitors, collected,
triaged with reasons, routed to services, discussed inside, answered and measured.

An app that plugs into the core: it imports the core, the core never imports it. ``init_app``
is its one way in: it registers the inbox's search kind, the audience of service events, its
access scopes (who works which service, which case notifications one may still read), its pages,
API routes and OpenAPI paths, its CLI, and starts its workers.

Inside, the same layers as the core: ``views``/``api``/``workers`` > ``actions`` > ``queries`` >
``connectors`` > ``rules`` (pure: no session, no writes) > ``access``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Wiring only (imports here keep ``import intranet.inbox.rules...`` light for workers)."""
    from intranet.access import visibility
    from intranet.inbox import access, cli, search
    from intranet.inbox.actions import incident_grouping, ingest, mail_kinds, replies
    from intranet.inbox.api import openapi_paths
    from intranet.inbox.views import register_blueprints
    from intranet.inbox.workers import outbound, processing, scheduler
    from intranet.platform import events
    from intranet.views.api.openapi import document

    events.register_service_audience(access.service_audience)
    visibility.register_services(access.inbox_services, access.forget_services)
    visibility.register_notification_rule(access.readable_case)
    search.register()
    mail_kinds.register_kinds()
    document.register(*openapi_paths())
    replies.reply_queued.connect(outbound.on_reply_queued)
    ingest.cases_opened.connect(incident_grouping.on_cases_opened)
    register_blueprints(app)
    cli.init_app(app)
    scheduler.init_app(app)
    processing.init_app(app)
