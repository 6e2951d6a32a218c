"""Administration of people: the people pages, CSV imports, personal data, retention, audit log.

One blueprint (``people_admin``, under /admin); each module adds its pages to it."""

from intranet.views.people_admin import audit, data, retention
from intranet.views.people_admin.pages import bp

__all__ = ["audit", "bp", "data", "retention"]
