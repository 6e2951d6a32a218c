"""Shared files on posts and messages: validate every file, then write the post (or message)
and its attachments. One validation and one storage path for both."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from intranet.actions.common import enqueue_index
from intranet.actions.messaging import do_send_message
from intranet.actions.posts import do_create_post
from intranet.models import Attachment, Conversation, Group, LibraryFile, Message, Post, User
from intranet.platform import files
from intranet.platform.errors import Invalid


@dataclass
class Upload:
    """A file as received: the name the person gave it and its bytes (read with a cap)."""

    filename: str
    data: bytes


def check_uploads(uploads: list[Upload], *, on_message: bool = False) -> list[tuple[Upload, str]]:
    """Every file allowed, not empty, under the size limit; returns (upload, extension)."""
    limit, most = current_app.config["MAX_ATTACHMENT_BYTES"], current_app.config["MAX_ATTACHMENTS"]
    if len(uploads) > most:
        raise Invalid(_("At most %(n)d files per message.", n=most) if on_message
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
    return checked


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
                              uploads: list[Upload], *, announcement: bool = False) -> Post:
    """The post and its files in one transaction (files are checked before anything is written).

    Files are attached only here, when the post is written, never later: a post's attachments
    never change, which keeps the rendered-card cache (keyed by the post's state) exact.
    """
    checked = check_uploads(uploads)
    post = do_create_post(session, author, group, body, announcement=announcement)
    attach(session, author, checked, post_id=post.id)
    post.attachment_count = len(checked)
    return post


def do_send_message_with_files(session: Session, author: User, conversation: Conversation,
                               body: object, uploads: list[Upload]) -> Message:
    """A message and its files in one transaction, checked before anything is written. The
    message's live event goes out after commit, so the files are there when pages fetch it."""
    checked = check_uploads(uploads, on_message=True)
    message = do_send_message(session, author, conversation, body)
    rows = attach(session, author, checked, message_id=message.id)
    # A new message has exactly these files (never added later): say so, rather than have the
    # answer's serializer query them back on every send.
    set_committed_value(message, "attachments", rows)
    return message


def attach(session: Session, uploader: User, checked: list[tuple[Upload, str]], *,
           post_id: int | None = None, message_id: int | None = None) -> list[Attachment]:
    """Store checked files and write their rows on a post or a message; each is indexed."""
    rows = []
    for up, ext in checked:
        digest = files.store_bytes(up.data)  # content-addressed: a rollback leaves no wrong row
        att = Attachment(post_id=post_id, message_id=message_id, uploader_id=uploader.id,
                         filename=up.filename, content_type=files.ALLOWED[ext], size=len(up.data),
                         sha256=digest)
        session.add(att)
        session.flush()
        enqueue_index(session, "file", att.id)
        rows.append(att)
    return rows


def sweep_files(session: Session, grace_seconds: float = 3600) -> int:
    """Delete the stored contents of removed posts', deleted messages' and removed library files (see
    ``files.sweep_orphans``); run hourly by the scheduler and by ``flask files sweep``."""
    def referenced(digests: list[str]) -> set[str]:
        return set(session.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(digests)))) | set(
            session.scalars(select(LibraryFile.sha256).where(LibraryFile.sha256.in_(digests))))

    return files.sweep_orphans(referenced, grace_seconds=grace_seconds)
