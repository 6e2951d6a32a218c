"""Blueprints, one per feature: parse, fetch through ``access``, call one action, respond."""

from __future__ import annotations

from flask import Flask

import intranet.views.invitations as invitations
import intranet.views.mail_admin as mail_admin
import intranet.views.mail_settings as mail_settings
import intranet.views.planning as planning
import intranet.views.social as social
from intranet.views import account as accounts
from intranet.views import (
    admin,
    api,
    auth,
    feed,
    files,
    groups,
    health,
    library,
    messages,
    people,
    posts,
    search,
    sso,
    tasks,
)
from intranet.views.people_admin import bp as people_admin_bp


def register_blueprints(app: Flask) -> None:
    for module in (auth, feed, groups, posts, files, people, search, messages, admin, health, api, sso,
                   accounts, mail_admin, mail_settings, invitations, tasks, library):
        app.register_blueprint(module.bp)
    app.register_blueprint(people_admin_bp)
    app.register_blueprint(social.bp)
    app.register_blueprint(planning.bp)
