"""A forgotten password, as a person lives it: "forgot password" on the login page, the link from
the mail (read from the durable outbox: the browser server sends no mail), a new password, and
signing in with it. A colleague of their own, so the other tests' signed-in people stay signed in."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from intranet import create_app
from intranet.actions.users import do_create_user
from intranet.models import MailOutbox
from intranet.platform import db
from tests.browser.helpers import PASSWORD, chromium_missing_reason, log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser
NEW = "trois pommes et un vélo"


def test_forgot_password_then_reset_then_sign_in(open_browser, live_server):
    email = f"forgetful-{secrets.token_hex(4)}@example.com"
    app = create_app(dict(live_server.config))
    with app.app_context(), db.transaction() as s:
        do_create_user(s, email, "Fabien Oubli", PASSWORD)
    page = open_browser(login=False).page
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.locator("#email").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("If an account uses this address")).to_be_visible()

    with app.app_context():
        text = db.session.scalar(select(MailOutbox.text).where(MailOutbox.to_addr == email))
        db.engine().dispose()
    link = re.search(r"https?://\S+/password/reset/\S+", text).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.locator("#new").fill("1234567890")
    page.locator("#confirm").fill("1234567890")
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_text("one of the most common or leaked")).to_be_visible()
    page.locator("#new").fill(NEW)
    page.locator("#confirm").fill(NEW)
    page.get_by_role("button", name="Save my new password").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("Your password is changed. Log in with it.")).to_be_visible()

    log_in(page, email, NEW)
    expect(page.locator(".me-name")).to_have_text("Fabien Oubli")
    page.goto(link)  # the link worked once
    expect(page.get_by_text("invalid, expired or already used")).to_be_visible()
