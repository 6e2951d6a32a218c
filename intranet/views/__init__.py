"""Blueprints, one per feature."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from intranet.views import (
        admin,
        api,
        auth,
        feed,
        files,
        groups,
        health,
        inbox,
        inbox_admin,
        inbox_service,
        inbox_watch,
        messages,
        people,
        posts,
        search,
    )

    for module in (auth, feed, groups, posts, files, people, search, messages, admin, health, inbox,
                   inbox_admin, inbox_service, inbox_watch, api):
        app.register_blueprint(module.bp)
