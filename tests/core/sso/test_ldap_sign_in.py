"""LDAP sign-in through the login form, against a real slapd: accounts created on the first
sign-in, brought up to date on each one, local accounts still theirs, the directory's refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intranet.actions.users import do_create_user, do_deactivate_user
from intranet.models import Department, Membership, User
from intranet.platform import db
from intranet.platform.directory import ldap
from tests import ldap_server
from tests.conftest import PASSWORD
from tests.core.sso.conftest import PEOPLE_LDIF
from tests.ldap_server import change


def _login(web, login, password):
    return web.post("/login", data={"email": login, "password": password})


def _account(session, email):
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def test_first_sign_in_creates_the_account_from_the_directory(web, session, directory):
    response = _login(web, "jdupont", "jeanne-pass")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert web.get("/profile").status_code == 200
    user = _account(session, "jdupont@example.com")
    assert (user.name, user.job_title, user.auth_source) == (
        "Jeanne Dupont", "Chargée de communication", "ldap")
    assert user.external_id and user.password_hash == "!"
    department = session.scalar(select(Department).where(Department.name == "Marketing"))
    assert user.department_id == department.id
    assert session.get(Membership, (department.group_id, user.id)) is not None  # its department group


def test_each_sign_in_takes_the_directory_changes(web, session, directory):
    assert _login(web, "paul.martin@example.com", "paul-pass").status_code == 302  # by e-mail too
    first = _account(session, "paul.martin@example.com")
    web.post("/logout")
    change(directory, "pmartin", title="Chef d'équipe", departmentNumber="Marketing", cn="Paul Martin-Roy",
           mail="paul.roy@example.com")
    assert _login(web, "pmartin", "paul-pass").status_code == 302
    user = _account(session, "paul.roy@example.com")
    assert user.id == first.id  # the same account, found by its entryUUID
    assert (user.name, user.job_title, user.department.name) == (
        "Paul Martin-Roy", "Chef d'équipe", "Marketing")
    assert session.scalar(select(User.id).where(User.email == "paul.martin@example.com")) is None


def test_wrong_password_unknown_login_and_filter_tricks_are_refused(web, session, directory):
    for login, password in (("jdupont", "wrong"), ("nobody", "x"), ("*", "jeanne-pass"),
                            ("jdupont)(uid=*", "jeanne-pass")):
        response = _login(web, login, password)
        assert response.status_code == 400, login
        assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert session.scalar(select(User.id).where(User.auth_source == "ldap")) is None


def test_an_empty_password_is_not_an_anonymous_bind(app, directory):
    with app.app_context():
        assert ldap.authenticate("jdupont", "") is None
        assert ldap.authenticate("jdupont", "jeanne-pass").email == "jdupont@example.com"


def test_an_entry_without_e_mail_cannot_sign_in(web, directory):
    assert _login(web, "nomail", "nomail-pass").status_code == 400


def test_local_accounts_keep_their_password_even_with_the_directory_down(web, cast, directory):
    directory.stop()
    assert _login(web, "admin@example.com", PASSWORD).status_code == 302  # local: no LDAP asked
    web.post("/logout")
    response = _login(web, "jdupont", "jeanne-pass")
    assert response.status_code == 503
    assert "directory does not answer" in response.get_data(as_text=True)


def test_a_local_account_with_the_same_e_mail_is_taken_over(app, web, session, directory):
    with app.app_context(), db.transaction() as s:
        do_create_user(s, "jdupont@example.com", "J. Dupont", PASSWORD)
    assert _login(web, "jdupont", "jeanne-pass").status_code == 302
    user = _account(session, "jdupont@example.com")
    assert (user.auth_source, user.name) == ("ldap", "Jeanne Dupont")
    web.post("/logout")
    assert _login(web, "jdupont@example.com", PASSWORD).status_code == 400  # the old password is gone


def test_a_deactivated_account_stays_out(app, web, session, cast, directory):
    assert _login(web, "jdupont", "jeanne-pass").status_code == 302
    web.post("/logout")
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, _account(s, "jdupont@example.com"), acting_user=s.get(User, cast.admin.id))
    response = _login(web, "jdupont", "jeanne-pass")
    assert response.status_code == 403
    assert "deactivated" in response.get_data(as_text=True)


def test_start_tls_checks_the_directory_certificate(app, web, session):
    if reason := ldap_server.missing_reason():
        pytest.skip(reason)
    server = ldap_server.start(PEOPLE_LDIF, tls=True)
    try:
        app.config.update(server.settings, LDAP_START_TLS=True)
        refused = _login(web, "jdupont", "jeanne-pass")  # a certificate no known CA signed
        assert refused.status_code == 503
        app.config["LDAP_CA_FILE"] = str(server.folder / "cert.pem")
        assert _login(web, "jdupont", "jeanne-pass").status_code == 302
        assert _account(session, "jdupont@example.com").auth_source == "ldap"
    finally:
        server.stop()
