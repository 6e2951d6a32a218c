"""Application factory: configuration, extensions, database, events, blueprints. Wiring only.

The core is wired first; then the apps that plug into it (the inbox) register their parts
through the core's registries. Only this factory names both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from intranet.platform import db, outbound, redis_store, socket_queue, time_zones
from intranet.platform.config import ROOT, config_class, load_config, socketio_async_mode
from intranet.platform.extensions import babel, csrf, limiter, login_manager, socketio


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_mapping(load_config(config_class(), config, app.instance_path))
    Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
    # First, before importing the parts that use it: a Redis configured but unusable (no client
    # package, no answer) stops the start here with a message saying what to do.
    redis_store.init_app(app)
    outbound.init_app(app)  # a malformed INTRANET_OUTBOUND_ALLOW stops the start, with its entry
    time_zones.init_app(app)  # so does an unknown INTRANET_TIMEZONE

    from intranet import inbox, search
    from intranet.actions.digest import send_digests
    from intranet.actions.notification_mail import send_notification_mails
    from intranet.actions.scheduling import publish_due_job
    from intranet.actions.task_deadlines import send_task_reminders
    from intranet.cli import register_cli
    from intranet.platform import auth, files, i18n, mail, presence, security, web
    from intranet.platform.directory import oidc
    from intranet.realtime import connect as realtime
    from intranet.views import cardcache, pagecache, register_blueprints

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    socketio.init_app(
        app,
        async_mode=socketio_async_mode(app.config),
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        cors_allowed_origins=app.config.get("SOCKETIO_CORS_ORIGINS"),
        async_handlers=app.config["SOCKETIO_ASYNC_HANDLERS"],
        **socket_queue.client_manager(app.config["SOCKETIO_MESSAGE_QUEUE"]),
    )
    auth.init_app(app)
    oidc.init_app(app)
    security.init_app(app)
    web.init_app(app)
    i18n.init_app(app)
    cardcache.init_app(app)
    presence.init_app(app)
    pagecache.init_app(app)
    files.init_app(app)
    search.init_app(app)
    mail.init_app(app)
    mail.register_job("notifications", send_notification_mails)
    mail.register_job("digests", send_digests)
    mail.register_job("scheduled_posts", publish_due_job)
    mail.register_job("task_reminders", send_task_reminders)
    realtime.register_handlers(socketio)
    inbox.init_app(app)
    register_blueprints(app)
    register_cli(app)
    return app
