"""The OpenAPI document matches the app: every /api/v1 route documented, nothing invented,
every reference resolvable, the realtime contract described."""

from __future__ import annotations

import json
import re

from intranet.views.api.openapi.document import document
from tests.api_helpers import problems, resolve

METHODS = {"get", "post", "patch", "put", "delete"}


def _app_operations(app) -> set[tuple[str, str]]:
    ops = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            ops |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return ops


def _doc_operations(doc) -> set[tuple[str, str]]:
    return {(path, method) for path, item in doc["paths"].items() for method in item if method in METHODS}


def test_every_route_is_documented_and_nothing_more(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()  # served without logging in
    assert doc["openapi"].startswith("3.1") and doc["servers"] == [{"url": "/api/v1"}]
    assert _app_operations(app) == _doc_operations(doc)


def test_operations_are_complete(app):
    doc = document()
    ids = []
    for path, item in doc["paths"].items():
        declared = {p["name"] for p in item.get("parameters", [])}
        assert declared == set(re.findall(r"{(\w+)}", path)), path
        for method, op in ((m, o) for m, o in item.items() if m in METHODS):
            ids.append(op["operationId"])
            assert op["summary"] and op["tags"] and op["responses"], (path, method)
            assert any(code.startswith("2") for code in op["responses"]), (path, method)
            if method in {"post", "patch", "delete"} and op.get("security") != []:
                assert {"cookie": [], "csrf": []} in op["security"], (path, method)
            if op.get("security") != []:
                assert "401" in op["responses"], (path, method)
    assert len(ids) == len(set(ids))


def test_every_reference_resolves():
    text = json.dumps(document())
    refs = set(re.findall(r'"\$ref": "([^"]+)"', text))
    assert len(refs) > 30
    for pointer in refs:
        assert isinstance(resolve(pointer), dict), pointer


def test_security_errors_and_realtime_are_described():
    doc = document()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"]["scheme"] == "bearer" and schemes["cookie"]["in"] == "cookie"
    assert problems({"error": {"code": "not_found", "message": "Gone."}},
                    {"$ref": "#/components/schemas/Error"}) == []
    assert problems({"error": {"code": "x"}}, {"$ref": "#/components/schemas/Error"}) != []
    socket = doc["x-socketio"]
    assert set(socket["events"]) == {"post", "comment", "reaction", "notification", "group", "message",
                                     "conversation", "read", "typing", "presence", "case", "incident",
                                     "session_ended", "poll", "bookmark", "follow", "scheduled", "task"}
    assert set(socket["client_events"]) == {"typing", "presence", "focus", "ping_alive", "catch_up",
                                            "watch_post"}
    assert "token" in socket["auth"] and "cookie" in socket["auth"]
    for name, schema in socket["events"].items():
        event = resolve(schema["$ref"])
        durable = name not in {"session_ended", "typing", "presence"}
        assert not durable or {"type", "event_id", "op"} <= set(event["required"]), name
        assert not durable or "id" in event["properties"], name
