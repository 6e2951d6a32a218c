"""An invitation, as the invitee lives it: an administrator invites an address, the mail's link
opens a page where the newcomer chooses name and password, and they land on the home feed."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from intranet.models import MailOutbox
from intranet.platform import db
from tests.browser.helpers import chromium_missing_reason, on_server_database, wait_live

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


def _mail_text(live_server, address: str) -> str:
    """The queued mail (the server has no SMTP server configured: mails wait in the outbox)."""
    with on_server_database(live_server):
        text = db.session.scalar(select(MailOutbox.text).where(MailOutbox.to_addr == address))
    assert text, f"no mail queued for {address}"
    return text


def test_follow_an_invitation_set_a_password_and_land_on_the_home_page(open_browser, live_server):
    address = f"newcomer-{secrets.token_hex(4)}@example.com"
    admin = open_browser("admin").page
    admin.goto("/admin/invitations")
    admin.get_by_label("E-mail").fill(address)
    admin.get_by_label("Name", exact=True).fill("Noé Newcomer")
    admin.get_by_role("button", name="Send the invitations").click()
    expect(admin.get_by_text("Invitation sent to 1 address(es).")).to_be_visible()
    expect(admin.get_by_role("cell", name=address)).to_be_visible()

    link = re.search(r"https?://\S+/invite/\S+", _mail_text(live_server, address)).group(0)
    assert link.startswith(live_server.url)
    page = open_browser(login=False).page
    page.goto(link)
    expect(page.get_by_role("heading", name="Join the intranet")).to_be_visible()
    expect(page.get_by_text(f"Your account will be {address}.")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Noé Newcomer")
    page.get_by_label("Password", exact=True).fill("a long new password")
    page.get_by_label("Repeat the password").fill("a long new password")
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Latest posts")).to_be_visible()
    expect(page.locator(".me-name")).to_have_text("Noé Newcomer")
    wait_live(page)
    page.goto(link)  # the link worked once
    expect(page.get_by_text("This link is not valid any more.")).to_be_visible()
