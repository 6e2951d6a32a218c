"""Spike alerts: is a watch rule's volume right now a surge against its own recent baseline?

Every check (each minute, ``inbox.workers.spikes``) counts the comments a rule matched in the
last ``WINDOW`` (posted in ``(now - 15 min, now]``), and compares the count with the same window
of the day on each of the previous ``BASELINE_DAYS`` days plus the ``RECENT_WINDOWS`` windows
just before it today (daily rhythm and today's level both count). The baseline is robust: its
median, and its spread from the median absolute deviation, floored by Poisson noise (√median)
and by 1, so a quiet rule is not alerted by three comments. A surge needs all of:
``MIN_COUNT`` comments, ``SIGMAS`` spreads above the median, and ``FACTOR`` times the median.

A sliding window checked every minute flags a surge as soon as it is large enough, so within
15 minutes of its start; ``COOLDOWN`` keeps one surge from alerting twice.

Pure: the caller passes the counts and a clock (``now``), so tests run a simulated month.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from intranet.search.text.analysis import TOKEN_RE, fold, token_terms

WINDOW = timedelta(minutes=15)
BASELINE_DAYS = 14
RECENT_WINDOWS = 8
MIN_COUNT = 10
SIGMAS = 6.0
FACTOR = 4.0
COOLDOWN = timedelta(hours=3)
WORDS = 8
SAMPLES = 5
MIN_LIFT = 2.0
_HANDLE = re.compile(r"[@#]\w+")


def windows(now: datetime) -> list[tuple[datetime, datetime]]:
    """The current window first, then the baseline's windows, each as (start, end]."""
    current = [(now - WINDOW, now)]
    daily = [(now - timedelta(days=d) - WINDOW, now - timedelta(days=d)) for d in range(1, BASELINE_DAYS + 1)]
    recent = [(now - WINDOW * (i + 1), now - WINDOW * i) for i in range(1, RECENT_WINDOWS + 1)]
    return current + daily + recent


def window_of(at: datetime, spans: list[tuple[datetime, datetime]]) -> int | None:
    """The index of the window holding ``at`` (the spans of ``windows`` do not overlap)."""
    for i, (start, end) in enumerate(spans):
        if start < at <= end:
            return i
    return None


@dataclass(frozen=True)
class Verdict:
    count: int
    baseline: float  # the median count of the baseline windows
    threshold: float  # the count from which it is a surge
    surge: bool


def judge(count: int, baseline_counts: Iterable[int]) -> Verdict:
    """Compare the current count with the baseline windows' counts."""
    values = list(baseline_counts) or [0]
    middle = median(values)
    spread = max(1.4826 * median(abs(v - middle) for v in values), math.sqrt(middle), 1.0)
    threshold = max(MIN_COUNT, middle + SIGMAS * spread, FACTOR * middle)
    return Verdict(count, float(middle), float(threshold), count >= threshold)


def _words(text: str) -> dict[str, str]:
    """Each kept word's first stem → its folded spelling (handles and hashtags left out)."""
    out: dict[str, str] = {}
    for word in TOKEN_RE.findall(_HANDLE.sub(" ", text)):
        terms = token_terms(word)
        if terms and not terms[0].isdigit():
            out.setdefault(terms[0], fold(word))
    return out


def distinctive_words(surge: list[str], background: list[str], n: int = WORDS,
                      rule_query: str = "") -> list[str]:
    """The words the surge's comments share far more than the rule's usual comments: those in at
    least two surge comments and ``MIN_LIFT`` times as frequent there (smoothed), most first; a
    rule with no usual comments yet: the surge's most shared words. Never the words of the rule's
    own query: every comment it matched has one, and when the baseline's windows are thin (at
    night) they looked distinctive ("acme" for the rule "acme OR ...")."""
    spelled: dict[str, Counter[str]] = {}
    in_surge: Counter[str] = Counter()
    for text in surge:
        for stem, word in _words(text).items():
            in_surge[stem] += 1
            spelled.setdefault(stem, Counter())[word] += 1
    usual: Counter[str] = Counter(stem for text in background for stem in _words(text))
    ns, nb = max(len(surge), 1), len(background)

    def lift(stem: str) -> float:
        return (in_surge[stem] / ns) / ((usual[stem] + 0.5) / (nb + 1))

    own = set(_words(rule_query))
    kept = [s for s, c in in_surge.items()
            if c >= 2 and s not in own and (not background or lift(s) >= MIN_LIFT)]
    ranked = sorted(kept, key=lambda s: (-lift(s), -in_surge[s], s))
    return [spelled[s].most_common(1)[0][0] for s in ranked[:n]]
