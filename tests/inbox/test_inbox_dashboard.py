"""The dashboard's numbers: volume by day and source, sentiment share, share of voice, median
response and resolution times, SLA breaches, per service; and who may open it."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape

from intranet.models import Case, CommentMatch, RuleKind, Sentiment, WatchRule, utcnow
from intranet.platform import db
from tests.case_helpers import inbox_cast, make_case, make_source


def _stamp(app, case, **values) -> None:
    with app.app_context(), db.transaction() as s:
        row = s.get(Case, case.id)
        for key, value in values.items():
            setattr(row, key, value)


def _match(app, case, kind: RuleKind) -> None:
    with app.app_context(), db.transaction() as s:
        rule = s.query(WatchRule).filter_by(kind=kind).first()
        if rule is None:
            rule = WatchRule(name=kind.value, query=kind.value, kind=kind)
            s.add(rule)
            s.flush()
        s.add(CommentMatch(comment_id=case.comment_id, rule_id=rule.id, terms=[]))


def test_dashboard_numbers(app, cast, web, make_web):
    ic = inbox_cast(app, cast)  # one negative case of Service client, created now
    now = utcnow()
    reviews = make_source(app, slug="reviews", name="Reviews")
    yesterday = now - timedelta(days=1)
    a = make_case(app, reviews, cast.service, sentiment=Sentiment.POSITIVE, created=yesterday, now=yesterday)
    b = make_case(app, ic.source, cast.service, sentiment=Sentiment.NEGATIVE, created=yesterday,
                  now=yesterday, first_due_in=timedelta(minutes=-5))  # late, still open
    m = make_case(app, ic.source, cast.marketing, sentiment=Sentiment.NEUTRAL)
    _stamp(app, a, first_response_at=yesterday + timedelta(minutes=30),
           resolved_at=yesterday + timedelta(hours=2), status="resolved", breaches=["resolution"])
    _stamp(app, ic.case, first_response_at=now + timedelta(minutes=10))
    for case, kind in ((a, RuleKind.BRAND), (b, RuleKind.BRAND), (m, RuleKind.COMPETITOR)):
        _match(app, case, kind)
    web.login(cast.admin)
    page = web.get(f"/inbox/dashboard?service={cast.service.id}").get_data(as_text=True)
    stats = json.loads(unescape(re.search(r'data-stats="([^"]*)"', page).group(1)))
    assert stats["sentiment"] == {"negative": 2, "positive": 1}
    assert stats["voice"] == {"brand": 2, "competitor": 1}  # share of voice is company-wide
    assert sum(sum(v) for v in stats["by_source"].values()) == 3
    assert stats["by_source"]["x @brand"][-2:] == [1, 1] and stats["by_source"]["Reviews"][-2:] == [1, 0]
    assert 'data-kpi="total">3<' in page
    assert 'data-kpi="first_response">20 minutes<' in page  # median of 30 and 10 minutes
    assert 'data-kpi="resolution">2 hours<' in page
    assert 'data-kpi="breach_resolution">1<' in page and 'data-kpi="open_late">1<' in page
    row = re.search(rf'<tr data-service-id="{cast.service.id}">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[:3] == ["3", "2", "2"]  # volume, open, breached
    assert "chart.umd.min.js" in page and "<script>" not in page
    # every service of mine without a filter; marketing's lead sees only marketing
    lea = make_web().login(cast.lea)
    lea_page = lea.get("/inbox/dashboard").get_data(as_text=True)
    assert f'data-service-id="{cast.marketing.id}"' in lea_page
    assert f'data-service-id="{cast.service.id}"' not in lea_page
    assert lea.get(f"/inbox/dashboard?service={cast.service.id}").status_code == 400
    assert make_web().login(cast.alice).get("/inbox/dashboard").status_code == 404
