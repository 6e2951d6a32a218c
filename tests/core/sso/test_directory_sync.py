"""`flask --app wsgi directory sync` against a real slapd: updates, new departments, people
removed from the directory deactivated (never local accounts), counts, and a second run that
changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from intranet.actions.users import do_create_user
from intranet.models import Department, User
from intranet.platform import db
from tests.conftest import PASSWORD
from tests.ldap_server import change, remove


def _sync(app, *args):
    result = app.test_cli_runner().invoke(args=["directory", "sync", *args])
    return result.exit_code, result.output


def _people(session):
    session.expire_all()
    return {u.email: u for u in session.scalars(select(User))}


def test_sync_creates_updates_deactivates_and_is_idempotent(app, session, cast, directory):
    code, out = _sync(app, "--create")
    assert code == 0, out
    assert "2 people in the directory: 2 created, 0 updated" in out  # the entry without e-mail is skipped
    change(directory, "jdupont", title="Directrice marketing", departmentNumber="Recherche")
    remove(directory, "pmartin")
    code, out = _sync(app)
    assert code == 0, out
    assert "1 people in the directory: 0 created, 1 updated, 0 unchanged" in out
    assert "1 department(s) created; 1 deactivated." in out
    people = _people(session)
    jeanne, paul = people["jdupont@example.com"], people["paul.martin@example.com"]
    assert (jeanne.job_title, jeanne.department.name) == ("Directrice marketing", "Recherche")
    assert session.scalar(select(Department.group_id).where(Department.name == "Recherche")) is not None
    assert paul.is_active_account is False
    assert all(people[e].is_active_account for e in ("admin@example.com", "alice@example.com"))  # local
    code, again = _sync(app)
    assert code == 0
    assert ("0 created, 0 updated, 1 unchanged, 0 not signed in yet; 0 department(s) created; "
            "0 deactivated.") in again


def test_without_create_people_who_never_signed_in_are_only_counted(app, session, directory):
    code, out = _sync(app)
    assert code == 0, out
    assert "0 created, 0 updated, 0 unchanged, 2 not signed in yet" in out
    assert not [u for u in _people(session).values() if u.auth_source == "ldap"]


def test_the_break_glass_admin_is_never_deactivated(app, session, directory):
    app.config["BREAK_GLASS_ADMIN"] = "paul.martin@example.com"
    assert _sync(app, "--create")[0] == 0
    remove(directory, "pmartin")
    code, out = _sync(app)
    assert code == 0 and "0 deactivated" in out
    assert _people(session)["paul.martin@example.com"].is_active_account


def test_an_empty_directory_changes_nothing_unless_allowed(app, session, directory):
    assert _sync(app, "--create")[0] == 0
    app.config["LDAP_BASE_DN"] = "ou=departments,dc=example,dc=com"  # a wrong base: nobody there
    code, out = _sync(app)
    assert code == 1 and "lists nobody" in out
    assert all(u.is_active_account for u in _people(session).values())
    code, out = _sync(app, "--allow-empty")
    assert code == 0 and "2 deactivated" in out


def test_a_taken_e_mail_is_skipped_and_the_rest_goes_on(app, session, directory):
    assert _sync(app, "--create")[0] == 0
    with app.app_context(), db.transaction() as s:
        do_create_user(s, "someone@example.com", "Someone Else", PASSWORD)
    change(directory, "jdupont", mail="someone@example.com")
    change(directory, "pmartin", title="Chef magasinier")
    code, out = _sync(app)
    assert code == 0
    assert "1 updated" in out and "Skipped someone@example.com" in out
    people = _people(session)
    assert people["paul.martin@example.com"].job_title == "Chef magasinier"
    assert people["jdupont@example.com"].is_active_account  # still listed, under its old e-mail


def test_a_directory_that_does_not_answer_is_an_error_not_a_purge(app, session, directory):
    assert _sync(app, "--create")[0] == 0
    directory.stop()
    code, out = _sync(app)
    assert code == 1 and "unreachable" in out
    assert all(u.is_active_account for u in _people(session).values())


def test_sync_without_ldap_settings_says_what_to_set(app):
    code, out = _sync(app)
    assert code == 1 and "INTRANET_LDAP_URL" in out


def test_an_account_made_before_sign_on_is_taken_over_by_its_e_mail(app, session, directory):
    with app.app_context(), db.transaction() as s:
        do_create_user(s, "paul.martin@example.com", "P. Martin", PASSWORD)
    code, out = _sync(app)
    assert code == 0 and "0 created, 1 updated, 0 unchanged, 1 not signed in yet" in out
    paul = _people(session)["paul.martin@example.com"]
    assert (paul.auth_source, paul.name, paul.department.name) == ("ldap", "Paul Martin", "Logistique")
    assert "0 created, 0 updated, 1 unchanged" in _sync(app)[1]
