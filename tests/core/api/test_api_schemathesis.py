"""Schemathesis against our own OpenAPI document, in-process (WSGI), with a bearer token.

Every operation of ``/api/v1/openapi.json`` gets examples that fit the document (positive) and
examples that do not (negative), from a fixed seed and a fixed count, so a run is bounded and
repeatable. Asserted: not one server error, and every answer conforms to the document (status
code listed, content type, body schema). A failure names the operation and a curl command.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_helpers import bearer, issue_token

# Per operation and mode: 55 operations x 2 modes x 8 = 880 requests, about 45 s of CPU (most of
# it building the strategies and validators, a fixed cost per operation).
EXAMPLES = 8
SEED = 20261207
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Revoking tokens would revoke the one the run uses: that operation gets throwaway tokens.
REVOKE = "DELETE /api/v1/auth/tokens/{token_id}"


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def _exercise(operation: Any, mode: GenerationMode, headers: Any, tally: Counter,
              failures: list[str]) -> None:
    @seed(SEED)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        sent = headers(operation)
        response = case.call(headers=sent)
        tally["requests"] += 1
        tally["5xx"] += response.status_code >= 500
        try:
            case.validate_response(response, checks=CHECKS, headers=sent)
        except (FailureGroup, AssertionError) as exc:
            failures.append(f"{operation.label} [{mode.value}] {response.status_code}: {exc}"[:1500])

    run()


def test_schemathesis_finds_no_server_error_and_no_departure_from_the_document(app, web, cast):
    token = issue_token(web.raw, cast.alice)

    def headers(operation: Any) -> dict[str, str]:
        if operation.label == REVOKE:
            return bearer(issue_token(web.raw, cast.alice, name="throwaway"))
        return bearer(token)

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tally: Counter = Counter()
    failures: list[str] = []
    for operation in _operations(schema):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _exercise(operation, mode, headers, tally, failures)
    print(f"schemathesis: {tally['requests']} requests, {tally['5xx']} server errors, "
          f"{len(failures)} departures")
    assert tally["requests"] >= 400
    assert tally["5xx"] == 0
    assert not failures, "\n\n".join(failures[:20])

