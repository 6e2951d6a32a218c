"""Shared files: download through access (the file's post, comment's post or conversation must
be readable: 404 for hidden and missing alike); photos shown inline and thumbnails.

Caching: an attachment never changes once written, so its thumbnail (content-addressed, named
in the URL by its digest) is ``private, immutable`` for a year; the full photo and downloads are
``private, no-cache`` with an ETag, so the browser keeps them but asks again (a 304 without
reading the file) and access is checked on every view: someone who left the group gets 404 for
the photo; only a thumbnail already seen stays in that person's own browser cache."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from intranet import access
from intranet.actions.files import Upload
from intranet.models import Attachment
from intranet.platform import files, previews
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
    return send_download(attachment.sha256, attachment.content_type, attachment.filename)


def send_download(digest: str, mimetype: str, filename: str) -> Response:
    """A stored file as a download under its name, revalidated each time (access may change);
    the caller has checked access. Shared files and library files both go out this way."""
    path = files.stored_path(digest)
    if not path.is_file():
        raise NotFound(_("This file is no longer available."))
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/files/<int:attachment_id>/view", methods=["GET"])
@login_required
def view(attachment_id: int) -> Response:
    """A photo inline (the lightbox's picture); any other file: 404 (it is downloaded)."""
    attachment = access.access_attachment(me(), attachment_id)
    if not attachment.is_image:
        raise NotFound(_("This file does not exist or is not visible to you."))
    return send_inline(attachment.sha256, attachment.content_type, "private, no-cache")


@bp.route("/files/<int:attachment_id>/thumb/<digest>", methods=["GET"])
@login_required
def thumb(attachment_id: int, digest: str) -> Response:
    """A photo's thumbnail or a PDF's first-page preview, named by its digest: immutable."""
    attachment = access.access_attachment(me(), attachment_id)
    if attachment.thumb_sha256 is None or digest != attachment.thumb_sha256:
        raise NotFound(_("This file does not exist or is not visible to you."))
    return send_inline(digest, previews.THUMB_TYPE, "private, max-age=31536000, immutable")


def send_inline(digest: str, mimetype: str, cache_control: str) -> Response:
    """A stored picture shown inline, its digest as ETag (304 when the browser has it)."""
    path = files.stored_path(digest)
    if not path.is_file():
        raise NotFound(_("This file is no longer available."))
    if digest in request.if_none_match:  # the browser has it: no need to open the file
        response = Response(status=304)
    else:
        response = send_file(path, mimetype=mimetype, etag=False, conditional=False)
    response.set_etag(digest)
    response.headers["Cache-Control"] = cache_control
    response.headers["Content-Disposition"] = "inline"
    return response


def thumb_url(attachment: Attachment) -> str | None:
    """The thumbnail's URL (None without one), for templates and the API."""
    if attachment.thumb_sha256 is None:
        return None
    return url_for("files.thumb", attachment_id=attachment.id, digest=attachment.thumb_sha256)


@bp.app_template_global()
def photo_urls(attachment: Attachment) -> dict[str, str | None]:
    return {"thumb": thumb_url(attachment),
            "view": url_for("files.view", attachment_id=attachment.id) if attachment.is_image else None}
