"""Routing that learns: how fast the memory builds and answers, and how right it is.

    .venv/bin/python bench/routing_bench.py [--history N] [--labelled FILE --past FILE] [--services FILE]

Builds a ``Suggester`` from N past cases (the labelled set's comments, each with a counter so
no two are the same), times ``Suggester.build`` and ``suggest`` in CPU seconds (process time:
other work on the machine does not count), then prints the accuracy on a labelled file with
the past file as the only memory (per brand when both carry ``brand``), and the services'
descriptions first when ``--services`` is given (words only here: ``inbox evaluate`` adds
triage's cues).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intranet.demo.inbox_texts import COMMENTS
from intranet.inbox.rules.evaluation import read_services
from intranet.inbox.rules.learn import Suggester, suggest_service
from intranet.search.text.analysis import fold

DATA = Path(__file__).resolve().parents[1] / "tests" / "inbox" / "data"


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def speed(n: int) -> None:
    pool = rows(DATA / "routing_history.jsonl") + rows(DATA / "routing_labelled.jsonl")
    rnd = random.Random(1)
    history = [(f"{rnd.choice(pool)['text']} n{i}", rnd.choice(pool)["service"]) for i in range(n)]
    start = time.process_time()
    suggester = Suggester.build(history)
    built = time.process_time() - start
    texts = [c[5] for c in COMMENTS] * 10
    start = time.process_time()
    for text in texts:
        suggester.suggest(text)
    each = (time.process_time() - start) / len(texts)
    print(f"history {n}: build {built * 1000:.0f} ms CPU, suggest {each * 1000:.2f} ms CPU a comment")


def accuracy(labelled: Path, past: Path, services: Path | None) -> None:
    memory: dict[str, list] = defaultdict(list)
    for brand, seed in read_services(services) if services else []:
        memory[brand].append(seed)
    history = rows(past)
    for row in history:
        memory[fold(row.get("brand", ""))].append(row)
    data = [r for r in rows(labelled) if r.get("service")]
    suggesters = {brand: Suggester.build(examples) for brand, examples in memory.items()}
    everyone = Suggester.build(history)
    right = sum((s := suggest_service(r["text"], suggesters.get(fold(r.get("brand", ""))) or everyone))
                is not None
                and s.service == r["service"] for r in data)
    print(f"{labelled.name} with {past.name} as memory: {right}/{len(data)} = {right / len(data):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=5000)
    parser.add_argument("--labelled", type=Path, default=DATA / "routing_labelled.jsonl")
    parser.add_argument("--past", type=Path, default=DATA / "routing_history.jsonl")
    parser.add_argument("--services", type=Path, help="services' descriptions (inbox evaluate --services)")
    args = parser.parse_args()
    speed(args.history)
    accuracy(args.labelled, args.past, args.services)


if __name__ == "__main__":
    main()
