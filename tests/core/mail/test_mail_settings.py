"""My mail settings: the page and ``GET/PUT /api/v1/me/notification-settings`` (validated, in the
OpenAPI document)."""

from __future__ import annotations

from sqlalchemy import select

from intranet.models import GroupMailSetting, MailKindSetting, MailMode, MailPreference

URL = "/api/v1/me/notification-settings"


def test_get_shows_every_kind_my_groups_and_the_digest(web, cast):
    body = web.login(cast.alice).get(URL).get_json()
    assert body["kinds"]["mention"] == "immediately"
    assert body["kinds"]["sla_breach"] == "immediately"  # registered by the inbox
    assert set(body["groups"]) == {str(cast.marketing_group.id), str(cast.apollo.id)}
    assert body["digest"] == "weekly"
    announcement = next(k for k in body["available"] if k["kind"] == "announcement")
    assert announcement["never_allowed"] is False


def test_put_changes_only_what_it_names(web, cast, session):
    web.login(cast.alice)
    answer = web._send("PUT", URL, json={"kinds": {"message": "digest"},
                                         "groups": {str(cast.apollo.id): "muted"}, "digest": "daily"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["kinds"]["message"] == "digest" and body["kinds"]["mention"] == "immediately"
    assert body["groups"][str(cast.apollo.id)] == "muted" and body["digest"] == "daily"
    assert session.scalar(select(MailKindSetting.mode)) == MailMode.DIGEST
    assert session.scalar(select(MailPreference.digest)).value == "daily"
    web._send("PUT", URL, json={"groups": {str(cast.apollo.id): "all"}})
    assert session.scalar(select(GroupMailSetting.level)) is None  # back to the default: no row


def test_put_refuses_what_it_cannot_do(web, cast):
    web.login(cast.alice)
    cases = [
        ({"kinds": {"announcement": "never"}}, 400, "kinds.announcement"),
        ({"kinds": {"nonsense": "never"}}, 400, "kinds"),
        ({"kinds": {"mention": "sometimes"}}, 400, "kinds.mention"),
        ({"kinds": ["mention"]}, 400, "kinds"),
        ({"digest": "hourly"}, 400, "digest"),
        ({"digest": 3}, 400, "digest"),
        ({"colour": "blue"}, 400, "colour"),
        ({"groups": {str(cast.board.id): "muted"}}, 404, None),  # secret, not mine
        ({"groups": {"abc": "muted"}}, 404, None),
        ({"groups": {str(cast.apollo.id): "loud"}}, 400, "groups"),
    ]
    for body, status, field in cases:
        answer = web._send("PUT", URL, json=body)
        assert answer.status_code == status, body
        assert answer.get_json()["error"].get("field") == field, body
    garbage = web._send("PUT", URL, data="not json", headers={"Content-Type": "application/json"})
    assert garbage.status_code == 400


def test_anonymous_gets_401_and_a_write_needs_csrf(web, cast, make_web):
    assert make_web().get(URL).status_code == 401
    web.login(cast.alice)
    assert web.raw.put(URL, json={"digest": "off"}).status_code == 400  # no CSRF token


def test_the_document_describes_the_route(web):
    doc = web.get("/api/v1/openapi.json").get_json()
    put = doc["paths"]["/me/notification-settings"]["put"]
    schema = put["requestBody"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("NotificationSettingsUpdate")
    update = doc["components"]["schemas"]["NotificationSettingsUpdate"]
    assert update["additionalProperties"] is False
    assert update["properties"]["digest"]["enum"] == ["off", "daily", "weekly"]


def test_the_settings_page_saves_in_french(web, cast, session):
    web.login(cast.alice)
    page = web.get("/settings/notifications", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Préférences de notification" in page and "Project Apollo" in page
    assert 'name="kind-announcement" value="never"' not in page
    answer = web.post("/settings/notifications", data={"kind-mention": "never", "digest": "off",
                                                       f"group-{cast.apollo.id}": "mentions"})
    assert answer.status_code == 302
    mode = session.scalar(select(MailKindSetting.mode).where(MailKindSetting.kind == "mention"))
    assert mode == MailMode.NEVER
    assert session.scalar(select(GroupMailSetting.level)).value == "mentions"
    refused = web.post("/settings/notifications", data={"kind-announcement": "never"},
                       headers={"Accept-Language": "fr"})
    assert refused.status_code == 400
    assert "tant que vous ne les avez pas confirmées" in refused.get_data(as_text=True)
