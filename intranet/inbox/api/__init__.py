"""The inbox's part of /api/v1: cases, collection (webhook, forward) and their OpenAPI paths.

The routes join the core's ``api`` blueprint (same prefix, authentication and error shape), so
importing this package adds them; ``inbox.init_app`` does it before the app registers the
blueprint.
"""

from __future__ import annotations

from typing import Any

from intranet.inbox.api import cases, collect, openapi, openapi_collect, openapi_routing, routing

__all__ = ["cases", "collect", "openapi_paths", "routing"]


def openapi_paths() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The inbox's paths, parameters and schemas for the core's OpenAPI document."""
    return (openapi.paths() | openapi_collect.paths() | openapi_routing.paths(),
            openapi.PARAMETERS | openapi_collect.PARAMETERS,
            openapi.SCHEMAS | openapi_collect.SCHEMAS | openapi_routing.SCHEMAS)
