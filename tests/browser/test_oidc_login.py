"""OpenID Connect in Chromium: "Sign in with Example ID" on the login page, the provider's own
login form (tests/oidc_provider.py on 127.0.0.1), back on the home page signed in, the profile
filled from the claims. The app runs under gunicorn with its OIDC settings, as in production."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import expect

from intranet.platform.config import ROOT
from tests import oidc_provider
from tests.browser.conftest import _server_config, _wait_for_port, _wait_until_serving
from tests.browser.helpers import CSP_RECORDER, DEFAULT_TIMEOUT_MS, wait_live

pytestmark = pytest.mark.browser

MARIE = oidc_provider.Account("u-2001", "marie-pass", {
    "name": "Marie Sklodowska", "email": "marie.s@example.com", "email_verified": True,
    "job_title": "Physicienne", "department": "Laboratoire"})


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory: pytest.TempPathFactory, databases: Any,
               live_server: SimpleNamespace) -> Iterator[SimpleNamespace]:
    """The provider, and the app under gunicorn configured to sign in through it."""
    provider = oidc_provider.start([MARIE], redirect_uri="")
    folder = tmp_path_factory.mktemp("oidc")
    config = {**_server_config(folder, databases.new(folder, dedicated=True)),
              **oidc_provider.settings(provider)}
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTRANET_")}
    env.update({f"INTRANET_{k}": v for k, v in config.items()})
    log = folder / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "-w", "1", "--threads", "8",
             "-b", "127.0.0.1:0", "--graceful-timeout", "2", "--no-control-socket", "wsgi:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{_wait_for_port(log, proc)}"
        provider.client.redirect_uri = f"{url}/login/oidc/callback"
        _wait_until_serving(url)
        yield SimpleNamespace(url=url, provider=provider, log=log)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        provider.stop()
    assert "Traceback" not in log.read_text(errors="replace")


def test_sign_in_with_the_provider_lands_signed_in_with_the_claims(browser: Any,
                                                                   sso_server: SimpleNamespace) -> None:
    context = browser.new_context(base_url=sso_server.url, locale="en-GB",
                                  viewport={"width": 390, "height": 844})  # a phone
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.add_init_script(CSP_RECORDER)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto("/login")
        page.get_by_role("link", name="Sign in with Example ID").click()
        page.wait_for_url(re.compile(re.escape(sso_server.provider.issuer) + "/authorize"))
        page.get_by_label("Username").fill("u-2001")
        page.get_by_label("Password").fill("marie-pass")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"{sso_server.url}/")
        wait_live(page)
        sent = sso_server.provider.seen[0]
        assert sent["code_challenge_method"] == "S256" and sent["nonce"] and sent["state"]
        page.goto("/profile")
        expect(page.locator("#name")).to_have_value("Marie Sklodowska")
        expect(page.locator("#job_title")).to_have_value("Physicienne")
        expect(page.get_by_role("main").get_by_text("Laboratoire")).to_be_visible()  # the rail has it too
        assert page.evaluate("window.__cspViolations || []") == []
        assert errors == []
    finally:
        context.close()
