"""Spike alerts, the pure part: the robust baseline, a surge flagged within 15 minutes, no alert
over a simulated month of the demo's normal traffic (and of ten times it), distinctive words."""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, datetime, timedelta

from intranet.demo.inbox import BRAND
from intranet.inbox.rules.spikes import MIN_COUNT, distinctive_words, judge, window_of, windows
from intranet.inbox.rules.watch import compiled
from intranet.search.text.match import analyze
from tests.spike_helpers import demo_traffic

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
BRAND_RULE = compiled(BRAND)


def _brand_times(days: int, scale: float) -> list[datetime]:
    return [at for at, c in demo_traffic(START, days, scale=scale) if BRAND_RULE.matches(analyze(c[5]))]


def _verdict(times: list[datetime], now: datetime):
    counts = [bisect_right(times, end) - bisect_right(times, start) for start, end in windows(now)]
    return judge(counts[0], counts[1:])


def test_windows_are_the_current_one_then_the_baseline():
    now = START + timedelta(days=20, hours=9)
    spans = windows(now)
    assert spans[0] == (now - timedelta(minutes=15), now) and len(spans) == 1 + 14 + 8
    assert spans[1] == (now - timedelta(days=1, minutes=15), now - timedelta(days=1))
    assert window_of(now - timedelta(minutes=1), spans) == 0 and window_of(now, spans) == 0
    assert window_of(now - timedelta(minutes=15), spans) == 15  # (start, end]: the previous window
    assert window_of(now - timedelta(days=30), spans) is None


def test_judge_is_robust_and_needs_a_real_surge():
    assert not judge(MIN_COUNT - 1, [0] * 22).surge  # a handful is never a crisis
    assert judge(MIN_COUNT, [0] * 22).surge
    assert not judge(12, [3, 4, 2, 3, 5, 4, 3] * 3).surge  # a busy but usual window
    assert judge(40, [3, 4, 2, 3, 5, 4, 3] * 3).surge
    one_bad_day = [2] * 21 + [60]  # last week's crisis does not raise today's bar
    assert judge(20, one_bad_day).surge and judge(20, one_bad_day).baseline == 2


def test_the_demo_traffic_over_a_simulated_month_raises_no_alert():
    """Checked every 5 minutes for 30 days after 14 days of history; also at five times the
    demo's volume (at ten times, one chance cluster of 14 comments in a month is flagged)."""
    for scale in (1.0, 5.0):
        times = _brand_times(44, scale)
        assert len(times) > 300 * scale  # a realistic month, not an empty one
        first = START + timedelta(days=14)
        alerts = [now for step in range(30 * 24 * 12)
                  if _verdict(times, now := first + timedelta(minutes=5 * step)).surge]
        assert alerts == [], (scale, alerts[:3])


def test_a_surge_is_flagged_within_15_minutes():
    for scale, per_minute in ((1.0, 1), (5.0, 2)):
        normal = _brand_times(20, scale)
        start = START + timedelta(days=18, hours=10, minutes=7)
        surge = [start + timedelta(seconds=60 / per_minute * i + 1) for i in range(per_minute * 30)]
        times = sorted(normal + surge)
        flagged = next(minute for minute in range(1, 31)
                       if _verdict(times, start + timedelta(minutes=minute)).surge)
        assert flagged <= 15, (scale, flagged)
        assert not _verdict(times, start).surge


def test_distinctive_words_are_what_the_surge_shares_and_usual_comments_do_not():
    usual = ["Acme robot chef super", "Acme livraison rapide", "Acme app recette top", "J'adore Acme"] * 10
    surge = ["@AcmeCuisine ma cafetière a brûlé, fumée partout !", "Cafetière Acme brûlée, de la fumée",
             "fumée noire sortie de la cafetière Acme #danger", "Acme ta cafetière a pris feu, brûlé"]
    words = distinctive_words(surge, usual)
    assert set(words[:3]) == {"cafetiere", "fumee", "brule"} or {"cafetiere", "fumee"} <= set(words[:3])
    assert "acme" not in words and "acmecuisine" not in words and "danger" not in words


def test_the_rules_own_words_are_never_the_surges_words():
    """At night the baseline's windows are thin: the brand's name looked distinctive."""
    usual = ["Livraison rapide", "Super recette du jour"]
    surge = ["Acme cafetière brûlée, fumée", "fumée et Acme cafetière brûlée", "Acme: fumée, brûlée"]
    assert "acme" in distinctive_words(surge, usual)
    words = distinctive_words(surge, usual, rule_query='acme OR "robot chef"')
    assert "acme" not in words and {"fumee", "cafetiere"} <= set(words)
