"""People management under /api/v1/admin: list, edit, department leads, (de)activate, delete by
policy, CSV import. Administrators only; everyone else gets 404, as for a page that is not there.
"""

from __future__ import annotations

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from intranet import access
from intranet.actions.people import do_delete_person, do_set_department_lead, do_update_person
from intranet.actions.people_import import do_start_import
from intranet.actions.retention import do_set_retention, retention_settings
from intranet.actions.users import do_deactivate_user, do_reactivate_user
from intranet.models import AuditLog, Department, PeopleImport, RetentionSettings, User
from intranet.platform import db
from intranet.platform.errors import Invalid, NotFound
from intranet.platform.web import json_body
from intranet.queries import audit_words
from intranet.queries import people_admin as queries
from intranet.views.api import bp
from intranet.views.api.params import boolean, integer, me, query_int, text
from intranet.views.api.serializers import iso, user_ref
from intranet.views.people_admin.audit import filtered as filtered_audit
from intranet.views.people_admin.data import send_data
from intranet.views.people_admin.import_runner import ensure_running

PAGE = 50


def admin() -> User:
    """The signed-in administrator; 404 for anyone else."""
    user = me()
    access.require_admin(user)
    return user


def person(user_id: int) -> User:
    found = db.session.get(User, user_id)
    if found is None:
        raise NotFound(_("This person does not exist."))
    return found


