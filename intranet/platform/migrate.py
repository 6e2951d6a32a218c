"""Alembic, driven from the app's config (no alembic.ini to keep in sync)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import current_app

from intranet.platform import db


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(Path(__file__).parents[1] / "migrations"))
    cfg.set_main_option("sqlalchemy.url", current_app.config["DATABASE_URL"].replace("%", "%%"))
    return cfg


def upgrade() -> None:
    """Bring the database to the newest schema (creates it when empty)."""
    cfg = alembic_config()
    with db.engine().begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def revision(message: str) -> None:
    """Developers: autogenerate a migration from the models."""
    command.revision(alembic_config(), message=message, autogenerate=True)
