"""People and data under /api/v1: join requests, people management, personal data, audit log.

One package so that the API's ``__init__`` imports it in one line; its OpenAPI part joins the
document through ``openapi.people``.
"""

from intranet.views.api.openapi import people as openapi_people
from intranet.views.api.people import admin, join_requests

__all__ = ["admin", "join_requests", "openapi_people"]
