"""Blueprints, one per feature: parse, fetch through ``access``, call one action, respond."""

from __future__ import annotations

from flask import Flask

from intranet.views import admin, api, auth, feed, files, groups, health, messages, people, posts, search
from intranet.views.people_admin import bp as people_admin_bp


def register_blueprints(app: Flask) -> None:
    for module in (auth, feed, groups, posts, files, people, search, messages, admin, health, api):
        app.register_blueprint(module.bp)
    app.register_blueprint(people_admin_bp)
