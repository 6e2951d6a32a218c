"""Blueprints, one per feature."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import (
        admin,
        api,
        auth,
        feed,
        groups,
        health,
        inbox,
        inbox_admin,
        inbox_service,
        inbox_watch,
        messages,
        people,
        posts,
    )

    for module in (auth, feed, groups, posts, people, messages, admin, health, inbox, inbox_admin,
                   inbox_service, inbox_watch, api):
        app.register_blueprint(module.bp)
