"""Inbox configuration pages: sources and file imports (admins), watch rules with a preview
(admins and department leads). Others get 404."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, Response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from intranet import access
from intranet.inbox.access import can_manage_watch_rules, require_watch_rules
from intranet.inbox.actions.settings import (
    check_query,
    do_delete_watch_rule,
    do_rotate_secret,
    do_save_source,
    do_save_watch_rule,
)
from intranet.inbox.queries.rules import preview
from intranet.inbox.views.forms import (
    CONNECTOR_NAMES,
    KIND_NAMES,
    NETWORK_NAMES,
    ImportForm,
    SourceForm,
    WatchRuleForm,
)
from intranet.inbox.workers.importer import run_import
from intranet.models import ExternalComment, ImportJob, Source, WatchRule
from intranet.platform import db
from intranet.platform.errors import DomainError, Invalid, NotFound
from intranet.platform.inputs import query_int
from intranet.views.common import done, form_failed, form_page, me, refused

bp = Blueprint("inbox_admin", __name__, url_prefix="/inbox/admin")
NAMES = {"networks": NETWORK_NAMES, "connectors": CONNECTOR_NAMES, "kinds": KIND_NAMES}


@bp.before_request
@login_required
def _signed_in() -> None:
    """Each page checks its own audience (sources: admins; rules: admins and leads)."""


def _source(source_id: int) -> Source:
    access.require_admin(me())
    source = db.session.get(Source, source_id)
    if source is None:
        raise NotFound(_("This source does not exist."))
    return source


def _sources_context() -> dict:
    counts = dict(db.session.execute(select(ExternalComment.source_id, func.count())
                                     .group_by(ExternalComment.source_id)).all())
    return {"sources": db.session.scalars(select(Source).order_by(Source.name)).all(), "counts": counts,
            **NAMES}


@bp.route("/sources", methods=["GET", "POST"])
def sources() -> Response:
    access.require_admin(me())
    form = SourceForm()
    if not form.validate_on_submit():
        return form_page("inbox_admin/sources.html", form, **_sources_context())
    try:
        with db.transaction() as s:
            source = do_save_source(s, me(), None, **_source_fields(form))
    except DomainError as exc:
        return form_failed("inbox_admin/sources.html", form, exc, **_sources_context())
    return done(_("The source %(name)s is created. Give its secret to the sender.", name=source.name),
                url_for("inbox_admin.source", source_id=source.id), status=201, id=source.id)


def _source_fields(form: SourceForm) -> dict:
    return {"name": form.name.data, "network": form.network.data, "connector": form.connector.data,
            "feed_url": form.feed_url.data or "", "poll_minutes": form.poll_minutes.data or 15,
            "reply_url": form.reply_url.data or "", "active": form.active.data}


@bp.route("/sources/<int:source_id>", methods=["GET", "POST"])
def source(source_id: int) -> Response:
    """Edit a source; the page shows its secret and webhook address to admins."""
    item = _source(source_id)
    form = SourceForm(obj=item, connector=item.connector.value, network=item.network.value)
    context = {"source": item, "jobs": _jobs(item), "import_form": ImportForm(formdata=None),
               "shown_job": query_int("job", low=1), **NAMES}
    if not form.validate_on_submit():
        return form_page("inbox_admin/source.html", form, **context)
    try:
        with db.transaction() as s:
            do_save_source(s, me(), item, **_source_fields(form))
    except DomainError as exc:
        return form_failed("inbox_admin/source.html", form, exc, **context)
    return done(_("The source is saved."), url_for("inbox_admin.source", source_id=item.id))


def _jobs(item: Source) -> list[ImportJob]:
    return db.session.scalars(select(ImportJob).where(ImportJob.source_id == item.id)
                              .order_by(ImportJob.id.desc()).limit(10)).all()


@bp.post("/sources/<int:source_id>/secret")
def source_secret(source_id: int) -> Response:
    item = _source(source_id)
    with db.transaction() as s:
        do_rotate_secret(s, me(), item)
    return done(_("A new secret is set: the old one no longer signs deliveries."),
                url_for("inbox_admin.source", source_id=item.id))


@bp.post("/sources/<int:source_id>/import")
def source_import(source_id: int) -> Response:
    """Upload a JSONL/CSV file; the same file again resumes or reports it is done."""
    item, form = _source(source_id), ImportForm()
    target = url_for("inbox_admin.source", source_id=item.id)
    if not form.validate_on_submit():
        return refused(Invalid(form.file.errors[0], field="file"), target)
    upload = form.file.data
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        upload.save(path)
        try:
            outcome = run_import(item, path, upload.filename or "upload", actor=me())
        except DomainError as exc:
            return refused(exc, target)
    message = _("%(new)d new comments, %(dup)d already known, %(bad)d broken lines.",
                new=outcome.accepted, dup=outcome.duplicates, bad=len(outcome.errors))
    return done(message, url_for("inbox_admin.source", source_id=item.id, job=outcome.job_id),
                accepted=outcome.accepted, duplicates=outcome.duplicates, errors=outcome.errors)


def _rules_context(rule_preview: object = None) -> dict:
    rules = db.session.scalars(select(WatchRule).order_by(WatchRule.kind, WatchRule.name)).all()
    return {"rules": rules, "preview": rule_preview, **NAMES}


def _preview_or_save(form: WatchRuleForm, rule: WatchRule | None, template: str,
                     **context: object) -> Response:
    """The form's "Preview" button shows the matches without saving; "Save" saves."""
    try:
        if request.form.get("action") == "preview":
            found = preview(db.session, check_query(form.query.data))
            return form_page(template, form, **{**context, "preview": found})
        with db.transaction() as s:
            do_save_watch_rule(s, me(), rule, name=form.name.data, query=form.query.data,
                               kind=form.kind.data, active=form.active.data)
    except DomainError as exc:
        return form_failed(template, form, exc, **context)
    return done(_("The watch rule is saved."), url_for("inbox_admin.rules"))


@bp.route("/rules", methods=["GET", "POST"])
def rules() -> Response:
    require_watch_rules(me())
    form = WatchRuleForm()
    if not form.validate_on_submit():
        return form_page("inbox_admin/rules.html", form, **_rules_context())
    return _preview_or_save(form, None, "inbox_admin/rules.html", **_rules_context())


def _rule(rule_id: int) -> WatchRule:
    require_watch_rules(me())
    rule = db.session.get(WatchRule, rule_id)
    if rule is None:
        raise NotFound(_("This watch rule does not exist."))
    return rule


@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
def rule(rule_id: int) -> Response:
    item = _rule(rule_id)
    form = WatchRuleForm(obj=item, kind=item.kind.value)
    if not form.validate_on_submit():
        return form_page("inbox_admin/rule.html", form, rule=item, preview=None)
    return _preview_or_save(form, item, "inbox_admin/rule.html", rule=item, preview=None)


@bp.post("/rules/<int:rule_id>/delete")
def rule_delete(rule_id: int) -> Response:
    item = _rule(rule_id)
    with db.transaction() as s:
        do_delete_watch_rule(s, me(), item)
    return done(_("The watch rule is deleted."), url_for("inbox_admin.rules"))


@bp.app_context_processor
def _inbox_nav_helpers() -> dict:
    """The settings tabs show what the reader may open."""

    return {"can_manage_watch_rules": lambda: current_user.is_authenticated
            and can_manage_watch_rules(current_user._get_current_object())}
