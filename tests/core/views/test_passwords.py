"""Passwords: the policy, changing one (page and API), a forgotten one (mail through a real SMTP
server, single-use link that expires), an administrator's forced reset; each ends the other logins."""

from __future__ import annotations

import re

import pytest
from domain_helpers import fresh
from sqlalchemy import select, update

from intranet.actions.passwords import check_new_password, reset_token
from intranet.actions.users import do_create_token
from intranet.models import ApiToken, AuditLog, LoginSession, MailOutbox, User
from intranet.platform import db
from intranet.platform.errors import Invalid
from tests.conftest import PASSWORD
from tests.mail_helpers import html_part, text_part

NEW = "un vélo bleu dans la cour"
LINK = re.compile(r"(http://localhost/password/reset/\S+)")


def signed_in(make_web, user, password=PASSWORD):
    browser = make_web()
    answer = browser.post("/login", data={"email": user.email, "password": password})
    assert answer.status_code == 302, answer.text
    return browser


def can_log_in(make_web, user, password) -> bool:
    return make_web().post("/login", data={"email": user.email, "password": password}).status_code == 302


@pytest.mark.parametrize("password", [
    "short", "password", "1234567890", "password1234", "qwertyuiop", "iloveyou12", "aaaaaaaaaaaa",
    "abababababab", "abcdefghijk", "9876543210", "x" * 201, None, 1234567890, "alice.martin1",
])
def test_the_policy_refuses_short_common_leaked_repetitive_and_personal_passwords(app, password):
    with app.test_request_context(), pytest.raises(Invalid) as err:
        check_new_password(password, email="alice.martin@example.com", name="Alice Martin")
    assert err.value.field == "password"


@pytest.mark.parametrize("password", [PASSWORD, NEW, "Tr0ub4dor&3x", "ma-clé-à-moi", "abc defg " * 22])
def test_the_policy_has_no_composition_rules(app, password):
    with app.test_request_context():
        assert check_new_password(password, email="alice.martin@example.com", name="Alice Martin") == password


def test_registration_follows_the_policy(app, web):
    answer = web.post("/register", data={"name": "Zoé", "email": "zoe@example.com", "password": "password123",
                                         "confirm": "password123"})
    assert answer.status_code == 400 and "most common or leaked" in answer.text


def test_changing_my_password_signs_my_other_browsers_out(app, cast, make_web, socket_for, session):
    laptop, phone = signed_in(make_web, cast.alice), signed_in(make_web, cast.alice)
    on_phone, on_laptop = socket_for(phone), socket_for(laptop)
    wrong = laptop.post("/profile/password", data={"current": "nope nope", "new": NEW, "confirm": NEW})
    assert wrong.status_code == 400 and "The current password is wrong." in wrong.text
    weak = laptop.post("/profile/password", data={"current": PASSWORD, "new": "iloveyou123",
                                                  "confirm": "iloveyou123"})
    assert weak.status_code == 400 and "most common or leaked" in weak.text
    assert phone.get("/profile").status_code == 200  # refused changes end nothing
    answer = laptop.post("/profile/password", data={"current": PASSWORD, "new": NEW, "confirm": NEW})
    assert answer.status_code == 302
    assert laptop.get("/profile").status_code == 200 and on_laptop.is_connected()
    assert phone.get("/profile").status_code == 302 and not on_phone.is_connected()
    assert can_log_in(make_web, cast.alice, NEW) and not can_log_in(make_web, cast.alice, PASSWORD)
    assert session.scalar(select(AuditLog.action).where(AuditLog.action == "user.password_change"))


def test_changing_my_password_can_revoke_my_api_tokens(app, cast, make_web, socket_for, session):
    with app.app_context(), db.transaction() as s:
        _token, clear = do_create_token(s, fresh(s, cast.alice), "script")
    script = socket_for(auth={"token": clear})
    laptop = signed_in(make_web, cast.alice)
    assert laptop.post("/profile/password", data={"current": PASSWORD, "new": NEW, "confirm": NEW,
                                                  "revoke_tokens": "y"}).status_code == 302
    assert not script.is_connected()
    assert make_web().get("/api/v1/me", headers={"Authorization": f"Bearer {clear}"}).status_code == 401
    assert session.scalars(select(ApiToken.revoked_at)).all() != [None]


def test_the_api_changes_my_password(app, cast, web, make_web):
    with app.app_context(), db.transaction() as s:
        _token, clear = do_create_token(s, fresh(s, cast.alice), "script")
    other = signed_in(make_web, cast.alice)
    bearer = {"Authorization": f"Bearer {clear}"}
    for body, field in (({"current": "nope", "new": NEW}, "current"), ({"current": PASSWORD}, "new"),
                        ({"current": PASSWORD, "new": "password123"}, "new"),
                        ({"current": PASSWORD, "new": 12}, "new")):
        answer = web.raw.post("/api/v1/me/password", json=body, headers=bearer)
        assert answer.status_code == 400 and answer.get_json()["error"]["field"] == field, body
    answer = web.raw.post("/api/v1/me/password", json={"current": PASSWORD, "new": NEW}, headers=bearer)
    assert answer.status_code == 200 and answer.get_json() == {"ended_sessions": 1, "tokens_revoked": False}
    assert other.get("/profile").status_code == 302
    assert web.raw.get("/api/v1/me", headers=bearer).status_code == 200  # tokens kept unless asked


