"""The admin's mail page: where mails go, or that nothing is sent; counts and failures."""

from __future__ import annotations

from intranet.actions.mail import queue_mail
from intranet.platform import db


def _queue(app, to="x@example.com"):
    with app.app_context(), db.transaction() as s:
        queue_mail(s, to=to, subject="Hi", text="t")


def test_the_page_says_when_no_server_is_configured(app, web, cast):
    _queue(app)
    page = web.login(cast.admin).get("/admin/mail").get_data(as_text=True)
    assert "No mail server is configured: no e-mail is sent." in page
    assert "INTRANET_MAIL_SERVER" in page


def test_the_page_in_french_names_the_server_and_the_failures(app, web, cast, smtp_server, send_mail):
    smtp_server.refuse = True
    _queue(app, to="gone@example.com")
    send_mail()
    page = web.login(cast.admin).get("/admin/mail", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert f"Les courriels partent par 127.0.0.1, port {smtp_server.port}" in page
    assert "Derniers échecs" in page and "gone@example.com" in page and "550" in page


def test_only_admins_see_it(web, cast):
    assert web.login(cast.alice).get("/admin/mail").status_code == 404
