"""The demo's normal traffic, replayed over any period: its comments, at its own rate (58
public comments in 140 hours, about 10 a day), with a daily rhythm (quiet nights, busy
evenings), busier weekends, and small reply threads (a comment followed by 1-3 more within
ten minutes), from a seeded random source so every run is the same."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from intranet.demo.inbox_texts import COMMENTS

DEMO_PER_DAY = len(COMMENTS) / (max(c[4] for c in COMMENTS) / 24)
HOURLY = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 0.9, 1.2, 1.3, 1.3, 1.4,
          1.5, 1.4, 1.3, 1.3, 1.4, 1.6, 1.9, 2.0, 1.8, 1.4, 0.9, 0.5]
THREAD_CHANCE = 0.15


def demo_traffic(start: datetime, days: int, *, scale: float = 1.0, seed: int = 7
                 ) -> Iterator[tuple[datetime, tuple]]:
    """(posted time, demo comment) in time order over ``days`` from ``start``."""
    rnd = random.Random(seed)
    out = []
    norm = sum(HOURLY)
    for hour in range(days * 24):
        at = start + timedelta(hours=hour)
        weekend = 1.3 if at.weekday() >= 5 else 1.0
        rate = DEMO_PER_DAY * scale * weekend * HOURLY[at.hour] / norm
        for _ in range(_poisson(rnd, rate)):
            posted = at + timedelta(seconds=rnd.uniform(0, 3600))
            out.append((posted, rnd.choice(COMMENTS)))
            if rnd.random() < THREAD_CHANCE:
                out += [(posted + timedelta(seconds=rnd.uniform(30, 600)), rnd.choice(COMMENTS))
                        for _ in range(rnd.randint(1, 3))]
    out.sort(key=lambda pair: pair[0])
    yield from out


def _poisson(rnd: random.Random, rate: float) -> int:
    """Knuth's method: fine for the small hourly rates here."""
    limit, k, p = pow(2.718281828459045, -rate), 0, 1.0
    while True:
        p *= rnd.random()
        if p <= limit:
            return k
        k += 1
