"""Invitations and self-registration through signed, expiring, single-use links, read from the
mails a real SMTP server received."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from intranet.models import Invitation, MailOutbox, User, utcnow
from intranet.platform.auth import authenticate
from tests.conftest import PASSWORD
from tests.mail_helpers import html_part, text_part


def _link(msg, pattern):
    return re.search(rf"http://localhost(/{pattern}/[^\s<\"]+)", text_part(msg)).group(1)


def test_an_invitee_sets_name_and_password_and_is_logged_in(app, web, make_web, cast, smtp_server,
                                                            send_mail, session):
    admin = web.login(cast.admin)
    answer = admin.post("/admin/invitations", data={"email": "Nina@Example.com", "name": "Nina",
                                                    "department_id": str(cast.marketing.id)})
    assert answer.status_code == 302
    send_mail()
    [msg] = smtp_server.to("nina@example.com")
    assert msg["Subject"] == "Ada Admin invites you to the intranet"
    assert "Join the intranet" in html_part(msg)
    link = _link(msg, "invite")
    guest = make_web()
    form = guest.get(link).get_data(as_text=True)
    assert "Your account will be nina@example.com." in form and 'value="Nina"' in form
    weak = guest.post(link, data={"name": "Nina Roy", "password": "password123", "confirm": "password123"})
    assert weak.status_code == 400 and "most common or leaked" in weak.get_data(as_text=True)
    assert session.scalar(select(User).where(User.email == "nina@example.com")) is None  # link still valid
    done = guest.post(link, data={"name": "Nina Roy", "password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/")
    assert guest.get("/profile").status_code == 200  # logged in
    user = session.scalar(select(User).where(User.email == "nina@example.com"))
    assert user.name == "Nina Roy" and user.department_id == cast.marketing.id
    assert make_web().get(link).status_code == 404  # single use
    assert session.scalar(select(Invitation.used_at)) is not None


def test_a_link_expires_and_a_new_invitation_voids_the_old_one(app, web, make_web, cast, smtp_server,
                                                               send_mail, session):
    admin = web.login(cast.admin)
    admin.post("/admin/invitations", data={"email": "omar@example.com", "department_id": "0"})
    admin.post("/admin/invitations", data={"email": "omar@example.com", "department_id": "0"})
    send_mail()
    first, second = (_link(m, "invite") for m in smtp_server.to("omar@example.com"))
    guest = make_web()
    assert guest.get(first).status_code == 404
    assert guest.get(second).status_code == 200
    session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    expired = guest.get(second)
    assert expired.status_code == 404 and "not valid any more" in expired.get_data(as_text=True)
    assert guest.get("/invite/forged.token").status_code == 404


def test_inviting_someone_who_has_an_account_is_refused(web, cast, session):
    answer = web.login(cast.admin).post("/admin/invitations", data={"email": "alice@example.com",
                                                                     "department_id": "0"})
    assert answer.status_code == 409
    assert "An account with this e-mail already exists." in answer.get_data(as_text=True)
    assert session.scalar(select(MailOutbox.id)) is None


def test_a_csv_list_invites_each_good_line_and_reports_the_others(web, cast, smtp_server, send_mail):
    listing = ("email,name,department\n"
               "paul@example.com,Paul Roux,Marketing\n"
               "not-an-address,Nobody,\n"
               "quinn@example.com,Quinn,Nowhere\n"
               "rita@example.com\n"
               "alice@example.com,Alice again,\n")
    page = web.login(cast.admin).post("/admin/invitations", data={"csv": listing, "department_id": "0"})
    html = page.get_data(as_text=True)
    assert "Invitation sent to 2 address(es)." in html
    assert "Line 3" in html and "Line 4" in html and "No department is called Nowhere." in html
    assert "Line 6" in html and "already exists" in html
    send_mail()
    assert sorted(m["To"] for m in smtp_server.messages) == ["paul@example.com", "rita@example.com"]


def test_only_admins_invite(web, cast):
    answer = web.login(cast.alice).post("/admin/invitations", data={"email": "x@example.com"})
    assert answer.status_code == 404


def test_self_registration_creates_the_account_when_the_address_is_confirmed(app, make_web, cast, smtp_server,
                                                                              send_mail, session):
    browser = make_web()
    answer = browser.post("/register", data={"name": "Zoé Petit", "email": "zoe@example.com",
                                             "password": PASSWORD, "confirm": PASSWORD},
                          headers={"Accept-Language": "fr"})
    assert answer.status_code == 202 and "Consultez votre messagerie" in answer.get_data(as_text=True)
    assert session.scalar(select(User).where(User.email == "zoe@example.com")) is None
    send_mail()
    [msg] = smtp_server.to("zoe@example.com")
    assert msg["Subject"] == "Confirmez votre adresse e-mail"  # the language of the page
    link = _link(msg, "register/confirm")
    page = browser.get(link, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Créer le compte de Zoé Petit" in page
    assert session.scalar(select(User).where(User.email == "zoe@example.com")) is None  # GET only asks
    confirmed = browser.post(link)
    assert confirmed.status_code == 302
    assert browser.get("/profile").status_code == 200
    with app.app_context():
        assert authenticate("zoe@example.com", PASSWORD) is not None  # the password chosen then
    assert session.scalar(select(Invitation.password_hash)) is None  # the hash is not kept
    assert make_web().post(link).status_code == 404


def test_registering_an_address_that_has_an_account_says_nothing_on_the_page(make_web, cast, smtp_server,
                                                                             send_mail):
    answer = make_web().post("/register", data={"name": "Alice", "email": "alice@example.com",
                                                "password": PASSWORD, "confirm": PASSWORD})
    assert answer.status_code == 202
    send_mail()
    [msg] = smtp_server.to("alice@example.com")
    assert msg["Subject"] == "You already have an account"
    assert "/login" in text_part(msg)
