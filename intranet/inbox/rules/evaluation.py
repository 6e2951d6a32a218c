"""``inbox evaluate``'s logic: read labelled comments, triage and route them, score the answers.

Pure: files in, rows and figures out, no database. Each brand in a file is treated as its own
inbox: a comment's ``brand`` is the name whose @-mention is a direct address, and its service is
suggested from the history of that brand's past cases (all the history when no brand matches),
exactly as a live inbox suggests from its own resolved cases.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intranet.inbox.rules.learn import Example, Suggester, cue_codes, description_examples, suggest_service
from intranet.inbox.rules.triage import URGENCY_ORDER, describe, triage
from intranet.search.text.analysis import fold

SENTIMENTS = ("positive", "neutral", "negative")
LABELS = ("sentiment", "needs_response", "urgent", "service")


class BadLine(ValueError):
    """A line of an input file that is not a usable comment (the message names the line)."""


def read_rows(path: Path, *, need_service: bool = False) -> list[dict[str, Any]]:
    """The comments of a JSONL file, checked: ``text`` is required, labels have known values."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadLine(f"{path.name} line {number}: not JSON ({exc.msg})") from exc
        _check(row, f"{path.name} line {number}", need_service)
        rows.append(row)
    return rows


def read_services(path: Path) -> list[tuple[str, Example]]:
    """A ``--services`` file: one line per service, ``service``, optional ``brand``,
    ``description`` and ``examples`` (a list of comments), as its lead writes them in the
    inbox's settings; they become pseudo-history exactly as in a live inbox."""
    examples: list[tuple[str, Example]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadLine(f"{where}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or not isinstance(row.get("service"), str) or not row["service"].strip():
            raise BadLine(f"{where}: an object with a \"service\" is required")
        lines = row.get("examples") or []
        if not isinstance(row.get("description", ""), str) or not isinstance(lines, list) \
                or not all(isinstance(x, str) for x in lines):
            raise BadLine(f"{where}: \"description\" must be text and \"examples\" a list of texts")
        seeds = description_examples(row["service"], row.get("description") or "", lines)
        examples += [(fold(str(row.get("brand") or "")), seed) for seed in seeds]
    return examples


def _check(row: Any, where: str, need_service: bool) -> None:
    if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
        raise BadLine(f"{where}: an object with a non-empty \"text\" is required")
    if "sentiment" in row and row["sentiment"] not in SENTIMENTS:
        raise BadLine(f"{where}: sentiment must be one of {', '.join(SENTIMENTS)}")
    for name in ("needs_response", "urgent"):
        if name in row and not isinstance(row[name], bool):
            raise BadLine(f"{where}: {name} must be true or false")
    if need_service and not (isinstance(row.get("service"), str) and row["service"].strip()):
        raise BadLine(f"{where}: a history line needs a \"service\"")


def _handles(brand: str) -> frozenset[str]:
    return frozenset(w for w in fold(brand).replace("@", " ").split() if len(w) >= 3)


def _triage(row: Mapping[str, Any]) -> Any:
    return triage(row["text"], lang=str(row.get("lang") or ""), followers=int(row.get("followers") or 0),
                  handles=_handles(str(row.get("brand") or "")))


def with_cues(row: Mapping[str, Any]) -> dict[str, Any]:
    """A history line with its routing cues, triaged as a live case was when it arrived."""
    return {**row, "cues": cue_codes(_triage(row).reasons)}


def predict(row: Mapping[str, Any], history: Suggester | None) -> dict[str, Any]:
    """The output line of one comment: its input fields, its gold labels under ``gold``, and the
    machine's answers with their confidence and reasons in words."""
    result = _triage(row)
    suggestion = (suggest_service(row["text"], history, cues=cue_codes(result.reasons))
                  if history is not None else None)
    given = {k: v for k, v in row.items() if k not in LABELS} | {"lang": result.lang}  # as detected
    gold = {k: row[k] for k in LABELS if k in row}
    return {**given, **({"gold": gold} if gold else {}),
            "sentiment": result.sentiment, "needs_response": result.needs_response,
            "urgency": result.urgency, "urgent": URGENCY_ORDER.index(result.urgency) >= 2,
            "service": suggestion.service if suggestion else None, "recommendation": result.recommendation,
            "confidence": result.confidence, "reasons": [describe(r) for r in result.reasons]}


def by_brand(history: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    out: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in history:
        out[fold(str(row.get("brand") or ""))].append(row)
    return out


def predictions(rows: list[dict[str, Any]], history: list[dict[str, Any]],
                services: Iterable[tuple[str, Example]] = ()) -> Iterator[dict[str, Any]]:
    """Each row's prediction; one suggester is built per brand of the history and of the
    services' descriptions (their lines first, as in a live inbox), and one for all."""
    seeds = list(services)
    past = [with_cues(row) for row in history]
    memory: dict[str, list[Any]] = defaultdict(list)
    for brand, seed in seeds:
        memory[brand].append(seed)
    for brand, rows_of_brand in by_brand(past).items():
        memory[brand] += rows_of_brand
    everyone = Suggester.build([seed for _brand, seed in seeds] + past) if seeds or past else None
    suggesters = {brand: Suggester.build(examples) for brand, examples in memory.items()}
    for row in rows:
        yield predict(row, suggesters.get(fold(str(row.get("brand") or ""))) or everyone)


@dataclass
class Score:
    """Accuracy and macro-F1 of one label, over the lines that carry it."""

    label: str
    gold: list[Any] = field(default_factory=list)
    guess: list[Any] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(g == p for g, p in zip(self.gold, self.guess, strict=True)) / max(len(self.gold), 1)

    def f1(self, value: Any) -> float:
        pairs = list(zip(self.gold, self.guess, strict=True))
        tp = sum(g == value and p == value for g, p in pairs)
        fp = sum(g != value and p == value for g, p in pairs)
        fn = sum(g == value and p != value for g, p in pairs)
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    @property
    def macro_f1(self) -> float:
        classes = sorted(set(self.gold), key=str)
        return sum(self.f1(c) for c in classes) / max(len(classes), 1)

    def precision_recall(self, value: Any) -> tuple[float, float]:
        pairs = list(zip(self.gold, self.guess, strict=True))
        tp = sum(g == value and p == value for g, p in pairs)
        guessed, actual = sum(p == value for _g, p in pairs), sum(g == value for g, _p in pairs)
        return tp / max(guessed, 1), tp / max(actual, 1)


def score(lines: Iterable[Mapping[str, Any]]) -> dict[str, Score]:
    """One ``Score`` per gold label present in the lines."""
    scores = {name: Score(name) for name in LABELS}
    for line in lines:
        for name, value in (line.get("gold") or {}).items():
            scores[name].gold.append(value)
            scores[name].guess.append(line[name])
    return {name: s for name, s in scores.items() if s.gold}
