"""The root ``flask --app wsgi ...`` commands: init-db, create-user, demo, db-revision, sweep-files,
backup, restore; the search group. Apps add their own groups from their ``init_app`` (the inbox:
``inbox ...``)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from intranet.actions.directory import SyncReport, do_directory_deactivate_missing, do_directory_sync
from intranet.actions.files import sweep_files
from intranet.actions.users import do_create_department, do_create_user
from intranet.demo import receiver as demo_receiver
from intranet.demo.company import load_demo
from intranet.models import Department
from intranet.platform import db
from intranet.platform.backup import BackupError, create_backup, restore_backup
from intranet.platform.directory import DirectoryUnavailable, ldap
from intranet.platform.errors import DomainError
from intranet.platform.mail.cli import mail_cli
from intranet.platform.migrate import revision, upgrade
from intranet.search.cli import rebuild_command, search_cli


def register_cli(app: Flask) -> None:
    app.cli.add_command(search_cli)
    app.cli.add_command(directory_cli)
    app.cli.add_command(mail_cli)

    @app.cli.command("init-db")
    def init_db() -> None:
        """Create or upgrade the database to the newest schema."""
        upgrade()
        click.echo("Database is at the newest schema.")

    @app.cli.command("sweep-files")
    @click.option("--grace-minutes", default=60, show_default=True,
                  help="Keep files touched more recently than this (uploads not committed yet).")
    def sweep_files_command(grace_minutes: int) -> None:
        """Delete stored files no post or message refers to any more."""
        with db.transaction() as s:
            removed = sweep_files(s, grace_seconds=grace_minutes * 60)
        click.echo(f"Removed {removed} stored file(s) nothing refers to.")

    @app.cli.command("backup")
    @click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
    def backup_command(dest: Path) -> None:
        """Copy the database, the uploaded files and a manifest into DEST (a new folder)."""
        try:
            manifest = create_backup(dest)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        counts = ", ".join(f"{name}: {n}" for name, n in manifest["counts"].items())
        click.echo(f"Backed up to {dest}: {manifest['backend']} database at {manifest['schema_revision']} "
                   f"({counts}), {manifest['uploads']['copied']} uploaded file(s).")
        if missing := manifest["uploads"]["missing"]:
            click.echo(f"Warning: {len(missing)} file(s) the database refers to were not in UPLOAD_DIR "
                       f"(listed in {dest / 'manifest.json'}).", err=True)

    @app.cli.command("restore")
    @click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace a database that already holds data.")
    def restore_command(src: Path, force: bool) -> None:
        """Restore a backup made by `backup` (stop the web and worker services first), upgrade
        the schema, then rebuild the search index."""
        try:
            manifest = restore_backup(src, force=force)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Restored the database and {manifest['uploads']['copied']} uploaded file(s) "
                   f"from {src} (made {manifest['created_at']}).")
        upgrade()
        click.get_current_context().invoke(rebuild_command)

    @app.cli.command("db-revision")
    @click.argument("message")
    def db_revision(message: str) -> None:
        """(Developers) Autogenerate a migration from the models."""
        revision(message)

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--name", required=True)
    @click.option("--password", required=True)
    @click.option("--admin", is_flag=True, help="Make the account an administrator.")
    @click.option("--department", help="Department name (created if missing).")
    @click.option("--job-title", default="")
    def create_user(email: str, name: str, password: str, admin: bool, department: str | None,
                    job_title: str) -> None:
        """Create an account."""
        try:
            with db.transaction() as s:
                dept = None
                if department:
                    dept = s.scalar(select(Department).where(Department.name == department))
                    dept = dept or do_create_department(s, department, acting_user=None)
                user = do_create_user(s, email, name, password, department=dept, is_admin=admin,
                                      job_title=job_title)
        except DomainError as exc:
            raise click.ClickException(exc.message) from exc
        click.echo(f"Created {user.email} (id {user.id}, @{user.username}).")

    @app.cli.command("demo")
    @click.option("--seed", default=7, help="Random seed, for a reproducible organisation.")
    def demo(seed: int) -> None:
        """Load the demo organisation (idempotent: does nothing if it is already there)."""
        click.echo(load_demo(seed=seed))

    @app.cli.command("demo-receiver")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5001, show_default=True, type=int)
    def demo_receiver_command(host: str, port: int) -> None:
        """Answer the demo's replies (make run starts it): wires the demo's webhook sources to it."""
        try:
            wired = demo_receiver.wire_demo_sources(f"http://{host}:{port}/replies")
        except DomainError as exc:
            hint = f"make run sets INTRANET_OUTBOUND_ALLOW={host}:{port}"
            raise click.ClickException(f"{exc.message} ({hint})") from exc
        server = demo_receiver.Receiver(app, host, port)
        wired_text = ", ".join(wired) or "none"
        click.echo(f"Demo reply receiver on http://{host}:{port}/ (sources wired now: {wired_text})")
        server.serve_forever()


SYNC_BATCH = 20  # people per write transaction of `directory sync`


@click.group("directory", cls=AppGroup)
def directory_cli() -> None:
    """The LDAP / Active Directory directory (LDAP_* settings)."""


@directory_cli.command("sync")
@click.option("--create", is_flag=True, help="Also create the accounts of people who never signed in.")
@click.option("--allow-empty", is_flag=True, help="Deactivate everyone even if the directory lists nobody.")
def directory_sync(create: bool, allow_empty: bool) -> None:
    """Update names, e-mails, job titles and departments from the directory, create the departments
    it names and deactivate the accounts it no longer lists (never local accounts). Idempotent."""
    if not ldap.enabled():
        raise click.ClickException("LDAP is not configured: set INTRANET_LDAP_URL and the other LDAP_* "
                                   "settings.")
    try:
        people = list(ldap.people())
    except DirectoryUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    if not people and not allow_empty:
        raise click.ClickException("The directory lists nobody (check LDAP_BASE_DN and LDAP_SYNC_FILTER); "
                                   "nothing changed. --allow-empty deactivates every directory account.")
    report = SyncReport()
    for start in range(0, len(people), SYNC_BATCH):  # short write transactions: the app keeps serving
        with db.transaction() as s:
            do_directory_sync(s, people[start:start + SYNC_BATCH], source="ldap", report=report,
                              create=create)
    with db.transaction() as s:
        do_directory_deactivate_missing(s, {p.external_id for p in people}, source="ldap", report=report,
                                        keep=[e for e in [current_app.config["BREAK_GLASS_ADMIN"]] if e])
    click.echo(f"{report.seen} people in the directory: {report.created} created, {report.updated} updated, "
               f"{report.unchanged} unchanged, {report.not_signed_in} not signed in yet; "
               f"{report.departments_created} department(s) created; {report.deactivated} deactivated.")
    for line in report.skipped:
        click.echo(f"Skipped {line}", err=True)
