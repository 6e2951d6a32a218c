"""Blueprints, one per feature."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import admin, api, auth, feed, groups, health, messages, people, posts

    for module in (auth, feed, groups, posts, people, messages, admin, health, api):
        app.register_blueprint(module.bp)
