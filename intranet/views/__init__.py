"""Blueprints, one per feature."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import admin, api, auth, feed, files, groups, health, people, posts, search

    for module in (auth, feed, groups, posts, files, people, search, admin, health, api):
        app.register_blueprint(module.bp)
