"""Shared files: download through access (the file's post must be readable)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, send_file
from flask_babel import gettext as _
from flask_login import login_required

from intranet import access
from intranet.actions.files import Upload
from intranet.platform import files
from intranet.platform.errors import NotFound
from intranet.views.common import me

bp = Blueprint("files", __name__)


def uploads_from_request() -> list[Upload]:
    """The request's ``files`` parts, each read with a cap (an empty file input sends none)."""
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    return [Upload(f.filename or "", files.read_limited(f.stream, limit))
            for f in request.files.getlist("files") if f.filename]


@bp.route("/files/<int:attachment_id>", methods=["GET"])
@login_required
def download(attachment_id: int) -> Response:
    attachment = access.access_attachment(me(), attachment_id)
    path = files.stored_path(attachment.sha256)
    if not path.is_file():
        raise NotFound(_("This file is no longer available."))
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    return response
