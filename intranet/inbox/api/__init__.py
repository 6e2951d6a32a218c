"""The inbox's part of /api/v1: cases, collection (webhook, forward) and their OpenAPI paths.

The routes join the core's ``api`` blueprint (same prefix, authentication and error shape), so
importing this package adds them; ``inbox.init_app`` does it before the app registers the
blueprint.
"""

from __future__ import annotations

from typing import Any

from intranet.inbox.api import (
    cases,
    collect,
    incidents,
    openapi,
    openapi_collect,
    openapi_incidents,
    openapi_routing,
    openapi_settings,
    openapi_spikes,
    routing,
    settings,
    spikes,
    work,
)

__all__ = ["cases", "collect", "incidents", "openapi_paths", "routing", "settings", "spikes", "work"]


def openapi_paths() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The inbox's paths, parameters and schemas for the core's OpenAPI document."""
    parts = (openapi, openapi_collect, openapi_incidents, openapi_routing, openapi_settings,
             openapi_spikes)
    paths: dict[str, Any] = {}
    for part in parts:
        paths |= part.paths()
    return (paths, {k: v for part in parts for k, v in part.PARAMETERS.items()},
            {k: v for part in parts for k, v in part.SCHEMAS.items()})
