"""A corpus of malformed requests against every route (API and pages): never a 5xx.

For each rule of the URL map and each of its methods, with an administrator (who reaches the
most pages) and real objects behind the ids: hostile path segments (numbers beyond a database
integer, signs, superscripts, control characters, broken UTF-8), hostile query parameters, and,
on writes, hostile bodies (lone surrogates, control characters, JSON 100,000 levels deep,
numbers beyond 64 bits, NaN, wrong types, invalid UTF-8, over the size cap, wrong content
types, a broken multipart). Anything but a 5xx passes; an exception escaping the app (tests run
with exceptions propagated) counts as a 5xx.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from intranet.actions.comments import do_add_comment
from intranet.actions.messaging import do_send_message, do_start_conversation
from intranet.actions.posts import do_create_post
from intranet.platform import db
from tests.api_helpers import bearer, issue_token
from tests.case_helpers import inbox_cast

BIG = [str(2**31), str(2**63), "9" * 30]
PATH_INTS = [*BIG, "0"]
PATH_TEXT = ["%00", "a%1Bb", "%ED%A0%80", "%FF%FE", "x" * 3000]
QUERY_NAMES = ["before", "after", "limit", "page", "cursor", "q", "to", "only", "rule", "job",
               "service", "status", "unread", "type", "group", "kind", "next", "sort", "date", "v"]
QUERY_VALUES = [*BIG, "-1", "%C2%B2", "1e3", "%00", "a%1B", "%ED%A0%80", "%FF", "x" * 2000, "[]"]
FIELDS = ["body", "group_id", "user_id", "user_ids", "ids", "message_id", "title", "name", "description",
          "visibility", "kind", "role", "message", "status", "to_thread", "pinned", "muted", "email",
          "password", "url", "text", "author", "announcement", "department_id", "query", "is_admin"]
DEEP = "[" * 100_000 + "]" * 100_000
JSON_TYPE = "application/json"


def _bodies() -> list[tuple[str, str, bytes]]:
    """(label, content type, raw body) for writes."""
    def js(value: Any) -> bytes:
        return json.dumps(value).encode()

    def every(value: Any) -> dict[str, Any]:
        return dict.fromkeys(FIELDS, value)

    return [
        ("surrogate", JSON_TYPE, js(every("cut \ud83c"))),
        ("control", JSON_TYPE, js(every("nul \x00 esc \x1b"))),
        ("big ints", JSON_TYPE, b"{" + b", ".join(f'"{f}": {2**63}'.encode() for f in FIELDS) + b"}"),
        ("int32+1", JSON_TYPE, js(every(2**31))),
        ("negative", JSON_TYPE, js(every(-(2**31) - 1))),
        ("lists", JSON_TYPE, js(every([[1], {"a": None}]))),
        ("objects", JSON_TYPE, js(every({"$ne": 1}))),
        ("bools", JSON_TYPE, js(every(True))),
        ("floats", JSON_TYPE, js(every(1.5e300))),
        ("deep", JSON_TYPE, DEEP.encode()),
        ("deep field", JSON_TYPE, b'{"body": ' + DEEP.encode() + b"}"),
        ("nan", JSON_TYPE, b'{"body": NaN, "group_id": Infinity}'),
        ("not an object", JSON_TYPE, b'["body"]'),
        ("bad utf-8", JSON_TYPE, b'{"body": "\xff\xfe"}'),
        ("oversized", JSON_TYPE, js({"body": "x" * 1_100_000})),
        ("text/plain", "text/plain", b"body=hello"),
        ("xml", "application/xml", b"<body>hi</body>"),
        ("form", "application/x-www-form-urlencoded",
         b"body=%00&group_id=99999999999999999999&user_id=%C2%B2&to=-1&title=%1B&name=%ED%A0%80&status=%FF"),
        ("multipart", "multipart/form-data; boundary=XX",
         b'--XX\r\nContent-Disposition: form-data; name="body"\r\n\r\n\x00\r\n--XX\r\n'
         b'Content-Disposition: form-data; name="files"; filename="\x00.txt"\r\n\r\nhi\r\n--XX--\r\n'),
        ("broken multipart", "multipart/form-data; boundary=XX", b"--XX\r\nnot a part"),
    ]


def _objects(app: Any, cast: Any, session: Any) -> dict[str, Any]:
    """Real ids for every path parameter name, so hostile input reaches past the lookup."""
    inbox = inbox_cast(app, cast)
    with app.app_context(), db.transaction() as s:
        post = do_create_post(s, cast.admin, cast.board, "hello #topic")
        comment = do_add_comment(s, cast.admin, post, "a comment")
        conversation, _created = do_start_conversation(s, cast.admin, [cast.bob.id], None)
        message = do_send_message(s, cast.admin, conversation, "hi bob")
        ids = {"post_id": post.id, "comment_id": comment.id, "conversation_id": conversation.id,
               "message_id": message.id}
    return {**ids, "group_id": cast.board.id, "user_id": cast.bob.id, "department_id": cast.service.id,
            "case_id": inbox.case.id, "source_id": inbox.source.id, "slug": inbox.source.slug,
            "rule_id": 1, "reply_id": 1, "token_id": 1, "request_id": 1, "attachment_id": 1,
            "kind": "like", "name": "topic", "verb": "approve", "filename": "css/app.css"}


LAST = re.compile(r"delete|leave|remove|logout|deactivate|revoke")


def _rules(app: Any) -> list[tuple[Any, str]]:
    """Every (rule, method); the ones that end a session or delete an object last."""
    pairs = [(rule, method) for rule in app.url_map.iter_rules()
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(pairs, key=lambda p: (bool(LAST.search(p[0].endpoint)), p[0].rule, p[1]))


def _path(rule: Any, objects: dict[str, Any], hostile: dict[str, str] | None = None) -> str:
    def value(match: re.Match) -> str:
        name = match.group(2)
        return (hostile or {}).get(name, str(objects.get(name, 1)))
    return re.sub(r"<(?:([\w]+)(?:\([^)]*\))?:)?(\w+)>", value, rule.rule)


def _requests(rule: Any, method: str, objects: dict[str, Any], counter: itertools.count) -> list[dict]:
    """The malformed requests for one (rule, method)."""
    params = re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule)
    out = [{"path": _path(rule, objects)}]
    for converter, name in params:
        for raw in PATH_INTS if converter == "int" else PATH_TEXT:
            out.append({"path": _path(rule, objects, {name: raw})})
    for _ in range(8):
        n = next(counter)
        name, raw = QUERY_NAMES[n % len(QUERY_NAMES)], QUERY_VALUES[n % len(QUERY_VALUES)]
        out.append({"path": f"{_path(rule, objects)}?{name}={raw}&{name}=1"})
    if method in ("POST", "PATCH", "PUT", "DELETE"):
        out += [{"path": _path(rule, objects), "body": body, "type": ctype, "label": label}
                for label, ctype, body in _bodies()]
    return out


def test_a_thousand_malformed_requests_get_no_server_error(app, web, cast, session):
    objects = _objects(app, cast, session)
    headers = bearer(issue_token(web.raw, cast.admin))
    web.login(cast.admin)
    csrf = {"X-CSRFToken": web.csrf_token()}
    counter, sent, failures = itertools.count(), 0, []
    for rule, method in _rules(app):
        for request in _requests(rule, method, objects, counter):
            extra = headers if rule.rule.startswith("/api/") else csrf
            kwargs = {"data": request["body"], "content_type": request["type"]} if "body" in request else {}
            sent += 1
            try:
                status = web.raw.open(request["path"], method=method, headers=extra, **kwargs).status_code
            except Exception as exc:  # propagated in tests: what a 500 would have been
                status = f"{type(exc).__name__}: {exc}"[:200]
            if not isinstance(status, int) or status >= 500:
                failures.append(f"{method} {request['path'][:120]} [{request.get('label', '')}] -> {status}")
    print(f"malformed corpus: {sent} requests, {len(failures)} server errors")
    assert sent >= 1000
    assert not failures, "\n".join(failures[:40])
