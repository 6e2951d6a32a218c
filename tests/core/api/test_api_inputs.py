"""The one validation layer (``platform.inputs``): numbers beyond a database integer, lone
surrogates and control characters, deep or oversized JSON, wrong types and content types are a
clear 4xx in the API's error shape (pages: the error page), never a 500."""

from __future__ import annotations

import pytest

from intranet.platform.inputs import MAX_INT, decode_json, parse_int, text_problem
from tests.api_helpers import bearer, issue_token

BIG = str(MAX_INT + 1)


def error_of(resp) -> dict:
    body = resp.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    return body["error"]


@pytest.fixture
def token(web, cast) -> dict[str, str]:
    return bearer(issue_token(web.raw, cast.alice))


def test_parse_int_takes_ascii_digits_within_a_database_integer():
    assert parse_int("42") == 42 and parse_int(str(MAX_INT)) == MAX_INT and parse_int(7) == 7
    for raw in (BIG, "²", "١٢", "-1", "1e3", "", " ", "0x10", True, None, 1.5, "9" * 5000):
        assert parse_int(raw) is None, raw
    assert parse_int("0", low=1) is None and parse_int("101", high=100) is None


def test_text_problem_names_surrogates_and_control_characters():
    assert text_problem("fine\ttab\nline\r\n and émoji 🎉") is None
    assert "surrogate" in text_problem("cut \ud83c")
    assert "control character" in text_problem("nul \x00") and "27" in text_problem("\x1b[31m")


def test_decode_json_is_bounded_without_recursing():
    with pytest.raises(ValueError, match="nested too deeply"):
        decode_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match="out of range"):
        decode_json(f'{{"id": {BIG}}}')
    for constant in ("NaN", "Infinity", "1e999"):
        with pytest.raises(ValueError):
            decode_json(f'{{"x": {constant}}}')
    assert decode_json('{"text": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')["text"].startswith("[")


@pytest.mark.parametrize("url", [
    "/api/v1/feed?before={big}", "/api/v1/feed?limit={big}", "/api/v1/notifications?before={big}",
    "/api/v1/events?after={big}", "/api/v1/topics/x/posts?before={big}",
    "/api/v1/groups/{group}/posts?before={big}", "/api/v1/feed?before=-1", "/api/v1/feed?before=²",
    "/api/v1/search?q=x&limit={big}", "/api/v1/search?q=a%00b", "/api/v1/feed?limit=1%1b",
])
def test_api_queries_out_of_range_or_with_control_characters_are_400(web, cast, token, url):
    resp = web.raw.get(url.format(big=BIG, group=cast.coffee.id), headers=token)
    assert resp.status_code == 400 and error_of(resp)["field"] in ("before", "after", "limit", "q")


@pytest.mark.parametrize("path", ["/api/v1/posts/{big}", "/api/v1/messages/{big}",
                                  "/api/v1/conversations/{big}/messages", "/api/v1/groups/{big}/posts",
                                  "/api/v1/topics/a%00b/posts"])
def test_api_paths_out_of_range_are_404(web, token, path):
    resp = web.raw.get(path.format(big=BIG), headers=token)
    assert resp.status_code == 404 and error_of(resp)["code"] == "not_found"


