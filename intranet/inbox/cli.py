"""``flask --app wsgi inbox import|poll|sla|process``: bulk files, feeds, SLA checks and the
processing of stored webhook comments, from a shell, cron or a service manager."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from intranet.inbox.evaluate import evaluate
from intranet.inbox.workers.importer import count_records, run_import
from intranet.inbox.workers.processing import LOOP_GATHER_SECONDS, drain
from intranet.inbox.workers.retention import apply_retention
from intranet.inbox.workers.scheduler import check_sla, poll_all
from intranet.inbox.workers.spikes import check_spikes
from intranet.models import Source
from intranet.platform import db
from intranet.platform.errors import DomainError

inbox_cli = AppGroup("inbox", help="The inbox's collectors: file import, feed polling, SLA checks.")
inbox_cli.add_command(evaluate)


@inbox_cli.command("import")
@click.argument("source_slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--batch", default=1000, show_default=True, help="Records per transaction.")
@click.option("--parallel/--no-parallel", default=True, show_default=True,
              help="Watch rules and triage in a second process (two cores).")
def import_file(source_slug: str, file: Path, batch: int, parallel: bool) -> None:
    """Import a JSONL or CSV file of comments into a source (run it again to resume)."""

    source = db.session.scalar(select(Source).where(Source.slug == source_slug))
    if source is None:
        raise click.ClickException(f"No source named {source_slug!r}.")
    try:
        with click.progressbar(length=count_records(file), label=f"Importing {file.name}") as bar:
            outcome = run_import(source, file, file.name, batch=batch, progress=bar.update,
                                 parallel=parallel)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    if outcome.already_done:
        click.echo("This file was already imported into this source: nothing to do.")
    click.echo(f"{outcome.accepted} new, {outcome.duplicates} already known, "
               f"{len(outcome.errors)} broken records.")
    for error in outcome.errors[:50]:
        click.echo(f"  line {error['line']}: {error['message']}", err=True)


@inbox_cli.command("poll")
@click.option("--all", "force", is_flag=True, help="Poll every feed now, not only the due ones.")
def poll(force: bool) -> None:
    """Poll the RSS/Atom watch feeds that are due."""

    for outcome in poll_all(force=force):
        status = f"error: {outcome.error}" if outcome.error else (
            f"{outcome.accepted} new, {outcome.duplicate} already known")
        click.echo(f"{outcome.slug}: {status}")


@inbox_cli.command("sla")
def sla() -> None:
    """Record the SLA breaches due now (and notify the service leads)."""

    breaches = check_sla()
    click.echo(f"{len(breaches)} new breaches.")


@inbox_cli.command("process")
@click.option("--loop", is_flag=True, help="Keep going: look for new pending comments every second "
              "(every 0.25 s while they keep coming).")
def process(loop: bool) -> None:
    """Match, triage and open cases for the webhook comments stored but not processed yet
    (``INBOX_PROCESSING=external``, or after a crash)."""

    while True:
        done = drain()
        if not loop:
            click.echo(f"{done} comments processed.")
            return
        time.sleep(LOOP_GATHER_SECONDS if done else 1)


@inbox_cli.command("retention")
@click.option("--force", is_flag=True, help="Run even if the last run is less than an hour old.")
def retention(force: bool) -> None:
    """Redact customers' data and erase messages older than the retention settings say."""

    outcome = apply_retention(force=force)
    if outcome.skipped:
        click.echo("Skipped: another worker is applying the retention periods, or they were "
                   "applied less than an hour ago (--force).")
        return
    click.echo(f"{outcome.comments} inbox comments redacted, {outcome.messages} messages erased.")


@inbox_cli.command("spikes")
def spikes() -> None:
    """Look for surges of comments now (the scheduler does it each minute; cron may instead)."""
    click.echo(f"{len(check_spikes())} new spikes.")


def init_app(app: Flask) -> None:
    app.cli.add_command(inbox_cli)