def test_forgot_password_mails_a_single_use_link(app, cast, make_web, smtp_server, send_mail, session):
    before = signed_in(make_web, cast.alice)
    anonymous = make_web()
    for email in ("nobody@example.com", "ALICE@example.com"):
        answer = anonymous.raw.post("/api/v1/auth/password-reset", json={"email": email})
        assert answer.status_code == 202 and answer.get_json() == {"status": "accepted"}
    assert session.scalars(select(MailOutbox.to_addr)).all() == ["alice@example.com"]
    assert send_mail() == 1
    [mail] = smtp_server.to("alice@example.com")
    assert mail["Subject"] == "Choose a new password"
    link = LINK.search(text_part(mail)).group(1)
    assert link in html_part(mail)
    path = link.removeprefix("http://localhost")

    browser = make_web()
    page = browser.get(path)
    assert page.status_code == 200 and "alice@example.com" in page.text
    weak = browser.post(path, data={"new": "1234567890", "confirm": "1234567890"})
    assert weak.status_code == 400
    assert browser.post(path, data={"new": NEW, "confirm": NEW}).headers["Location"] == "/login"
    assert before.get("/profile").status_code == 302  # every login ended
    assert session.scalars(select(LoginSession).where(LoginSession.user_id == cast.alice.id)).all() == []
    assert can_log_in(make_web, cast.alice, NEW)
    used = browser.post(path, data={"new": "another long phrase", "confirm": "another long phrase"})
    assert used.status_code == 400 and "invalid, expired or already used" in used.text


def test_the_forgot_password_page_answers_the_same_for_any_address(app, cast, web, session):
    page = web.get("/login").text
    assert 'href="/password/forgot"' in page
    answers = [web.post("/password/forgot", data={"email": e})
               for e in ("nobody@example.com", "alice@example.com")]
    assert [a.status_code for a in answers] == [302, 302]
    assert len(session.scalars(select(MailOutbox)).all()) == 1


def test_reset_links_expire_and_cannot_be_forged(app, cast, web):
    with app.test_request_context():
        token = reset_token(cast.alice)
    for bad in (token[:-2] + "xx", "nonsense", token.replace(".", "", 1)):
        assert web.get(f"/password/reset/{bad}").status_code == 400
    app.config["PASSWORD_RESET_SECONDS"] = -1
    assert "expired" in web.get(f"/password/reset/{token}").text


def test_reset_requests_are_rate_limited_per_address(app, cast, make_web):
    answers = [make_web().raw.post("/api/v1/auth/password-reset", json={"email": "bob@example.com"},
                                   environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}) for n in range(5)]
    assert [a.status_code for a in answers] == [202, 202, 202, 429, 429]
    assert make_web().raw.post("/api/v1/auth/password-reset", json={"email": "alice@example.com"},
                               environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 202
    bad = make_web().raw.post("/api/v1/auth/password-reset", json={"email": 5})
    assert bad.status_code == 400


def test_an_admin_forces_a_new_password_at_next_sign_in(app, cast, make_web, web):
    alice = signed_in(make_web, cast.alice)
    admin = signed_in(make_web, cast.admin)
    assert admin.post(f"/admin/users/{cast.alice.id}/password-reset").status_code == 302
    assert alice.get("/profile").status_code == 302
    assert make_web().post(f"/admin/users/{cast.admin.id}/password-reset").status_code == 302  # to login
    assert alice.post(f"/admin/users/{cast.bob.id}/password-reset").status_code in (302, 404)
    back = make_web()
    answer = back.post("/login", data={"email": cast.alice.email, "password": PASSWORD})
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/password/reset/")
    assert back.get("/profile").status_code == 302  # not signed in until the new password is set
    token = web.raw.post("/api/v1/auth/token", json={"email": cast.alice.email, "password": PASSWORD})
    assert token.status_code == 403 and token.get_json()["error"]["code"] == "password_reset_required"
    assert back.post(answer.headers["Location"], data={"new": NEW, "confirm": NEW}).status_code == 302
    assert can_log_in(make_web, cast.alice, NEW)


def test_directory_accounts_keep_their_password_in_the_directory(app, cast, make_web, session):
    alice = signed_in(make_web, cast.alice)
    session.execute(update(User).where(User.id == cast.alice.id).values(auth_source="ldap"))
    session.commit()
    answer = alice.raw.post("/api/v1/me/password", json={"current": PASSWORD, "new": NEW},
                            headers={"X-CSRFToken": alice.csrf_token()})
    assert answer.status_code == 409
    assert make_web().raw.post("/api/v1/auth/password-reset", json={"email": "alice@example.com"}
                               ).status_code == 202
    assert session.scalars(select(MailOutbox)).all() == []  # nothing to reset here
    admin = signed_in(make_web, cast.admin)
    assert admin.post(f"/admin/users/{cast.alice.id}/password-reset").status_code == 302
    assert alice.get("/profile").status_code == 200  # refused: nobody was signed out
    assert make_web().raw.post("/api/v1/auth/password-reset", json={"email": "x"}).status_code == 400
