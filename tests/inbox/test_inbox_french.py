"""The inbox in French and in local time (issue 19): words that agree, numbers written the
French way by Babel, no "Service Service client", the forwarding source translated, the
escalation deadline and the dashboard's days in the app's time zone (Paris), not UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import force_locale

from intranet.inbox.actions.cases import escalation_markdown
from intranet.inbox.queries import dashboard
from intranet.inbox.rules.triage import describe
from intranet.models import Case, Sentiment, User
from intranet.platform import db
from tests.case_helpers import inbox_cast, make_case, make_source

NNBSP, NBSP = "\u202f", "\u00a0"
JSON = {"Accept": "application/json"}


def _french(app, user) -> None:
    with app.app_context(), db.transaction() as s:
        s.get(User, user.id).locale = "fr"


def test_reasons_agree_and_numbers_are_written_the_french_way(app):
    tone = {"code": "sentiment", "params": {"sentiment": "negative", "lang": "fr"}}
    reach = {"code": "reach", "params": {"followers": 1200}}
    with app.test_request_context():
        with force_locale("fr"):
            assert describe(tone) == "Tonalité : négatif (français)."  # no gender to agree with
            expected = f"L'auteur a une large audience (1{NNBSP}200 abonnés)."
            assert describe(reach).replace(NBSP, NNBSP) == expected
        with force_locale("en"):
            assert describe(reach) == "The author has a large audience (1,200 followers)."


def test_case_page_and_service_page_in_french(app, cast, web):
    ic = inbox_cast(app, cast)
    forwarded = make_source(app, slug="forwarded", name="Forwarded by colleagues")
    case = make_case(app, forwarded, cast.service, text="Vu sur un forum")
    _french(app, ic.sam)
    web.login(ic.sam)
    html = web.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert "Forwarded by colleagues" not in html and "Transmis par des collègues" in html
    assert f"1{NNBSP}200 abonnés" in html.replace(NBSP, NNBSP)
    assert "Aiguillé vers Service client" in html and "Service Service client" not in html
    web.post(f"/inbox/cases/{case.id}/triage", json={"sentiment": "positive"}, headers=JSON)
    html = web.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert "tonalité : Négatif → Positif" in html.replace(NBSP, " ")
    _french(app, cast.admin)
    admin_page = web.__class__(app, app.test_client()).login(cast.admin)
    service = admin_page.get(f"/inbox/services/{cast.service.id}").get_data(as_text=True)
    assert "<h1>Service client</h1>" in service and "Service Service client" not in service


def test_the_escalation_deadline_is_in_local_time(app, cast):
    ic = inbox_cast(app, cast)
    due = datetime(2026, 1, 15, 13, 30, tzinfo=UTC)  # 14:30 in Paris (winter)
    with app.test_request_context(), db.transaction() as s:
        case = s.get(Case, ic.case.id)
        case.resolution_due = due
        with force_locale("fr"):
            text = escalation_markdown(case)
            assert "Échéance : 15 janv. 2026 14:30 (heure d’Europe centrale)." in text.replace(NBSP, " ")
            assert "UTC" not in text
        with force_locale("en"):
            assert "Due: Jan 15, 2026 2:30\u202fPM (Central European Time)." in escalation_markdown(case) \
                or "Due: Jan 15, 2026 2:30 PM (Central European Time)." in escalation_markdown(case)


def test_dashboard_days_are_local_days(app, cast):
    ic = inbox_cast(app, cast)
    at = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)
    late_evening = datetime(2026, 1, 14, 23, 30, tzinfo=UTC)  # 00:30 on the 15th in Paris
    make_case(app, ic.source, cast.service, sentiment=Sentiment.NEGATIVE, created=late_evening,
              now=late_evening)
    with app.test_request_context():
        stats = dashboard.stats(db.session(), {cast.service.id}, at)
    counts = dict(stats.volume_rows())
    assert counts.get("2026-01-15") == [1] and "2026-01-14" not in counts
    assert stats.days[-1] == "2026-01-20" and len(stats.days) == dashboard.DAYS
