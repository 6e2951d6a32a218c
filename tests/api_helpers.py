"""Helpers for the API tests: bearer headers, token issue, and a small JSON Schema checker that
holds answers to the OpenAPI document (strictly: a field the schema does not list is an error).

Only the keywords our document uses are supported: $ref, type, properties, required, items,
enum, const, oneOf, additionalProperties.
"""

from __future__ import annotations

from typing import Any

from intranet.views.api.openapi.document import document
from tests.conftest import PASSWORD

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def resolve(pointer: str) -> dict[str, Any]:
    node: Any = document()
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part]
    return node


def problems(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Every way ``value`` departs from ``schema`` (empty when it conforms)."""
    if "$ref" in schema:
        return problems(value, resolve(schema["$ref"]), path)
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not problems(value, s, path)]
        return [] if len(matching) == 1 else [f"{path}: matches {len(matching)} branches of oneOf"]
    out: list[str] = []
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: {value!r} != {schema['const']!r}")
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(TYPES[t](value) for t in types):
            return [*out, f"{path}: {value!r} is not {types}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict) and ("properties" in schema or "additionalProperties" in schema):
        props = schema.get("properties", {})
        out += [f"{path}: missing {k}" for k in schema.get("required", []) if k not in value]
        for key, item in value.items():
            if key in props:
                out += problems(item, props[key], f"{path}.{key}")
            elif "additionalProperties" in schema:
                out += problems(item, schema["additionalProperties"], f"{path}.{key}")
            else:
                out.append(f"{path}: undocumented field {key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            out += problems(item, schema["items"], f"{path}[{i}]")
    return out


def conforms(value: Any, name: str) -> bool:
    """Assert-friendly: fails with the list of problems against ``components/schemas/<name>``."""
    found = problems(value, {"$ref": f"#/components/schemas/{name}"})
    assert not found, found
    return True


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def issue_token(client: Any, user: Any, name: str = "tests") -> str:
    """A real token through the API (as a script would get one)."""
    resp = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD, "name": name})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["token"]


def error_of(resp: Any) -> dict[str, Any]:
    """The ``error`` object of a JSON error answer (and proof that it is one)."""
    assert resp.is_json, resp.data[:200]
    body = resp.get_json()
    conforms(body, "Error")
    return body["error"]


class Api:
    """One person's API client (bearer token, no cookie); calls return ``(status, json or None)``."""

    def __init__(self, client: Any, user: Any) -> None:
        self.client, self.headers = client, bearer(issue_token(client, user))

    def __call__(self, method: str, url: str, json: Any = None) -> tuple[int, Any]:
        resp = self.client.open(f"/api/v1{url}", method=method, json=json, headers=self.headers)
        return resp.status_code, (resp.get_json() if resp.is_json else None)


def api_clients(app: Any, cast: Any) -> dict[str, Api]:
    """alice, bob, lea and admin, each with a real token of their own."""
    return {name: Api(app.test_client(), getattr(cast, name)) for name in ("alice", "bob", "lea", "admin")}
