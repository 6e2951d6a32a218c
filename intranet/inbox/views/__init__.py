"""The inbox's pages: cases, dashboard, service settings, watch rules, sources."""

from __future__ import annotations

from flask import Flask

from intranet.inbox.views import admin, cases, filters, incidents, service, spikes, tasks, watch
from intranet.inbox.views import work as work  # its routes join the inbox blueprint


def register_blueprints(app: Flask) -> None:
    for module in (cases, admin, service, watch, incidents, spikes, tasks):
        app.register_blueprint(module.bp)
    filters.register(app)