def test_json_bodies_out_of_range_lone_surrogates_control_characters_are_400(web, cast, token, session):
    post_id = web.raw.post("/api/v1/posts", json={"body": "hello"}, headers=token).get_json()["id"]
    cases = [
        ("POST", "/api/v1/posts", f'{{"body": "x", "group_id": {BIG}}}', "group_id"),
        ("POST", "/api/v1/posts", '{"body": "cut \\ud83c"}', "body"),
        ("POST", "/api/v1/posts", '{"body": "nul \\u0000"}', "body"),
        ("PATCH", f"/api/v1/posts/{post_id}", '{"body": "\\udfff"}', "body"),
        ("POST", f"/api/v1/posts/{post_id}/comments", '{"body": "a\\ud800b"}', "body"),
        ("POST", "/api/v1/notifications/read", f'{{"ids": [1, {BIG}]}}', "ids"),
        ("POST", "/api/v1/conversations", f'{{"user_ids": [{BIG}]}}', "user_ids"),
        ("POST", "/api/v1/conversations", '{"user_ids": [2], "title": "\\u0007"}', "title"),
        ("POST", f"/api/v1/groups/{cast.coffee.id}/members", f'{{"user_id": -{BIG}0}}', "user_id"),
    ]
    for method, url, body, field in cases:
        resp = web.raw.open(url, method=method, data=body, content_type="application/json", headers=token)
        assert resp.status_code == 400, (url, body, resp.get_json())
        assert error_of(resp)["field"] == field, (url, body)
    assert web.raw.get(f"/api/v1/posts/{post_id}", headers=token).get_json()["body"] == "hello"


def test_deep_big_and_mistyped_bodies_are_4xx(app, web, token):
    deep = "[" * 100_000 + "]" * 100_000
    resp = web.raw.post("/api/v1/posts", data=deep, content_type="application/json", headers=token)
    assert resp.status_code == 400 and "deeply" in error_of(resp)["message"]
    resp = web.raw.post("/api/v1/posts", data='{"body": ' + deep + "}", content_type="application/json",
                        headers=token)
    assert resp.status_code == 400
    app.config["JSON_MAX_BYTES"] = 1000
    resp = web.raw.post("/api/v1/posts", json={"body": "x" * 2000}, headers=token)
    assert resp.status_code == 413 and error_of(resp)["code"] == "too_large"
    for body, ctype, status in [('{"body": 5}', "application/json", 400), ("[1]", "application/json", 400),
                                ('{"body": NaN}', "application/json", 400),
                                ("\xff\xfe", "application/json", 400),
                                ('{"body": "x"}', "text/plain", 415), ("body=x", "application/xml", 415)]:
        resp = web.raw.post("/api/v1/posts", data=body, content_type=ctype, headers=token)
        assert resp.status_code == status, (body, ctype)
        error_of(resp)


def test_pages_answer_400_or_404_not_500(web, cast):
    web.login(cast.alice)
    for url, status in [(f"/?before={BIG}", 400), (f"/groups/{cast.coffee.id}?before={BIG}", 400),
                        (f"/notifications?before={BIG}", 400), (f"/topics/x?before={BIG}", 400),
                        (f"/posts/{BIG}", 404), (f"/groups/{BIG}", 404), ("/search?q=a%00", 400),
                        ("/people?page=²", 200), ("/topics/a%00b", 404), ("/messages/new?to=²", 400)]:
        resp = web.get(url)
        assert resp.status_code == status, url
        assert resp.mimetype == "text/html", url
    resp = web.post("/posts", data={"body": "nul \x00 inside", "group_id": ""})
    assert resp.status_code == 400
    resp = web.post("/posts", data={"body": "fine", "group_id": BIG})
    assert resp.status_code in (400, 404)
    resp = web.post("/login", data={"email": "a\x00@example.com", "password": "x"})
    assert resp.status_code == 400


def test_anonymous_api_writes_are_401_not_csrf(web, cast, make_web):
    for method, url in [("POST", "/api/v1/posts"), ("PATCH", "/api/v1/posts/1"),
                        ("DELETE", "/api/v1/posts/1"),
                        ("POST", "/api/v1/notifications/read")]:
        resp = web.raw.open(url, method=method, json={"body": "x"})
        assert resp.status_code == 401 and error_of(resp)["code"] == "unauthorized", (method, url)
    browser = make_web().login(cast.alice)  # a signed-in session still needs its CSRF token
    resp = browser.raw.post("/api/v1/posts", json={"body": "forged"})
    assert resp.status_code == 400 and error_of(resp)["code"] == "csrf"
