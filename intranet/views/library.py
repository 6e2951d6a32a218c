"""A group's Files tab: folders, uploads with versions, the files shared on its posts, and
downloads, all through access (a private or secret group's files are a 404 to outsiders)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from intranet import access
from intranet.actions import library as library_actions
from intranet.actions.files import Upload
from intranet.platform import db, files, previews
from intranet.platform.errors import DomainError, Invalid, NotFound
from intranet.platform.inputs import parse_int
from intranet.queries import library as library_queries
from intranet.views.common import done, form_data, me, refused
from intranet.views.files import send_download, send_inline
from intranet.views.library_preview import preview_of

bp = Blueprint("library", __name__)


def _folder_arg(values: Any, name: str = "folder") -> int | None:
    raw = values.get(name)
    if raw in (None, ""):
        return None
    value = parse_int(raw if isinstance(raw, int) and not isinstance(raw, bool) else str(raw), low=1)
    if value is None:
        raise Invalid(_("%(name)s must be a positive number.", name=name), field=name)
    return value


@bp.route("/groups/<int:group_id>/files", methods=["GET"])
@login_required
def index(group_id: int) -> str:
    user = me()
    group = access.access_group_content(user, group_id)
    folder = access.access_library_folder(user, group, _folder_arg(request.args))
    s = db.session()
    return render_template("library/index.html", group=group,
                           listing=library_queries.listing(s, group, folder),
                           shared=library_queries.shared_files(s, group) if folder is None else [],
                           can_add=user.is_admin or access.is_member(user, group), preview_of=preview_of)


@bp.route("/groups/<int:group_id>/files", methods=["POST"])
@login_required
def upload(group_id: int) -> Response:
    user = me()
    group = access.access_group_content(user, group_id)
    folder = access.access_library_folder(user, group, _folder_arg(request.form))
    target = url_for("library.index", group_id=group.id, folder=folder.id if folder else None)
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    sent = [f for f in request.files.getlist("file") if f.filename]
    if len(sent) != 1:
        return refused(Invalid(_("Choose one file to upload."), field="file"), target)
    try:
        with db.transaction() as s:
            sent_file = Upload(sent[0].filename or "", files.read_limited(sent[0].stream, limit))
            item = library_actions.do_upload(s, user, group, folder, sent_file)
    except DomainError as exc:
        return refused(exc, target)
    message = _("“%(name)s” is added (version %(n)d).", name=item.filename, n=item.version)
    return done(message, target, status=201, id=item.id, version=item.version)


@bp.route("/groups/<int:group_id>/folders", methods=["POST"])
@login_required
def create_folder(group_id: int) -> Response:
    user, data = me(), form_data()
    group = access.access_group_content(user, group_id)
    parent = access.access_library_folder(user, group, _folder_arg(data, "parent_id"))
    target = url_for("library.index", group_id=group.id, folder=parent.id if parent else None)
    try:
        with db.transaction() as s:
            folder = library_actions.do_create_folder(s, user, group, data.get("name"), parent)
    except DomainError as exc:
        return refused(exc, target)
    return done(_("The folder is created."), url_for("library.index", group_id=group.id, folder=folder.id),
                status=201, id=folder.id)


@bp.route("/library/<int:file_id>", methods=["GET"])
@login_required
def show(file_id: int) -> str:
    user = me()
    item = access.access_library_file(user, file_id)
    s = db.session()
    can_delete = item.uploader_id == user.id or access.can_manage_group(user, item.group)
    return render_template("library/show.html", item=item, versions=library_queries.versions_of(s, item),
                           path=library_queries.path_of(s, item.folder), preview=preview_of(item),
                           can_delete=can_delete)


@bp.route("/library/<int:file_id>/download", methods=["GET"])
@login_required
def download(file_id: int) -> Response:
    item = access.access_library_file(me(), file_id)
    return send_download(item.sha256, item.content_type, item.filename)


@bp.route("/library/<int:file_id>/thumb/<digest>", methods=["GET"])
@login_required
def thumb(file_id: int, digest: str) -> Response:
    """A photo's thumbnail or a PDF's first page, named by its digest: immutable (see
    ``views.files``); access is checked on every request that reaches the server."""
    item = access.access_library_file(me(), file_id)
    if item.thumb_sha256 is None or digest != item.thumb_sha256:
        raise NotFound(_("This file does not exist or is not visible to you."))
    return send_inline(digest, previews.THUMB_TYPE, "private, max-age=31536000, immutable")


@bp.route("/library/<int:file_id>/delete", methods=["POST"])
@login_required
def delete(file_id: int) -> Response:
    user = me()
    item = access.access_library_file(user, file_id)
    back = url_for("library.index", group_id=item.group_id, folder=item.folder_id)
    try:
        with db.transaction() as s:
            library_actions.do_delete_file(s, user, item)
    except DomainError as exc:
        return refused(exc, url_for("library.show", file_id=file_id))
    return done(_("The file is removed with its versions."), back)


@bp.route("/groups/<int:group_id>/files/search", methods=["GET"])
@login_required
def search(group_id: int) -> Response:
    """Search inside the library's files: the search page, narrowed to this group's files."""
    group = access.access_group_content(me(), group_id)
    q = request.args.get("q", "").strip()[:400]
    if not q:
        return redirect(url_for("library.index", group_id=group.id))
    return redirect(url_for("search.results", q=f"{q} type:file", group=group.id))
