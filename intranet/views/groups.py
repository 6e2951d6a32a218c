"""Groups: the directory, creation, joining and leaving, members and requests, settings.

The group's own page (its feed) is ``feed.group``; these pages link to it.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from intranet import access
from intranet.actions.group_page import covers_folder, do_set_group_cover
from intranet.actions.groups import (
    do_create_group,
    do_decide_join_request,
    do_join_group,
    do_remove_member,
    do_set_member,
    do_update_group,
)
from intranet.models import Group, JoinRequest, Membership, RequestStatus, Role, User
from intranet.platform import db
from intranet.platform.db import like_pattern
from intranet.platform.errors import DomainError, Forbidden, Invalid, NotFound
from intranet.platform.web import error_response, wants_json
from intranet.views.common import back_url, done, form_failed, form_page, me, paginate, refused
from intranet.views.forms import (
    AddMemberForm,
    CoverForm,
    DecisionForm,
    GroupForm,
    GroupSettingsForm,
    JoinForm,
    RoleForm,
)

bp = Blueprint("groups", __name__)
GROUPS_PAGE_SIZE = 50
MEMBERS_PAGE_SIZE = 100


def member_counts(group_ids: list[int]) -> dict[int, int]:
    """Members per group, in one grouped query (never one count per row)."""
    if not group_ids:
        return {}
    rows = db.session.execute(select(Membership.group_id, func.count()).where(
        Membership.group_id.in_(group_ids)).group_by(Membership.group_id))
    return {group_id: count for group_id, count in rows}


@bp.route("/groups", methods=["GET"])
@login_required
def index() -> str:
    """Groups I can see, mine first; each row says what I can do (join, ask, leave)."""
    user, q = me(), request.args.get("q", "").strip()[:120]
    roles = access.memberships(user)
    stmt = select(Group).where(access.visible_groups_clause(user)).order_by(
        case((Group.id.in_(list(roles)), 0), else_=1), func.lower(Group.name), Group.id)
    if q:
        stmt = stmt.where(Group.name.ilike(like_pattern(q), escape="\\"))
    page = paginate(stmt, GROUPS_PAGE_SIZE)
    pending = set(db.session.scalars(select(JoinRequest.group_id).where(
        JoinRequest.user_id == user.id, JoinRequest.status == RequestStatus.PENDING)))
    return render_template("groups/index.html", page=page, q=q, roles=roles, pending=pending,
                           counts=member_counts([g.id for g in page.items]))


@bp.route("/groups/new", methods=["GET", "POST"])
@login_required
def new() -> Response:
    form = GroupForm()
    if not form.validate_on_submit():
        return form_page("groups/new.html", form)
    try:
        with db.transaction() as s:
            group = do_create_group(s, me(), form.name.data, description=form.description.data,
                                    visibility=form.visibility.data, kind=form.kind.data)
    except DomainError as exc:
        return form_failed("groups/new.html", form, exc)
    return done(_("The group %(name)s is created. Invite your colleagues!", name=group.name),
                url_for("feed.group", group_id=group.id), status=201, id=group.id)


@bp.route("/groups/<int:group_id>/join", methods=["POST"])
@login_required
def join(group_id: int) -> Response:
    """Public groups: joined at once; private and department groups: a request to the leads."""
    group = access.access_group(me(), group_id)
    target = back_url(url_for("feed.group", group_id=group.id))
    try:
        with db.transaction() as s:
            outcome = do_join_group(s, me(), group, JoinForm().message.data or "")
    except DomainError as exc:
        return refused(exc, target)
    message = (_("You joined %(name)s.", name=group.name) if outcome == "joined"
               else _("Your request to join %(name)s was sent to its leads.", name=group.name))
    return done(message, target, outcome=outcome)


@bp.route("/groups/<int:group_id>/leave", methods=["POST"])
@login_required
def leave(group_id: int) -> Response:
    group = access.access_group(me(), group_id)
    try:
        with db.transaction() as s:
            do_remove_member(s, me(), group, me())
    except DomainError as exc:
        return refused(exc, back_url(url_for("groups.members", group_id=group.id)))
    return done(_("You left %(name)s.", name=group.name), url_for("groups.index"), outcome="left")


@bp.route("/groups/<int:group_id>/members", methods=["GET", "POST"])
@login_required
def members(group_id: int) -> Response:
    """Everyone who can see the group sees its members; leads and admins manage them here."""
    group = access.access_group(me(), group_id)
    form = AddMemberForm()
    if form.is_submitted():
        _require_manager(group)
        if form.validate():
            try:
                with db.transaction() as s:
                    do_set_member(s, me(), group, form.picked, form.role.data)
            except DomainError as exc:
                return form_failed("groups/members.html", form, exc, **_members_context(group))
            return done(_("%(name)s is now in the group.", name=form.picked.name),
                        url_for("groups.members", group_id=group.id), user_id=form.picked.id)
    return form_page("groups/members.html", form, **_members_context(group))


def _members_context(group: Group) -> dict:
    """Leads first, then by name; pending requests only for those who decide them."""
    stmt = (select(Membership).join(Membership.user).options(contains_eager(Membership.user))
            .where(Membership.group_id == group.id)
            .order_by(case((Membership.role == Role.LEAD, 0), else_=1), func.lower(User.name)))
    manage = access.can_manage_group(me(), group)
    requests = db.session.scalars(
        select(JoinRequest).options(selectinload(JoinRequest.user))
        .where(JoinRequest.group_id == group.id, JoinRequest.status == RequestStatus.PENDING)
        .order_by(JoinRequest.id)).all() if manage else []
    pending = db.session.scalar(select(JoinRequest.id).where(
        JoinRequest.group_id == group.id, JoinRequest.user_id == me().id,
        JoinRequest.status == RequestStatus.PENDING).limit(1)) is not None
    return {"group": group, "page": paginate(stmt, MEMBERS_PAGE_SIZE), "manage": manage,
            "requests": requests, "my_role": access.role_in(me(), group.id), "pending": pending}


def _require_manager(group: Group) -> None:
    if not access.can_manage_group(me(), group):
        raise Forbidden(_("Only the group's leads can do this."))


def _member(group: Group, user_id: int) -> User:
    membership = db.session.get(Membership, (group.id, user_id))
    if membership is None:
        raise NotFound(_("This person is not a member of the group."))
    return membership.user


@bp.route("/groups/<int:group_id>/members/<int:user_id>/role", methods=["POST"])
@login_required
def member_role(group_id: int, user_id: int) -> Response:
    """Promote a member to lead, or make a lead a member again."""
    group = access.access_group(me(), group_id)
    member, form = _member(group, user_id), RoleForm()
    if not form.validate():
        raise Invalid(_("Role must be member or lead."), field="role")
    target = url_for("groups.members", group_id=group.id)
    try:
        with db.transaction() as s:
            do_set_member(s, me(), group, member, form.role.data)
    except DomainError as exc:
        return refused(exc, target)
    message = (_("%(name)s is now a lead.", name=member.name) if form.role.data == Role.LEAD
               else _("%(name)s is now a member.", name=member.name))
    return done(message, target, role=form.role.data)


@bp.route("/groups/<int:group_id>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def member_remove(group_id: int, user_id: int) -> Response:
    group = access.access_group(me(), group_id)
    member, target = _member(group, user_id), url_for("groups.members", group_id=group.id)
    try:
        with db.transaction() as s:
            do_remove_member(s, me(), group, member)
    except DomainError as exc:
        return refused(exc, target)
    return done(_("%(name)s left the group.", name=member.name), target)


@bp.route("/groups/<int:group_id>/requests/<int:request_id>", methods=["POST"])
@login_required
def decide(group_id: int, request_id: int) -> Response:
    group = access.access_group(me(), group_id)
    join_request = db.session.get(JoinRequest, request_id)
    if join_request is None or join_request.group_id != group.id:
        raise NotFound(_("This request does not exist."))
    form, target = DecisionForm(), url_for("groups.members", group_id=group.id)
    if not form.validate():
        raise Invalid(_("Approve or reject the request."), field="decision")
    approve = form.decision.data == "approve"
    try:
        with db.transaction() as s:
            do_decide_join_request(s, me(), join_request, approve)
    except DomainError as exc:
        return refused(exc, target)
    name = join_request.user.name
    message = (_("%(name)s joined the group.", name=name) if approve
               else _("The request of %(name)s was declined.", name=name))
    return done(message, target, approved=approve)


@bp.route("/groups/<int:group_id>/settings", methods=["GET", "POST"])
@login_required
def settings(group_id: int) -> Response:
    group = access.access_group(me(), group_id)
    _require_manager(group)
    form = GroupSettingsForm(obj=group)
    cover_form = CoverForm(formdata=None)
    if not form.validate_on_submit():
        return form_page("groups/settings.html", form, group=group, cover_form=cover_form)
    try:
        with db.transaction() as s:
            do_update_group(s, me(), group, name=form.name.data, description=form.description.data,
                            visibility=form.visibility.data)
    except DomainError as exc:
        return form_failed("groups/settings.html", form, exc, group=group, cover_form=cover_form)
    return done(_("The group's settings are saved."), url_for("groups.settings", group_id=group.id))


@bp.route("/groups/<int:group_id>/cover", methods=["POST"])
@login_required
def cover_upload(group_id: int) -> Response:
    """A lead uploads the cover (the action checks and re-encodes it), or removes it."""
    group = access.access_group(me(), group_id)
    _require_manager(group)
    form = CoverForm()
    removing = request.form.get("remove") == "1"
    if form.validate_on_submit() and (removing or form.cover.data):
        data = None if removing else form.cover.data.read(current_app.config["MAX_AVATAR_BYTES"] * 3 + 1)
        try:
            with db.transaction() as s:
                do_set_group_cover(s, me(), group, data)
            url = group.cover_file and url_for("groups.cover", group_id=group.id, v=group.cover_file)
            return done(_("The cover is removed.") if removing else _("The cover is updated."),
                        url_for("groups.settings", group_id=group.id), url=url)
        except Invalid as exc:
            form.cover.errors = [*form.cover.errors, exc.message]
    if not form.errors:
        form.cover.errors = [_("Choose a picture to upload.")]
    if wants_json():
        field, messages = next(iter(form.errors.items()))
        return error_response(400, "invalid", str(messages[0]), "cover" if field == "cover" else field)
    return form_page("groups/settings.html", GroupSettingsForm(formdata=None, obj=group), status=400,
                     group=group, cover_form=form)


@bp.route("/groups/<int:group_id>/cover", methods=["GET"])
@login_required
def cover(group_id: int) -> Response:
    """Whoever may see the group sees its cover (404 otherwise, like the group itself); cached
    a day when asked for by its versioned address, revalidated otherwise."""
    group = access.access_group(me(), group_id)
    if not group.cover_file or not (covers_folder() / group.cover_file).is_file():
        raise NotFound(_("This group has no cover."))
    versioned = request.args.get("v") == group.cover_file
    return send_from_directory(covers_folder(), group.cover_file, max_age=86400 if versioned else 0)
