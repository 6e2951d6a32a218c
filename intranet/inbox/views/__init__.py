"""The inbox's pages: cases, dashboard, service settings, watch rules, sources."""

from __future__ import annotations

from flask import Flask

from intranet.inbox.views import admin, cases, service, tasks, watch


def register_blueprints(app: Flask) -> None:
    for module in (cases, admin, service, watch, tasks):
        app.register_blueprint(module.bp)
