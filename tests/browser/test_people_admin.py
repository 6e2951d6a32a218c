"""The administrator imports people from a CSV file in Chromium: the progress page follows the
import by itself, then shows the counts and refused lines; the people pages are clean (no script
error, nothing refused by the CSP) and fit a 390 px phone screen."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import chromium_missing_reason

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


def test_import_shows_progress_then_the_outcome(open_browser, tmp_path):
    admin = open_browser("admin")
    page = admin.page
    token = secrets.token_hex(3)
    lines = [f"p{token}-{n}@example.com;Personne {n};Testeur;Marketing;non"
             for n in range(250)]  # two batches
    csv_file = tmp_path / "staff.csv"
    csv_file.write_text("email;nom;poste;service;admin\n" + "\n".join([*lines, "broken;Nobody;;;"]) + "\n",
                        encoding="utf-8")
    page.goto("/admin/people/import")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/people/import/\d+$"))
    expect(page.locator("[data-import-progress]")).to_be_visible()
    expect(page.get_by_text("Done: 250 created, 0 updated, 0 unchanged, 1 lines refused.")).to_be_visible(
        timeout=120_000)  # a wait, not a measure: the shared test machine may be busy
    expect(page.get_by_role("cell", name="This is not a valid e-mail address.")).to_be_visible()
    assert page.locator("[data-import-progress]").get_attribute("value") == "251"
    assert admin.errors == [] and admin.csp_violations() == []


@pytest.mark.parametrize("path", ["/admin/people/import", "/admin/retention", "/admin/audit", "/admin/users"])
def test_people_pages_fit_a_phone_and_are_clean(open_browser, path):
    admin = open_browser("admin")
    page = admin.page
    page.set_viewport_size({"width": 390, "height": 800})
    admin.errors.clear()
    response = page.goto(path)
    assert response is not None and response.ok
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than the screen"
    assert admin.errors == [] and admin.csp_violations() == []
