"""``flask --app wsgi inbox evaluate LABELLED.jsonl [--history PAST.jsonl] [--services SERVICES.jsonl]
[--out PREDICTIONS.jsonl]``:
how right the inbox's triage and routing are on anyone's own labelled export.

It reads files only (no database, no network): each line is triaged exactly as a new case is,
its service is suggested from the ``--history`` lines as from resolved cases, and with gold
labels it prints accuracy and macro-F1 per label, and urgent's precision and recall.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from intranet.inbox.rules.evaluation import BadLine, Score, predictions, read_rows, read_services, score

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("evaluate")
@click.argument("labelled", type=FILE)
@click.option("--history", type=FILE, help="Past routed cases (JSONL with \"service\"): the routing memory.")
@click.option("--services", type=FILE,
              help="The services' descriptions and example comments (JSONL: \"service\", optional \"brand\", "
                   "\"description\", \"examples\"), as their leads write them: routing's prior.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write one prediction line per input line here (JSONL).")
def evaluate(labelled: Path, history: Path | None, services: Path | None, out: Path | None) -> None:
    """Triage and route a JSONL file of comments; with gold labels, print how often it is right."""
    try:
        rows = read_rows(labelled)
        past = read_rows(history, need_service=True) if history else []
        seeds = read_services(services) if services else []
    except BadLine as exc:
        raise click.ClickException(str(exc)) from exc
    lines = list(predictions(rows, past, seeds))
    if out:
        with out.open("w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    click.echo(f"{len(lines)} comments, {len(past)} past cases as history"
               + (f", {len(seeds)} lines of services' descriptions." if services else "."))
    for name, result in score(lines).items():
        click.echo(_line(name, result))


def _line(name: str, result: Score) -> str:
    text = (f"{name:15} accuracy {result.accuracy:6.1%}  macro-F1 {result.macro_f1:.3f}"
            f"  (n={len(result.gold)})")
    if name == "urgent":
        precision, recall = result.precision_recall(True)
        text += f"  precision {precision:.1%}  recall {recall:.1%}"
    return text