def department(department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    found = db.session.get(Department, department_id)
    if found is None:
        raise Invalid(_("This department does not exist."), field="department_id")
    return found


def a_department(department_id: int) -> Department:
    found = db.session.get(Department, department_id)
    if found is None:
        raise NotFound(_("This department does not exist."))
    return found


def person_json(user: User, leads: list[Department]) -> dict:
    return {
        **user_ref(user), "email": user.email, "job_title": user.job_title, "is_admin": user.is_admin,
        "department": None if user.department is None else {"id": user.department.id,
                                                            "name": user.department.name},
        "leads": [{"id": d.id, "name": d.name} for d in leads],
        "status": "deleted" if user.deleted_at else ("active" if user.is_active_account else "deactivated"),
        "created_at": iso(user.created_at),
    }


def one(user: User) -> Response:
    return jsonify(person_json(user, queries.led_departments(db.session, [user.id]).get(user.id, [])))


@bp.get("/admin/people")
@login_required
def people() -> Response:
    admin()
    status = request.args.get("status") or None
    if status is not None and status not in queries.STATUSES:
        raise Invalid(_("status must be active, deactivated or deleted."), field="status")
    page = query_int("page", default=1, low=1, high=10_000)
    stmt = queries.people_statement(request.args.get("q", "").strip()[:120], status)
    rows = list(db.session.scalars(stmt.limit(PAGE + 1).offset((page - 1) * PAGE)))
    leads = queries.led_departments(db.session, [u.id for u in rows[:PAGE]])
    return jsonify(items=[person_json(u, leads.get(u.id, [])) for u in rows[:PAGE]],
                   next_page=page + 1 if len(rows) > PAGE else None)


@bp.get("/admin/people/<int:user_id>")
@login_required
def person_get(user_id: int) -> Response:
    admin()
    return one(person(user_id))


@bp.patch("/admin/people/<int:user_id>")
@login_required
def person_update(user_id: int) -> Response:
    """Absent fields stay; ``department_id: null`` takes the person out of any department."""
    acting, user, data = admin(), person(user_id), json_body()
    fields = {name: text(data, name) for name in ("name", "email", "job_title") if name in data}
    if "is_admin" in data:
        fields["is_admin"] = boolean(data, "is_admin")
    if "department_id" in data:
        fields["department"] = department(integer(data, "department_id"))
    with db.transaction() as s:
        do_update_person(s, user, acting_user=acting, **fields)
    return one(user)


@bp.post("/admin/people/<int:user_id>/deactivate")
@login_required
def person_deactivate(user_id: int) -> Response:
    """Ends the person's sessions and sockets."""
    acting, user = admin(), person(user_id)
    with db.transaction() as s:
        do_deactivate_user(s, user, acting_user=acting)
    return one(user)


@bp.post("/admin/people/<int:user_id>/reactivate")
@login_required
def person_reactivate(user_id: int) -> Response:
    acting, user = admin(), person(user_id)
    if user.deleted_at is not None:
        raise NotFound(_("This person does not exist."))
    with db.transaction() as s:
        do_reactivate_user(s, user, acting_user=acting)
    return one(user)


@bp.delete("/admin/people/<int:user_id>")
@login_required
def person_delete(user_id: int) -> Response:
    """``?posts=keep`` (under "former employee") or ``?posts=remove``; audited either way."""
    acting, user = admin(), person(user_id)
    if user.deleted_at is not None:
        raise NotFound(_("This person does not exist."))
    with db.transaction() as s:
        outcome = do_delete_person(s, user, policy=request.args.get("posts", ""), acting_user=acting)
    return jsonify(posts=outcome.posts, comments=outcome.comments, messages=outcome.messages)


@bp.post("/admin/departments/<int:department_id>/leads")
@login_required
def department_lead_add(department_id: int) -> Response:
    acting, dept = admin(), a_department(department_id)
    user = person(integer(json_body(), "user_id", required=True))
    with db.transaction() as s:
        do_set_department_lead(s, dept, user, True, acting_user=acting)
    return one(user)


@bp.delete("/admin/departments/<int:department_id>/leads/<int:user_id>")
@login_required
def department_lead_remove(department_id: int, user_id: int) -> tuple[str, int]:
    acting, dept = admin(), a_department(department_id)
    with db.transaction() as s:
        do_set_department_lead(s, dept, person(user_id), False, acting_user=acting)
    return "", 204


def import_json(job: PeopleImport) -> dict:
    return {"id": job.id, "filename": job.filename, "status": job.status, "total": job.total,
            "processed": job.processed, "created": job.created, "updated": job.updated,
            "unchanged": job.unchanged, "errors": job.errors, "created_at": iso(job.created_at),
            "finished_at": iso(job.finished_at),
            "url": url_for("api.people_import_get", import_id=job.id)}


@bp.post("/admin/people/imports")
@login_required
def people_import() -> tuple[Response, int, dict]:
    """A CSV file as ``multipart/form-data`` (``file``, optional ``create_departments``): 202,
    then poll the import's ``url`` until ``status`` is ``done``."""
    acting = admin()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid(_("Choose a CSV file."), field="file")
    create = request.form.get("create_departments", "").lower() in ("1", "true", "on", "yes")
    with db.transaction() as s:
        job = do_start_import(s, upload.filename, upload.read(), create_departments=create,
                              acting_user=acting)
    ensure_running(job)
    body = import_json(job)
    return jsonify(body), 202, {"Location": body["url"]}


@bp.get("/admin/people/imports/<int:import_id>")
@login_required
def people_import_get(import_id: int) -> Response:
    admin()
    job = db.session.get(PeopleImport, import_id)
    if job is None:
        raise NotFound(_("This import does not exist."))
    ensure_running(job)
    return jsonify(import_json(job))


@bp.get("/me/data")
@login_required
def my_data() -> Response:
    """My personal data as a zip (profile, posts, comments, messages, reactions, files)."""
    return send_data(me())


@bp.get("/admin/people/<int:user_id>/data")
@login_required
def person_data(user_id: int) -> Response:
    admin()
    return send_data(person(user_id))


def retention_json(settings: RetentionSettings) -> dict:
    return {"inbox_days": settings.inbox_days, "message_days": settings.message_days,
            "updated_at": iso(settings.updated_at), "last_run_at": iso(settings.last_run_at)}


@bp.get("/admin/retention")
@login_required
def retention_get() -> Response:
    admin()
    with db.transaction() as s:
        return jsonify(retention_json(retention_settings(s)))


@bp.put("/admin/retention")
@login_required
def retention_set() -> Response:
    """Both periods in days (``null``: kept for ever); applied by the hourly job, audited."""
    acting, data = admin(), json_body()
    with db.transaction() as s:
        settings = do_set_retention(s, inbox_days=data.get("inbox_days"),
                                    message_days=data.get("message_days"), acting_user=acting)
    return jsonify(retention_json(settings))


@bp.get("/admin/audit")
@login_required
def audit_log() -> Response:
    """The audit log in words, newest first; same filters as the page (``person``, ``action``,
    ``since``, ``until``: dates, UTC, ``until`` included), keyset pages by ``before``."""
    admin()
    limit = query_int("limit", default=50, low=1, high=200)
    before = query_int("before", low=1)
    _form, stmt = filtered_audit()
    if before is not None:
        stmt = stmt.where(AuditLog.id < before)
    rows = list(db.session.scalars(stmt.limit(limit + 1)))
    names = audit_words.Names.of(db.session, rows[:limit])
    items = [{"id": r.id, "created_at": iso(r.created_at), "action": r.action,
              "actor": None if r.actor_id is None else {"id": r.actor_id,
                                                        "name": names.users.get(r.actor_id)},
              "target_type": r.target_type, "target_id": r.target_id,
              "text": audit_words.describe(r, names)} for r in rows[:limit]]
    return jsonify(items=items, next_before=rows[limit - 1].id if len(rows) > limit else None)
