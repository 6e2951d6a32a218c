"""Administration: accounts, departments and their leads, the audit log. Admins only (404 for others)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intranet import access
from intranet.actions.groups import do_set_member
from intranet.actions.users import (
    do_create_department,
    do_create_user,
    do_deactivate_user,
    do_reactivate_user,
    do_set_department,
)
from intranet.models import Department, Membership, Role, User
from intranet.platform import db
from intranet.platform.errors import DomainError, Invalid, NotFound
from intranet.queries.people_admin import people_statement
from intranet.views.common import back_url, done, form_failed, form_page, me, paginate, refused
from intranet.views.forms import (
    AdminUserForm,
    DepartmentForm,
    LeadForm,
    SetDepartmentForm,
    department_choices,
)
from intranet.views.groups import member_counts
from intranet.views.people_admin.audit import audit_page

bp = Blueprint("admin", __name__)
USERS_PAGE_SIZE = 50
AUDIT_PAGE_SIZE = 50


@bp.before_request
@login_required
def _admins_only() -> None:
    """Every page here: log in first, then admins only; others see "no such page"."""
    access.require_admin(me())


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("This person does not exist."))
    return user


@bp.route("/admin/users", methods=["GET"])
def users() -> str:
    q = request.args.get("q", "").strip()[:120]
    stmt = people_statement(q)  # deleted people are no accounts any more
    department_form = SetDepartmentForm(formdata=None)
    department_form.department_id.choices = department_choices()
    return render_template("admin/users.html", page=paginate(stmt, USERS_PAGE_SIZE), q=q,
                           department_form=department_form)


@bp.route("/admin/users/new", methods=["GET", "POST"])
def user_new() -> Response:
    form = AdminUserForm()
    form.department_id.choices = department_choices()
    if not form.validate_on_submit():
        return form_page("admin/user_new.html", form)
    department = db.session.get(Department, form.department_id.data) if form.department_id.data else None
    try:
        with db.transaction() as s:
            user = do_create_user(s, form.email.data, form.name.data, form.password.data,
                                  department=department, is_admin=form.is_admin.data,
                                  job_title=form.job_title.data or "", acting_user=me())
    except DomainError as exc:
        return form_failed("admin/user_new.html", form, exc)
    return done(_("The account of %(name)s is created.", name=user.name), url_for("admin.users"),
                status=201, id=user.id)


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
def user_deactivate(user_id: int) -> Response:
    """Ends the person's sessions (next request) and sockets (at once)."""
    user, target = _user(user_id), back_url(url_for("admin.users"))
    try:
        with db.transaction() as s:
            do_deactivate_user(s, user, acting_user=me())
    except DomainError as exc:
        return refused(exc, target)
    return done(_("%(name)s is deactivated.", name=user.name), target)


@bp.route("/admin/users/<int:user_id>/reactivate", methods=["POST"])
def user_reactivate(user_id: int) -> Response:
    user, target = _user(user_id), back_url(url_for("admin.users"))
    with db.transaction() as s:
        do_reactivate_user(s, user, acting_user=me())
    return done(_("%(name)s can log in again.", name=user.name), target)


@bp.route("/admin/users/<int:user_id>/department", methods=["POST"])
def user_department(user_id: int) -> Response:
    user, form = _user(user_id), SetDepartmentForm()
    form.department_id.choices = department_choices()
    if not form.validate():
        raise Invalid(_("Choose a department from the list."), field="department_id")
    department = db.session.get(Department, form.department_id.data) if form.department_id.data else None
    with db.transaction() as s:
        do_set_department(s, user, department, acting_user=me())
    message = (_("%(name)s is now in %(department)s.", name=user.name, department=department.name)
               if department else _("%(name)s has no department now.", name=user.name))
    return done(message, back_url(url_for("admin.users")))


@bp.route("/admin/departments", methods=["GET", "POST"])
def departments() -> Response:
    """Departments with their leads; creating one also creates its department group."""
    form = DepartmentForm()
    if form.validate_on_submit():
        try:
            with db.transaction() as s:
                department = do_create_department(s, form.name.data, acting_user=me())
            return done(_("The department %(name)s and its group are created.", name=department.name),
                        url_for("admin.departments"), status=201, id=department.id)
        except DomainError as exc:
            return form_failed("admin/departments.html", form, exc, **_departments_context())
    return form_page("admin/departments.html", form, **_departments_context())


def _departments_context() -> dict:
    rows = db.session.scalars(select(Department).options(selectinload(Department.group))
                              .order_by(Department.name)).all()
    group_ids = [d.group_id for d in rows if d.group_id]
    leads: dict[int, list[User]] = {}
    for membership in db.session.scalars(
            select(Membership).options(selectinload(Membership.user))
            .where(Membership.group_id.in_(group_ids), Membership.role == Role.LEAD)):
        leads.setdefault(membership.group_id, []).append(membership.user)
    return {"departments": rows, "leads": leads, "counts": member_counts(group_ids),
            "lead_form": LeadForm(formdata=None)}


@bp.route("/admin/departments/<int:department_id>/leads", methods=["POST"])
def department_lead(department_id: int) -> Response:
    """Make someone a lead of the department's group (they join it if needed)."""
    department = db.session.get(Department, department_id)
    if department is None or department.group is None:
        raise NotFound(_("This department does not exist."))
    form, target = LeadForm(), url_for("admin.departments")
    if not form.validate():
        return refused(Invalid(form.user.errors[0], field="user"), target)
    try:
        with db.transaction() as s:
            do_set_member(s, me(), department.group, form.picked, Role.LEAD.value)
    except DomainError as exc:
        return refused(exc, target)
    return done(_("%(name)s now leads %(department)s.", name=form.picked.name,
                  department=department.name), target)


@bp.route("/admin/audit", methods=["GET"])
def audit() -> str:
    """In words, filterable and exportable: ``people_admin.audit``."""
    return audit_page()
