"""A group's file library: folders, uploads (a new upload of an existing name is its next
version, the older ones kept), removal. Files are checked and stored exactly as shared files
are (``actions.files``), and indexed for search with the group's ACL (kind ``libfile``)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.common import audit, clean_text, enqueue_index
from intranet.actions.files import Upload, check_uploads
from intranet.models import Group, LibraryFile, LibraryFolder, User
from intranet.platform import files
from intranet.platform.errors import Conflict, Forbidden, Invalid
from intranet.queries.library import versions_of

MAX_DEPTH = 6


def require_member(user: User, group: Group) -> None:
    """Members add to a group's library (admins too); readers of a public group only read it."""
    if not (user.is_admin or access.is_member(user, group)):
        raise Forbidden(_("Join this group to add files to its library."))


def _depth(folder: LibraryFolder | None, session: Session) -> int:
    depth = 0
    while folder is not None:
        depth += 1
        folder = session.get(LibraryFolder, folder.parent_id) if folder.parent_id else None
    return depth


def do_create_folder(session: Session, user: User, group: Group, name: object,
                     parent: LibraryFolder | None = None) -> LibraryFolder:
    require_member(user, group)
    clean = clean_text(name, field="name", label=_("Folder name"), max_len=120)
    if "/" in clean or "\\" in clean:
        raise Invalid(_("A folder name cannot hold a slash."), field="name")
    if _depth(parent, session) >= MAX_DEPTH:
        raise Invalid(_("Folders go at most %(n)d levels deep.", n=MAX_DEPTH), field="name")
    same = select(LibraryFolder.id).where(
        LibraryFolder.group_id == group.id, func.lower(LibraryFolder.name) == clean.lower(),
        LibraryFolder.parent_id.is_(None) if parent is None else LibraryFolder.parent_id == parent.id)
    if session.scalar(same) is not None:
        raise Conflict(_("A folder with this name is already here."), field="name")
    folder = LibraryFolder(group_id=group.id, parent_id=parent.id if parent else None, name=clean,
                           created_by_id=user.id)
    session.add(folder)
    session.flush()
    audit(session, user, "library.folder", "library_folder", folder.id, group_id=group.id, name=clean)
    return folder


def do_upload(session: Session, user: User, group: Group, folder: LibraryFolder | None,
              upload: Upload) -> LibraryFile:
    """Store one file in a folder; the same name (any case) there becomes its next version."""
    require_member(user, group)
    (checked, ext), = check_uploads([upload])
    place = (LibraryFile.group_id == group.id) & (
        LibraryFile.folder_id.is_(None) if folder is None else LibraryFile.folder_id == folder.id)
    same = place & (func.lower(LibraryFile.filename) == checked.filename.lower())
    last = session.scalar(select(func.max(LibraryFile.version)).where(same)) or 0
    session.execute(update(LibraryFile).where(same, LibraryFile.current).values(current=False))
    digest = files.store_bytes(checked.data)
    made = checked.preview  # a photo's clean copy is ``checked.data``; its thumbnail, a PDF's preview
    item = LibraryFile(group_id=group.id, folder_id=folder.id if folder else None, uploader_id=user.id,
                       filename=checked.filename, content_type=files.ALLOWED[ext], size=len(checked.data),
                       sha256=digest, version=last + 1, current=True,
                       thumb_sha256=files.store_bytes(made.thumb) if made and made.thumb else None)
    session.add(item)
    session.flush()
    audit(session, user, "library.upload", "library_file", item.id, group_id=group.id,
          filename=item.filename, version=item.version)
    enqueue_index(session, "libfile", item.id)
    return item


def do_delete_file(session: Session, user: User, item: LibraryFile) -> int:
    """Its uploader, a lead of the group or an admin removes a file with all its versions; the
    stored contents go with the next sweep when nothing else refers to them."""
    if item.uploader_id != user.id and not access.can_manage_group(user, item.group):
        raise Forbidden(_("Only the uploader or a lead of the group can remove this file."))
    rows = versions_of(session, item)
    for row in rows:
        enqueue_index(session, "libfile", row.id, op="delete")
        session.delete(row)
    audit(session, user, "library.delete", "library_file", item.id, group_id=item.group_id,
          filename=item.filename, versions=len(rows))
    session.flush()
    return len(rows)
