"""``flask --app wsgi mail ...``: status, send (one pass), worker (the sender as a process)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from intranet.platform.mail import outbox
from intranet.platform.mail.sender import run_jobs, run_worker, send_all
from intranet.platform.mail.smtp import SmtpSettings

mail_cli = AppGroup("mail", help="The mail outbox and its sender.")


@mail_cli.command("status")
def status_command() -> None:
    """Where mails go and how many wait, were sent or failed."""
    settings = SmtpSettings.from_config(current_app.config)
    click.echo(f"Mail goes {'to ' if settings.configured else ''}{settings.describe()}.")
    counts = outbox.counts()
    click.echo(", ".join(f"{name}: {n}" for name, n in counts.items()))
    if not settings.configured:
        click.echo("Mails are kept in the outbox, not sent, until INTRANET_MAIL_SERVER is set; "
                   "`flask --app wsgi mail list` shows who they would go to.")


@mail_cli.command("send")
def send_command() -> None:
    """Send every mail due now, once, then stop (cron, or by hand)."""
    settings = SmtpSettings.from_config(current_app.config)
    if not settings.configured:
        raise click.ClickException("No SMTP server configured (INTRANET_MAIL_SERVER): nothing sent.")
    click.echo(f"Sent {send_all()} mail(s) to {settings.server}.")


@mail_cli.command("worker")
@click.option("--poll", default=5.0, show_default=True, help="Seconds between looks at the outbox.")
def worker_command(poll: float) -> None:
    """Send mails as they are queued, in this process (set INTRANET_MAIL_SENDER_THREAD=0 on the
    web processes then, or keep both: each mail still goes once)."""
    click.echo(f"Mail worker: mail goes to {SmtpSettings.from_config(current_app.config).describe()}.")
    run_worker(poll=poll)


@mail_cli.command("jobs")
def jobs_command() -> None:
    """Queue the notification mails and digests due now, once (cron with MAIL_JOBS_SECONDS=0)."""
    click.echo(f"Queued {run_jobs()} mail(s).")


@mail_cli.command("list")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def list_command(limit: int) -> None:
    """The newest mails of the outbox: status, kind, recipient and subject."""
    for row_id, status, kind, to, subject, created in outbox.latest(limit):
        click.echo(f"#{row_id} {created:%Y-%m-%d %H:%M} {status:8} {kind:12} {to}: {subject}")
