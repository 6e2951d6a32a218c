"""The audit log in words (English and French), its filters and its CSV export (UTF-8 with BOM)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import update

from intranet.actions.common import audit
from intranet.models import AuditLog, utcnow
from intranet.platform import db
from tests.api_helpers import api_clients, conforms


def _story(app, cast, api=None):
    api = api or api_clients(app, cast)
    api["admin"]("POST", f"/admin/people/{cast.bob.id}/deactivate")
    api["admin"]("PATCH", f"/admin/people/{cast.alice.id}", {"job_title": "Director"})
    with app.app_context(), db.transaction() as s:
        audit(s, s.merge(cast.admin), "people.import", "import", 1, created=100, updated=20, unchanged=0,
              errors=2, lines=122)
        audit(s, None, "some.new_action", "thing", 7)


def test_log_reads_as_sentences_in_both_languages(app, web, cast):
    _story(app, cast)
    web.login(cast.admin)
    page = web.get("/admin/audit").get_data(as_text=True)
    assert "Ada Admin deactivated Bob Durand" in page
    assert "Ada Admin changed job title of Alice Martin" in page
    assert "Ada Admin imported 120 people (100 new, 20 updated, 2 lines refused)" in page
    assert "The system: some.new_action (thing #7)" in page
    assert "changes=" not in page and "to=" not in page
    fr = web.get("/admin/audit", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Ada Admin a désactivé Bob Durand" in fr
    assert "Ada Admin a importé 120 personnes (100 nouvelles, 20 mises à jour, 2 lignes refusées)" in fr
    assert "Le système : some.new_action (thing #7)" in fr


def test_filters_by_person_action_and_date(app, web, cast):
    _story(app, cast)
    with app.app_context(), db.transaction() as s:
        s.execute(update(AuditLog).where(AuditLog.action == "some.new_action")
                  .values(created_at=utcnow() - timedelta(days=10)))
    web.login(cast.admin)
    by_action = web.get("/admin/audit?action=user.deactivate").get_data(as_text=True)
    assert "deactivated Bob Durand" in by_action and "imported" not in by_action
    by_person = web.get(f"/admin/audit?person={cast.bob.id}").get_data(as_text=True)
    assert "deactivated" not in by_person  # what Bob did, not what was done to him
    assert "Bob Durand created the account of Bob Durand" in by_person  # the cast's accounts
    assert "Nothing recorded matches." in web.get("/admin/audit?action=user.delete").get_data(as_text=True)
    today = utcnow().date()
    recent = web.get(f"/admin/audit?since={today}").get_data(as_text=True)
    sentence = "The system: some.new_action (thing #7)"
    assert "deactivated Bob" in recent and sentence not in recent
    old = web.get(f"/admin/audit?until={today - timedelta(days=5)}").get_data(as_text=True)
    assert sentence in old and "deactivated Bob" not in old
    assert web.get("/admin/audit?since=yesterday&person=abc").status_code == 200  # ignored, not a 500


def test_csv_export_has_a_bom_and_the_same_filters(app, web, cast):
    _story(app, cast)
    web.login(cast.admin)
    resp = web.get("/admin/audit.csv?action=user.deactivate", headers={"Accept-Language": "fr"})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    raw = resp.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Quand (UTC)", "Qui", "Quoi"]
    assert [r[2] for r in rows[1:]] == ["Ada Admin a désactivé Bob Durand"]
    assert rows[1][1] == "Ada Admin" and rows[1][3] == "user.deactivate"
    web.login(cast.lea)
    assert web.get("/admin/audit.csv").status_code == 404


def test_csv_export_walks_every_row(app, web, cast, monkeypatch):
    monkeypatch.setattr("intranet.views.people_admin.audit.CSV_CHUNK", 7)
    with app.app_context(), db.transaction() as s:
        for n in range(30):
            audit(s, None, "test.row", "test", n)
    web.login(cast.admin)
    rows = list(csv.reader(io.StringIO(web.get("/admin/audit.csv?action=test.row").get_data()
                                       .decode("utf-8-sig"))))
    assert [int(r[5]) for r in rows[1:]] == list(range(29, -1, -1))


def test_api_audit_in_words_with_filters_and_pages(app, cast):
    api = api_clients(app, cast)
    _story(app, cast, api)
    status, data = api["admin"]("GET", "/admin/audit?action=user.deactivate")
    assert status == 200
    conforms(data, "AuditPage")
    [entry] = data["items"]
    assert entry["text"] == "Ada Admin deactivated Bob Durand" and entry["actor"]["id"] == cast.admin.id
    status, data = api["admin"]("GET", "/admin/audit?limit=2")
    assert len(data["items"]) == 2 and data["next_before"] == data["items"][1]["id"]
    more = api["admin"]("GET", f"/admin/audit?limit=2&before={data['next_before']}")[1]
    assert all(item["id"] < data["next_before"] for item in more["items"])
    assert api["admin"]("GET", "/admin/audit?limit=0")[0] == 400
    assert api["lea"]("GET", "/admin/audit")[0] == 404
