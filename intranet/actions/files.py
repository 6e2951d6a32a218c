"""Shared files and photos on posts, comments and messages: validate every file, then write
the post (comment, message) and its attachments. One validation and one storage path for all.

A photo is decoded by a child process on upload (``previews.make``): stored re-encoded, its
metadata gone, with a thumbnail; a PDF gets a first-page preview when one can be made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from intranet.actions.comments import do_add_comment
from intranet.actions.common import enqueue_index
from intranet.actions.message_social import thread_root
from intranet.actions.messaging import do_send_message
from intranet.actions.posts import do_create_post
from intranet.models import Attachment, Comment, Conversation, Group, LibraryFile, Message, Post, User
from intranet.platform import files, previews
from intranet.platform.errors import Invalid


@dataclass
class Upload:
    """A file as received: the name the person gave it and its bytes (read with a cap); once
    checked, a photo's bytes are its clean copy and ``preview`` holds its size and thumbnail."""

    filename: str
    data: bytes
    preview: previews.Preview | None = None


def check_uploads(uploads: list[Upload], *, on_message: bool = False,
                  on_comment: bool = False) -> list[tuple[Upload, str]]:
    """Every file allowed, not empty, under the size limit; returns (upload, extension)."""
    limit, most = current_app.config["MAX_ATTACHMENT_BYTES"], current_app.config["MAX_ATTACHMENTS"]
    if len(uploads) > most:
        raise Invalid(_("At most %(n)d files per message.", n=most) if on_message
                      else _("At most %(n)d files per comment.", n=most) if on_comment
                      else _("At most %(n)d files per post.", n=most), field="files")
    checked = []
    allowed = ", ".join(sorted(e.lstrip(".") for e in files.ALLOWED))
    for up in uploads:
        name = (up.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]
        ext = files.extension(name)
        if ext not in files.ALLOWED:
            raise Invalid(_("“%(name)s” is not a type we accept (%(types)s).", name=name or "?",
                            types=allowed), field="files")
        if not up.data:
            raise Invalid(_("“%(name)s” is empty.", name=name), field="files")
        if len(up.data) > limit:
            raise Invalid(_("“%(name)s” is too large (at most %(mb)d MB).", name=name,
                            mb=limit // (1024 * 1024)), field="files")
        if not files.content_looks_right(ext, up.data):
            raise Invalid(_("“%(name)s” does not look like a %(ext)s file.", name=name,
                            ext=ext.lstrip(".")), field="files")
        if ext in files.ZIP_TYPES:
            _check_archive(name, ext, up.data)
        checked.append((Upload(name, up.data), ext))
    return _with_previews(checked)


def _with_previews(checked: list[tuple[Upload, str]]) -> list[tuple[Upload, str]]:
    """Photos replaced by their clean copies (or the first refused one said why), PDFs given
    their previews; all made at once, side by side (``previews.make_all``)."""
    wanted = [i for i, (_up, ext) in enumerate(checked) if ext in previews.IMAGE_TYPES or ext == ".pdf"]
    made = previews.make_all([(checked[i][0].data, checked[i][1]) for i in wanted])
    out = list(checked)
    for i, outcome in zip(wanted, made, strict=True):
        up, ext = checked[i]
        if isinstance(outcome, previews.Refused):
            raise Invalid(_photo_refusal(up.filename, outcome), field="files")
        if outcome is not None:
            out[i] = (Upload(up.filename, outcome.data or up.data, outcome), ext)
    return out


def _photo_refusal(name: str, refused: previews.Refused) -> str:
    if refused.reason == "pixels":
        return _("“%(name)s” has too many pixels (at most %(mp)d megapixels).", name=name,
                 mp=refused.limit // 1_000_000)
    if refused.reason == "side":
        return _("“%(name)s” is too wide or too tall (at most %(n)d pixels a side).", name=name,
                 n=refused.limit)
    if refused.reason == "frames":
        return _("“%(name)s” is an animation too long to show (at most %(n)d frames).",
                 name=name, n=refused.limit)
    if refused.reason == "type":
        return _("“%(name)s” is not the kind of picture its name says.", name=name)
    if refused.reason in ("memory", "time"):
        return _("“%(name)s” takes too much to read: save it smaller and try again.", name=name)
    return _("“%(name)s” is a damaged picture.", name=name)


def _check_archive(name: str, ext: str, data: bytes) -> None:
    """An Office file is a zip: refuse one that would unpack to far more than a document does."""
    refused = files.archive_problem(data)
    if refused is None:
        return
    if refused.reason == "entries":
        message = _("“%(name)s” holds too many parts (at most %(n)d): it is not a document we "
                    "can accept.", name=name, n=refused.limit)
    elif refused.reason == "unpacked":
        message = _("“%(name)s” unpacks to more than %(mb)d MB: it is not a document we can "
                    "accept.", name=name, mb=refused.limit // (1024 * 1024))
    elif refused.reason == "ratio":
        message = _("“%(name)s” is packed more than %(n)d to 1, as a zip bomb is: it is not a "
                    "document we can accept.", name=name, n=refused.limit)
    else:
        message = _("“%(name)s” is a damaged %(ext)s file.", name=name, ext=ext.lstrip("."))
    raise Invalid(message, field="files")


def do_create_post_with_files(session: Session, author: User, group: Group | None, body: object,
                              uploads: list[Upload], *, announcement: bool = False, **options: Any) -> Post:
    """The post and its files in one transaction (files are checked before anything is written).

    Files are attached only here, when the post is written, never later: a post's attachments
    never change, which keeps the rendered-card cache (keyed by the post's state) exact.
    """
    checked = check_uploads(uploads)
    post = do_create_post(session, author, group, body, announcement=announcement,
                          with_files=bool(checked), **options)
    attach(session, author, checked, post_id=post.id)
    post.attachment_count = len(checked)
    return post


def do_add_comment_with_files(session: Session, author: User, post: Post, body: object,
                              uploads: list[Upload]) -> Comment:
    """A comment and its photos or files in one transaction, checked before anything is written.
    The files carry the post's id too: readable exactly when the post is."""
    checked = check_uploads(uploads, on_comment=True)
    comment = do_add_comment(session, author, post, body, with_files=bool(checked))
    rows = attach(session, author, checked, post_id=post.id, comment_id=comment.id)
    set_committed_value(comment, "attachments", rows)
    return comment


def do_send_message_with_files(session: Session, author: User, conversation: Conversation,
                               body: object, uploads: list[Upload], *,
                               reply_to: object = None) -> Message:
    """A message and its files in one transaction, checked before anything is written. The
    message's live event goes out after commit, so the files are there when pages fetch it.
    ``reply_to``: a message id, to reply in its thread (checked by ``thread_root``)."""
    checked = check_uploads(uploads, on_message=True)
    root = None if reply_to is None else thread_root(session, conversation, reply_to)
    message = do_send_message(session, author, conversation, body, reply_to=root, with_files=bool(checked))
    rows = attach(session, author, checked, message_id=message.id)
    # A new message has exactly these files (never added later): say so, rather than have the
    # answer's serializer query them back on every send.
    set_committed_value(message, "attachments", rows)
    return message


def attach(session: Session, uploader: User, checked: list[tuple[Upload, str]], *,
           post_id: int | None = None, message_id: int | None = None,
           comment_id: int | None = None) -> list[Attachment]:
    """Store checked files and write their rows on a post, a comment or a message; each is
    indexed (a photo by its name)."""
    rows = []
    for up, ext in checked:
        digest = files.store_bytes(up.data)  # content-addressed: a rollback leaves no wrong row
        made = up.preview
        att = Attachment(post_id=post_id, message_id=message_id, comment_id=comment_id,
                         uploader_id=uploader.id, filename=up.filename,
                         content_type=files.ALLOWED[ext], size=len(up.data), sha256=digest,
                         width=made.width if made and made.data else None,
                         height=made.height if made and made.data else None,
                         thumb_sha256=files.store_bytes(made.thumb) if made and made.thumb else None)
        session.add(att)
        session.flush()
        enqueue_index(session, "file", att.id)
        rows.append(att)
    return rows


def sweep_files(session: Session, grace_seconds: float = 3600) -> int:
    """Delete the stored contents of removed posts', deleted messages' and removed library files (see
    ``files.sweep_orphans``); run hourly by the scheduler and by ``flask files sweep``."""
    def referenced(digests: list[str]) -> set[str]:  # a thumbnail is kept as long as its row
        return (set(session.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(digests))))
                | set(session.scalars(select(Attachment.thumb_sha256)
                                      .where(Attachment.thumb_sha256.in_(digests))))
                | set(session.scalars(select(LibraryFile.sha256).where(LibraryFile.sha256.in_(digests))))
                | set(session.scalars(select(LibraryFile.thumb_sha256)
                                      .where(LibraryFile.thumb_sha256.in_(digests)))))

    return files.sweep_orphans(referenced, grace_seconds=grace_seconds)
