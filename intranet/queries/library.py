"""Read models of a group's Files tab: a folder's subfolders and current files, the files shared
on the group's posts, and a folder's path. The caller has checked the group readable."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from intranet.models import Attachment, Group, LibraryFile, LibraryFolder, Post

SHARED_LIMIT = 200


@dataclass
class Listing:
    folder: LibraryFolder | None
    path: list[LibraryFolder]
    folders: list[LibraryFolder]
    files: list[LibraryFile]
    versions: dict[int, int]  # current file id -> how many versions


def _here(column, folder: LibraryFolder | None):
    return column.is_(None) if folder is None else column == folder.id


def listing(session: Session, group: Group, folder: LibraryFolder | None) -> Listing:
    folders = list(session.scalars(select(LibraryFolder).where(
        LibraryFolder.group_id == group.id, _here(LibraryFolder.parent_id, folder)).order_by(
        func.lower(LibraryFolder.name))))
    current = list(session.scalars(select(LibraryFile).where(
        LibraryFile.group_id == group.id, _here(LibraryFile.folder_id, folder), LibraryFile.current)
        .options(joinedload(LibraryFile.uploader)).order_by(func.lower(LibraryFile.filename))))
    name = func.lower(LibraryFile.filename)
    counts = {key: n for key, n in session.execute(select(name, func.count()).where(
        LibraryFile.group_id == group.id, _here(LibraryFile.folder_id, folder)).group_by(name))}
    return Listing(folder, path_of(session, folder), folders, current,
                   {f.id: counts.get(f.filename.lower(), 1) for f in current})


def path_of(session: Session, folder: LibraryFolder | None) -> list[LibraryFolder]:
    path: list[LibraryFolder] = []
    while folder is not None:
        path.insert(0, folder)
        folder = session.get(LibraryFolder, folder.parent_id) if folder.parent_id else None
    return path


def shared_files(session: Session, group: Group, limit: int = SHARED_LIMIT) -> list[Attachment]:
    """Files shared on the group's posts, newest first (comments carry no files of their own yet:
    when they do, their attachments join here through the same post)."""
    return list(session.scalars(select(Attachment).join(Post, Post.id == Attachment.post_id).where(
        Post.group_id == group.id).options(joinedload(Attachment.uploader)).order_by(
        Attachment.id.desc()).limit(limit)))


def versions_of(session: Session, item: LibraryFile) -> list[LibraryFile]:
    """Every version of this file's name in its folder, newest first."""
    return list(session.scalars(select(LibraryFile).where(
        LibraryFile.group_id == item.group_id, _here(LibraryFile.folder_id, item.folder),
        func.lower(LibraryFile.filename) == item.filename.lower()).order_by(LibraryFile.version.desc())))
