"""How well and how fast incident grouping works (``inbox.rules.incidents``), without a database.

Quality: ``tests/inbox/data/incident_stories.jsonl`` holds comments written as customers write them
(French and English, handles, emojis, typos), each labelled with the story it tells (an outage,
a defect, a campaign backlash...) or none. They arrive one by one in a shuffled order, exactly
as the grouping sees them live (same brand, same service, all within the window); the script
reports pairwise precision (of the pairs put in one incident, how many tell the same story) and
recall (of the pairs telling the same story, how many share an incident), and the stories split
or mixed. Speed: one new comment compared with ``MAX_CANDIDATES`` lone cases and incidents.

    .venv/bin/python -m bench.incident_grouping [--seeds 20] [--threshold 0.5]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import time
from collections import Counter
from pathlib import Path

from intranet.inbox.rules import incidents as rules

DATA = Path(__file__).parent.parent / "tests" / "inbox" / "data" / "incident_stories.jsonl"


def load(path: Path = DATA) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(rows: list[dict], seed: int) -> dict[int, int]:
    """Row index -> group number, arriving in a shuffled order (as ``group_new_cases`` does)."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    groups: list[rules.Group] = []
    for i in order:
        row = rows[i]
        stems = set(rules.signature(row["text"], [row["brand"]]))
        rules.assign([(i, ("svc", row["brand"]), stems)], groups)
    return {case_id: n for n, g in enumerate(groups) if len(g.case_ids) > 1 for case_id in g.case_ids}


def score(rows: list[dict], grouped: dict[int, int]) -> tuple[float, float]:
    same_story = grouped_pairs = both = 0
    for a, b in itertools.combinations(range(len(rows)), 2):
        truth = rows[a]["story"] is not None and rows[a]["story"] == rows[b]["story"]
        guess = a in grouped and grouped.get(a) == grouped.get(b)
        same_story += truth
        grouped_pairs += guess
        both += truth and guess
    return (both / grouped_pairs if grouped_pairs else 1.0), (both / same_story if same_story else 1.0)


def speed(candidates: int = rules.MAX_CANDIDATES, trials: int = 200) -> float:
    """Microseconds to place one new comment among ``candidates`` lone cases of its service."""
    rows = load()
    words = [w for r in rows for w in rules.signature(r["text"])]
    rng = random.Random(1)
    base = [rules.Group(("svc", "acme"), Counter(rng.sample(words, 8)), None, [n]) for n in range(candidates)]
    start = time.perf_counter()
    for t in range(trials):
        groups = list(base)
        stems = set(rules.signature(rows[t % len(rows)]["text"], ["acme"]))
        rules.assign([(10**6 + t, ("svc", "acme"), stems)], groups)
    return (time.perf_counter() - start) / trials * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--threshold", type=float, default=rules.THRESHOLD)
    args = parser.parse_args()
    rules.THRESHOLD = args.threshold
    rows = load()
    results = [score(rows, run(rows, seed)) for seed in range(args.seeds)]
    precision = sum(p for p, _r in results) / len(results)
    recall = sum(r for _p, r in results) / len(results)
    stories = len({r["story"] for r in rows if r["story"]})
    print(f"{len(rows)} comments, {stories} stories, {args.seeds} arrival orders, threshold {args.threshold}")
    worst = (min(p for p, _r in results), min(r for _p, r in results))
    print(f"pairwise precision {precision:.3f}  recall {recall:.3f}  "
          f"(worst order: precision {worst[0]:.3f}, recall {worst[1]:.3f})")
    print(f"one new comment against {rules.MAX_CANDIDATES} candidates: {speed():.0f} µs")


if __name__ == "__main__":
    main()
