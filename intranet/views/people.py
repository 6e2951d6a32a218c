"""People: the directory, a colleague's profile, my profile, avatar, API tokens and language."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from intranet import access
from intranet.actions.users import (
    do_create_token,
    do_revoke_token,
    do_set_avatar,
    do_set_locale,
    do_update_profile,
)
from intranet.models import Group, Membership, Post, Skill, User
from intranet.platform import db
from intranet.platform.db import like_pattern
from intranet.platform.errors import DomainError, Invalid
from intranet.platform.web import wants_json
from intranet.queries import lists as queries
from intranet.views.common import back_url, done, form_failed, form_page, me, paginate
from intranet.views.forms import (
    AvatarForm,
    DirectoryFilterForm,
    LanguageForm,
    ProfileForm,
    TokenForm,
    department_choices,
)

bp = Blueprint("people", __name__)
DIRECTORY_PAGE_SIZE = 24
RECENT_POSTS = 5


@bp.route("/people", methods=["GET"])
@login_required
def index() -> Response:
    form = DirectoryFilterForm(formdata=request.args)
    form.department.choices = department_choices(_("All departments"))
    form.validate()
    page = paginate(_directory(form), DIRECTORY_PAGE_SIZE)
    return form_page("people/index.html", form, status=200, page=page)


def _directory(form: DirectoryFilterForm) -> Select:
    """Active colleagues matching the filters, by name (plain LIKE until search arrives)."""
    stmt = (select(User).where(User.is_active_account)
            .options(selectinload(User.department), selectinload(User.skills))
            .order_by(User.name, User.id))
    if form.q.data and not form.q.errors:
        pattern = like_pattern(form.q.data.strip())
        stmt = stmt.where(or_(User.name.ilike(pattern, escape="\\"),
                              User.job_title.ilike(pattern, escape="\\")))
    if form.department.data and not form.department.errors:
        stmt = stmt.where(User.department_id == form.department.data)
    if form.skill.data and not form.skill.errors:
        pattern = like_pattern(form.skill.data.strip().lower())
        stmt = stmt.where(User.skills.any(Skill.name.like(pattern, escape="\\")))
    return stmt


@bp.route("/people/<int:user_id>", methods=["GET"])
@login_required
def show(user_id: int) -> str:
    viewer = me()
    person = access.access_user(viewer, user_id)
    posts = db.session.scalars(
        select(Post).where(Post.author_id == person.id, access.readable_posts_clause(viewer))
        .order_by(Post.id.desc()).limit(RECENT_POSTS)).all()
    groups = db.session.scalars(
        select(Group).join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == person.id, access.visible_groups_clause(viewer))
        .order_by(Group.name)).all()
    return render_template("people/show.html", person=person, posts=posts, groups=groups)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> Response:
    user = me()
    form = ProfileForm() if request.method == "POST" else ProfileForm.for_user(user)
    if not form.validate_on_submit():
        return _profile_page(form, AvatarForm(formdata=None))
    try:
        with db.transaction() as s:
            do_update_profile(s, user, name=form.name.data, job_title=form.job_title.data,
                              bio=form.bio.data, skills=form.skills.data, locale=form.locale.data,
                              timezone=form.timezone.data if "timezone" in request.form else user.timezone)
    except DomainError as exc:
        return form_failed("people/profile.html", form, exc, avatar_form=AvatarForm(formdata=None))
    return done(_("Your profile is saved."), url_for("people.profile"))


def _profile_page(form: ProfileForm, avatar_form: AvatarForm, status: int | None = None) -> Response:
    return form_page("people/profile.html", form, status=status, avatar_form=avatar_form)


@bp.route("/profile/avatar", methods=["POST"])
@login_required
def avatar() -> Response:
    """Size and type are checked by the action, which re-encodes the picture."""
    user = me()
    form = AvatarForm()
    if form.validate_on_submit():
        data = form.avatar.data.read(current_app.config["MAX_AVATAR_BYTES"] + 1)
        try:
            with db.transaction() as s:
                do_set_avatar(s, user, data)
            return done(_("Your picture is updated."), url_for("people.profile"),
                        url=url_for("people.avatar_file", user_id=user.id, v=user.avatar_file))
        except Invalid as exc:
            form.avatar.errors = [*form.avatar.errors, exc.message]
    if wants_json():
        raise Invalid(form.avatar.errors[0], field="avatar")
    return _profile_page(ProfileForm.for_user(user), form, status=400)


@bp.route("/people/<int:user_id>/avatar", methods=["GET"])
@login_required
def avatar_file(user_id: int) -> Response:
    """The uploaded picture, else a placeholder with the person's initials."""
    person = access.access_user(me(), user_id, former=True)
    folder = Path(current_app.config["UPLOAD_DIR"]) / "avatars"
    if person.avatar_file and (folder / person.avatar_file).is_file():
        versioned = request.args.get("v") == person.avatar_file  # else revalidate (cheap 304)
        return send_from_directory(folder, person.avatar_file, max_age=86400 if versioned else 0)
    words = person.name.split()
    initials = "".join(w[0] for w in (words[:1] + words[1:][-1:])).upper() or "?"
    response = make_response(render_template("people/avatar.svg", initials=initials,
                                             hue=(person.id * 47) % 360))
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "private, no-cache"  # a new upload shows at once
    return response


@bp.route("/profile/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> Response:
    """A new token is shown once, on this response only (never flashed: the cookie is readable)."""
    user = me()
    form, created, clear = TokenForm(), None, None
    if form.validate_on_submit():
        with db.transaction() as s:
            created, clear = do_create_token(s, user, form.name.data)
        if wants_json():
            return done(None, "", status=201, id=created.id, name=created.name, token=clear)
        form = TokenForm(formdata=None)
    response = form_page("people/tokens.html", form, tokens=queries.active_tokens(db.session, user),
                         created=created, clear=clear)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def token_revoke(token_id: int) -> Response:
    with db.transaction() as s:
        do_revoke_token(s, me(), token_id)
    return done(_("The token is revoked: it no longer opens the API."), url_for("people.tokens"))


@bp.route("/language", methods=["POST"])
@login_required
def language() -> Response:
    """The nav's language switcher: remember the choice, then return to the same page."""
    form = LanguageForm()
    if not form.validate():
        raise Invalid(_("Unknown language."), field="locale")
    with db.transaction() as s:
        do_set_locale(s, me(), form.locale.data or None)
    if wants_json():
        return done(None, "", locale=form.locale.data or None)
    return redirect(back_url(url_for("people.profile")))
