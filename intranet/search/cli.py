"""``flask --app wsgi search rebuild | status | worker``."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from intranet.platform import db
from intranet.search.index.indexer import pending, run_worker, store
from intranet.search.index.rebuild import rebuild

search_cli = AppGroup("search", help="Search index: rebuild, status, worker.")


@search_cli.command("rebuild")
def rebuild_command() -> None:
    """Regenerate the index from the database in a new folder, then swap it in."""

    state: dict = {}

    def total(n: int) -> None:
        state["bar"] = click.progressbar(length=n, label="Indexing", show_pos=True,
                                         show_eta=True, width=30)
        state["bar"].__enter__()

    try:
        written = rebuild(progress=lambda n: state["bar"].update(n), total=total)
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)
    click.echo(f"Index rebuilt: {written} documents.")


@search_cli.command("status")
def status_command() -> None:
    """Documents in the index, pending outbox rows and the indexing lag."""

    count, oldest = pending(db.session())
    lag = (dt.datetime.now(dt.UTC) - oldest).total_seconds() if oldest else 0.0
    st = store()
    click.echo(f"index folder: {st.current_dir()}")
    click.echo(f"documents: {st.doc_count()}")
    click.echo(f"pending outbox rows: {count}")
    click.echo(f"lag: {lag:.1f} s (age of the oldest pending row)")


@search_cli.command("worker")
@click.option("--poll", default=0.5, help="Seconds between rounds (the lag stays under about this).")
def worker_command(poll: float) -> None:
    """Drain the outbox forever (run one per deployment when the web app's thread is off)."""

    click.echo("search worker: draining the outbox (Ctrl-C to stop)")
    run_worker(poll)
