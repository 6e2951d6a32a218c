"""Blueprints, one per feature: parse, fetch through ``access``, call one action, respond."""

from __future__ import annotations

from flask import Flask

import intranet.views.mail_admin as mail_admin
from intranet.views import account as accounts
from intranet.views import admin, api, auth, feed, files, groups, health, messages, people, posts, search


def register_blueprints(app: Flask) -> None:
    for module in (auth, feed, groups, posts, files, people, search, messages, admin, health, api):
        app.register_blueprint(module.bp)
    app.register_blueprint(mail_admin.bp)
    app.register_blueprint(accounts.bp)
