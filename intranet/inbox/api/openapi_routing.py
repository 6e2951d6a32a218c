"""Routing's part of the OpenAPI document: moving a case to a service, and a service's profile
(description and examples) that routing learns from before it has history."""

from __future__ import annotations

from typing import Any

from intranet.inbox.actions.routing import MAX_DESCRIPTION, MAX_EXAMPLE, MAX_EXAMPLES
from intranet.views.api.openapi.document import op, write
from intranet.views.api.openapi.schemas import BOOL, ID, INT, STR, Schema, array, obj, text

PARAMETERS: dict[str, Any] = {}

SCHEMAS: dict[str, Schema] = {
    "RoutingSuggestion": obj({
        "service_id": INT, "service_name": STR,
        "reason": {**STR, "description": "In words, e.g. “7 of the 10 most similar past cases went to "
                                         "Produit.”"},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1,
                       "description": "Similarity-weighted share of the nearest past cases' vote."},
        "basis": {"type": "string", "enum": ["history", "description", "prior"]},
        "disagrees_with_rule": {**BOOL, "description": "A routing rule chose another service and the "
                                                       "history strongly prefers this one."},
        "differs": {**BOOL, "description": "Applying it would move the case."}},
        description="The service routing suggests from resolved and corrected cases; null without "
                    "history."),
    "RouteBody": obj({"service_id": {**ID, "description": "The department to send the case to."}}),
    "ServiceProfile": obj({
        "service_id": INT,
        "description": text(MAX_DESCRIPTION, required=False,
                            description="What the service handles, in its lead’s words."),
        "examples": {**array(text(MAX_EXAMPLE)), "maxItems": MAX_EXAMPLES,
                     "description": "Example comments the service should get."}}),
    "ServiceProfileBody": obj({
        "description": text(MAX_DESCRIPTION, required=False),
        "examples": {**array(text(MAX_EXAMPLE)), "maxItems": MAX_EXAMPLES}},
        optional=("description", "examples")),
}


def paths() -> dict[str, Any]:
    return {
        "/inbox/cases/{case_id}/route": {"post": write(op(
            "routeCase", "Send the case to another service (e.g. the suggested one)", tag="inbox",
            answer="Case", body="RouteBody", errors=(403, 404),
            description="Counts as a correction routing learns from; the SLA due dates follow the "
                        "new service's targets."))},
        "/inbox/services/{department_id}/profile": {
            "get": op("getServiceProfile", "A service's description and examples", tag="inbox",
                      answer="ServiceProfile", errors=(404,), description="Its leads and admins only."),
            "put": write(op("saveServiceProfile", "Describe the service for routing's cold start",
                            tag="inbox", answer="ServiceProfile", body="ServiceProfileBody",
                            errors=(404,)))},
    }
