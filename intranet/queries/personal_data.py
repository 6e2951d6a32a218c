"""A person's data as a zip (GDPR articles 15 and 20): JSON files and the files they shared.

Built into a temporary file on disk, never in memory: rows are read in chunks and written as
they come, JSON arrays item by item, stored files copied from the upload folder by streaming.
What others wrote stays out (messages of the other participants, comments on one's posts): it
is their personal data, not this person's.

    profile.json      the account, department, skills, groups and roles
    posts.json        posts written, with their group and files
    comments.json     comments written, with their post
    messages.json     messages written (not deleted), with their conversation
    reactions.json    reactions given
    files.json        files shared (posts and messages), with their place in files/
    files/<id>-<name> the files themselves
    avatar.png        the profile picture, if any
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from intranet.models import Attachment, Comment, Group, Membership, Message, Post, Reaction, User, utcnow
from intranet.platform.files import stored_path

CHUNK = 500


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _rows(session: Session, stmt: Select) -> Iterator[Any]:
    """Rows in chunks of ``CHUNK`` (the driver's cursor, not a list of everything)."""
    return iter(session.execute(stmt.execution_options(yield_per=CHUNK)))


def _write_array(archive: zipfile.ZipFile, name: str, items: Iterable[dict]) -> int:
    count = 0
    with archive.open(name, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
        out.write("[")
        for item in items:
            out.write(("," if count else "") + "\n  " + json.dumps(item, ensure_ascii=False))
            count += 1
        out.write("\n]\n")
    return count


def _profile(session: Session, user: User) -> dict:
    groups = session.execute(select(Group.id, Group.name, Membership.role, Membership.created_at)
                             .join(Membership, Membership.group_id == Group.id)
                             .where(Membership.user_id == user.id).order_by(Group.name))
    return {
        "id": user.id, "name": user.name, "username": user.username, "email": user.email,
        "job_title": user.job_title, "bio": user.bio, "locale": user.locale, "timezone": user.timezone,
        "department": user.department.name if user.department else None,
        "skills": [s.name for s in user.skills], "is_admin": user.is_admin,
        "active": user.is_active_account, "created_at": _iso(user.created_at),
        "groups": [{"id": gid, "name": name, "role": role.value, "since": _iso(since)}
                   for gid, name, role, since in groups],
        "exported_at": _iso(utcnow()),
    }


def _posts(session: Session, user: User) -> Iterator[dict]:
    stmt = (select(Post.id, Post.group_id, Group.name, Post.body, Post.created_at, Post.edited_at)
            .outerjoin(Group, Group.id == Post.group_id).where(Post.author_id == user.id).order_by(Post.id))
    for pid, gid, group, body, created, edited in _rows(session, stmt):
        yield {"id": pid, "group_id": gid, "group": group, "body": body, "created_at": _iso(created),
               "edited_at": _iso(edited)}


def _comments(session: Session, user: User) -> Iterator[dict]:
    stmt = (select(Comment.id, Comment.post_id, Comment.body, Comment.created_at, Comment.edited_at)
            .where(Comment.author_id == user.id).order_by(Comment.id))
    for cid, pid, body, created, edited in _rows(session, stmt):
        yield {"id": cid, "post_id": pid, "body": body, "created_at": _iso(created),
               "edited_at": _iso(edited)}


def _messages(session: Session, user: User) -> Iterator[dict]:
    stmt = (select(Message.id, Message.conversation_id, Message.body_md, Message.created_at,
                   Message.edited_at)
            .where(Message.author_id == user.id, Message.deleted_at.is_(None)).order_by(Message.id))
    for mid, conversation, body, created, edited in _rows(session, stmt):
        yield {"id": mid, "conversation_id": conversation, "body": body, "created_at": _iso(created),
               "edited_at": _iso(edited)}


def _reactions(session: Session, user: User) -> Iterator[dict]:
    stmt = select(Reaction.post_id, Reaction.kind, Reaction.created_at).where(
        Reaction.user_id == user.id).order_by(Reaction.post_id)
    for pid, kind, created in _rows(session, stmt):
        yield {"post_id": pid, "kind": kind, "created_at": _iso(created)}


def _files(session: Session, user: User) -> list[tuple[dict, Path]]:
    """The files the person shared; the list is small next to the rows, their bytes are not."""
    stmt = (select(Attachment).where(Attachment.uploader_id == user.id).order_by(Attachment.id))
    out = []
    for attachment in session.scalars(stmt):
        safe = attachment.filename.replace("/", "_").replace("\\", "_") or "file"
        entry = {"id": attachment.id, "name": attachment.filename, "size": attachment.size,
                 "content_type": attachment.content_type, "post_id": attachment.post_id,
                 "message_id": attachment.message_id, "created_at": _iso(attachment.created_at),
                 "path": f"files/{attachment.id}-{safe}"}
        out.append((entry, stored_path(attachment.sha256)))
    return out


def build_archive(session: Session, user: User) -> IO[bytes]:
    """The zip, in a temporary file (deleted when closed), rewound for sending."""
    target = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115  (send_file closes it)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("profile.json", json.dumps(_profile(session, user), ensure_ascii=False, indent=2))
        _write_array(archive, "posts.json", _posts(session, user))
        _write_array(archive, "comments.json", _comments(session, user))
        _write_array(archive, "messages.json", _messages(session, user))
        _write_array(archive, "reactions.json", _reactions(session, user))
        files = _files(session, user)
        _write_array(archive, "files.json", (entry for entry, _path in files))
        for entry, path in files:
            if path.is_file():
                archive.write(path, entry["path"])
        if user.avatar_file:
            avatar = Path(current_app.config["UPLOAD_DIR"]) / "avatars" / user.avatar_file
            if avatar.is_file():
                archive.write(avatar, "avatar.png")
    target.seek(0)
    return target


def archive_name(user: User) -> str:
    return f"intranet-data-{user.username}-{utcnow():%Y%m%d}.zip"
