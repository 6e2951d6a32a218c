"""People administration pages: edit someone, their leadership, delete by policy, CSV import.

Admins only (404 for others), as the rest of /admin. Each page answers scripts in JSON too.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from intranet import access
from intranet.actions.people import do_delete_person, do_set_department_lead, do_update_person
from intranet.actions.people_import import do_start_import
from intranet.models import Department, PeopleImport, User
from intranet.platform import db
from intranet.platform.errors import DomainError, NotFound
from intranet.queries import people_admin as queries
from intranet.views.common import done, form_failed, form_page, me, refused
from intranet.views.forms import department_choices
from intranet.views.people_admin.forms import DeleteForm, ImportForm, PersonForm
from intranet.views.people_admin.import_runner import ensure_running

bp = Blueprint("people_admin", __name__)


@bp.before_request
@login_required
def _admins_only() -> None:
    """Everything under /admin is for admins (404 for others); /profile/... is one's own."""
    if request.path.startswith("/admin/"):
        access.require_admin(me())


def _person(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise NotFound(_("This person does not exist."))
    return user


def _edit_context(user: User) -> dict:
    return {"person": user, "leads": queries.led_departments(db.session, [user.id]).get(user.id, [])}


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
def person(user_id: int) -> Response:
    user = _person(user_id)
    form = PersonForm(obj=user, department_id=user.department_id or 0)
    form.department_id.choices = department_choices()
    if not form.validate_on_submit():
        return form_page("people_admin/person.html", form, **_edit_context(user))
    department = db.session.get(Department, form.department_id.data) if form.department_id.data else None
    try:
        with db.transaction() as s:
            do_update_person(s, user, acting_user=me(), name=form.name.data, email=form.email.data,
                             job_title=form.job_title.data or "", department=department,
                             is_admin=form.is_admin.data)
    except DomainError as exc:
        return form_failed("people_admin/person.html", form, exc, **_edit_context(user))
    return done(_("The account of %(name)s is saved.", name=user.name),
                url_for("people_admin.person", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/lead/<int:department_id>", methods=["POST"])
def lead(user_id: int, department_id: int) -> Response:
    """Toggle: make the person a lead of this department, or stop them leading it."""
    user, target = _person(user_id), url_for("people_admin.person", user_id=user_id)
    department = db.session.get(Department, department_id)
    if department is None:
        raise NotFound(_("This department does not exist."))
    leading = department.id in {d.id for d in queries.led_departments(db.session, [user.id]).get(user.id, [])}
    try:
        with db.transaction() as s:
            do_set_department_lead(s, department, user, not leading, acting_user=me())
    except DomainError as exc:
        return refused(exc, target)
    message = (_("%(name)s no longer leads %(department)s.", name=user.name, department=department.name)
               if leading else _("%(name)s now leads %(department)s.", name=user.name,
                                 department=department.name))
    return done(message, target)


@bp.route("/admin/users/<int:user_id>/delete", methods=["GET", "POST"])
def delete(user_id: int) -> Response:
    user, form = _person(user_id), DeleteForm()
    if not form.validate_on_submit():
        return form_page("people_admin/delete.html", form, person=user)
    name = user.name
    try:
        with db.transaction() as s:
            do_delete_person(s, user, policy=form.posts.data, acting_user=me())
    except DomainError as exc:
        return form_failed("people_admin/delete.html", form, exc, person=user)
    return done(_("%(name)s is deleted.", name=name), url_for("admin.users"))


@bp.route("/admin/people/import", methods=["GET", "POST"])
def import_new() -> Response:
    form = ImportForm()
    if not form.validate_on_submit():
        return form_page("people_admin/import.html", form)
    upload = form.file.data
    try:
        with db.transaction() as s:
            job = do_start_import(s, upload.filename, upload.read(),
                                  create_departments=form.create_departments.data, acting_user=me())
    except DomainError as exc:
        return form_failed("people_admin/import.html", form, exc)
    ensure_running(job)
    return done(None, url_for("people_admin.import_show", import_id=job.id), status=202, id=job.id)


@bp.route("/admin/people/import/<int:import_id>", methods=["GET"])
def import_show(import_id: int) -> str:
    """The progress bar (``static/js/people_import.js`` polls the API while it runs) and, once
    done, the counts and every line refused, with its number."""
    job = db.session.get(PeopleImport, import_id)
    if job is None:
        raise NotFound(_("This import does not exist."))
    ensure_running(job)
    return render_template("people_admin/import_show.html", job=job,
                           poll_url=url_for("api.people_import_get", import_id=job.id))
