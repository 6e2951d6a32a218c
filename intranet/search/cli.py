"""``flask --app wsgi search rebuild | status | worker | purge``."""

from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import AppGroup

from intranet.platform import db
from intranet.search.index import outbox
from intranet.search.index.cursor import RebuildRunning, read_cursor
from intranet.search.index.indexer import RETENTION_HOURS, pending, run_worker, store
from intranet.search.index.rebuild import rebuild

search_cli = AppGroup("search", help="Search index: rebuild, status, worker, purge.")


@search_cli.command("rebuild")
def rebuild_command() -> None:
    """Regenerate this host's index from the database in a new folder, then swap it in."""

    state: dict = {}

    def total(n: int) -> None:
        state["bar"] = click.progressbar(length=n, label="Indexing", show_pos=True,
                                         show_eta=True, width=30)
        state["bar"].__enter__()

    try:
        written = rebuild(progress=lambda n: state["bar"].update(n), total=total)
    except RebuildRunning as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)
    click.echo(f"Index rebuilt: {written} documents.")


def _ago(when: dt.datetime | None) -> float:
    return (dt.datetime.now(dt.UTC) - when).total_seconds() if when else 0.0


@search_cli.command("status")
def status_command() -> None:
    """This host's index: documents, outbox cursor, rows after it and the indexing lag."""

    st = store()
    folder = st.current_dir()
    cursor = read_cursor(folder)
    s = db.session()
    found = outbox.bounds(s)
    click.echo(f"index folder: {folder}")
    click.echo(f"documents: {st.doc_count()}")
    if cursor is None:
        click.echo("cursor: none (the indexer builds this index from the database first)")
    elif not outbox.followable(cursor, found):
        click.echo(f"cursor: {cursor}, behind the rows kept (the indexer rebuilds this index first)")
    else:
        click.echo(f"cursor: {cursor} (the last outbox row applied to this index)")
    count, first = pending(s)
    click.echo(f"pending outbox rows: {count}")
    click.echo(f"lag: {_ago(first):.1f} s (age of the oldest pending row)")
    hours = current_app.config.get("SEARCH_OUTBOX_RETENTION_HOURS", RETENTION_HOURS)
    click.echo(f"outbox: ids {found.oldest}..{found.newest} kept, the oldest "
               f"{_ago(outbox.oldest_time(s)) / 3600:.1f} h old (retention {hours:g} h)")


@search_cli.command("worker")
@click.option("--poll", default=0.5, help="Seconds between rounds (the lag stays under about this).")
def worker_command(poll: float) -> None:
    """Follow the outbox into this host's index forever (one per host whose web processes have
    their indexer thread off)."""

    click.echo("search worker: following the outbox (Ctrl-C to stop)")
    run_worker(poll)


@search_cli.command("purge")
@click.option("--hours", type=float, default=None,
              help="Keep rows younger than this (default: SEARCH_OUTBOX_RETENTION_HOURS).")
def purge_command(hours: float | None) -> None:
    """Delete outbox rows older than the retention window (indexers also do it now and then)."""

    if hours is None:
        hours = current_app.config.get("SEARCH_OUTBOX_RETENTION_HOURS", RETENTION_HOURS)
    removed = outbox.purge(hours)
    click.echo(f"Purged {removed} outbox rows older than {hours:g} h.")
