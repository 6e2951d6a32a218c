"""An incident live in the browser: comments telling the same outage arrive through the signed
webhook, the incident page counts them and lists their sources as they come (no reload, the
typed reply kept), a wrongly grouped case is detached from the keyboard, and the page fits a
390 px phone."""

from __future__ import annotations

import secrets
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from intranet.models import IncidentMember
from intranet.platform import db
from tests.browser.helpers import (
    chromium_missing_reason,
    mark_page,
    on_server_database,
    still_same_page,
    wait_live,
)
from tests.browser.test_inbox_flow import _arrange, _post_webhook

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


def _incident_id(live_server, external_id_prefix: str, want: int) -> int:
    """Wait for the processing worker to group ``want`` comments; the incident's id."""
    deadline = time.monotonic() + 20
    with on_server_database(live_server):
        while time.monotonic() < deadline:
            rows = db.session.execute(select(IncidentMember.incident_id).where(
                IncidentMember.detached_at.is_(None)).order_by(IncidentMember.incident_id.desc())).all()
            counts: dict[int, int] = {}
            for (incident_id,) in rows:
                counts[incident_id] = counts.get(incident_id, 0) + 1
            found = [i for i, n in counts.items() if n >= want]
            if found:
                return max(found)
            db.session.remove()
            time.sleep(0.2)
    raise AssertionError(f"no incident of {want} for {external_id_prefix}")


def test_incident_counts_live_and_detaches_from_the_keyboard(open_browser, live_server):
    token = secrets.token_hex(3)
    arranged = _arrange(live_server, token, "")
    said = [f"@acme{token} le site est en panne, impossible de me connecter depuis ce matin",
            f"Panne du site acme{token} ?? impossible de se connecter",
            f"acme{token} site en panne, impossible de me connecter, c'est pénible",
            f"acme{token} encore une panne du site, impossible de se connecter"]
    for n, text in enumerate(said[:2]):
        _post_webhook(live_server.url, arranged.slug, arranged.secret,
                      {"external_id": f"inc-{token}-{n}", "author": f"cust{n}_{token}", "text": text})
    incident_id = _incident_id(live_server, token, 2)

    bob = open_browser("bob")
    bob.page.set_viewport_size({"width": 390, "height": 844})
    bob.page.goto(f"/inbox/incidents/{incident_id}")
    wait_live(bob.page)
    mark_page(bob.page)
    expect(bob.page.locator("[data-incident-size]")).to_have_text("2 customers")
    reply = bob.page.get_by_label("Your reply (public)")
    reply.fill(f"We know, fixing it ({token})")
    for n, text in enumerate(said[2:], start=2):
        _post_webhook(live_server.url, arranged.slug, arranged.secret,
                      {"external_id": f"inc-{token}-{n}", "author": f"cust{n}_{token}", "text": text})
    expect(bob.page.locator("[data-incident-size]")).to_have_text("4 customers", timeout=20_000)
    expect(bob.page.locator("[data-incident-sources]")).to_contain_text(f"X {token}: 4")
    assert still_same_page(bob.page)
    expect(reply).to_have_value(f"We know, fixing it ({token})")  # typed text survives the refresh
    width = bob.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], width

    detach = bob.page.locator("[data-incident-cases] form button").first
    detach.focus()
    bob.page.keyboard.press("Enter")
    expect(bob.page.locator("[data-incident-size]")).to_have_text("3 customers")
    expect(bob.page.locator(".flash")).to_contain_text("own clock")
    assert bob.csp_violations() == [] and bob.errors == []
