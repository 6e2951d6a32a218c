"""Names the inbox shows for things it stores in one language: the built-in source of forwarded
comments is saved once, under its slug, and read in each reader's language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

FORWARD_SLUG = "forwarded"


def source_name(slug: str | None, name: str | None) -> str:
    """The name a reader sees for the source ``slug`` stored as ``name``."""
    return _("Forwarded by colleagues") if slug == FORWARD_SLUG else name or ""


def source_label(source: Any) -> str:
    """A source's name as the reader sees it (the forwarding source is translated)."""
    return source_name(getattr(source, "slug", None), getattr(source, "name", None))
