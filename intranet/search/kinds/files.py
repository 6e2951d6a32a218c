"""Shared files in search: a post's attachments under the post's ACL, a message's under its
conversation's (built and hydrated by ``messages``). The extracted text is indexed, never read
in the upload request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from intranet import access
from intranet.models import Attachment, Post, User
from intranet.platform import db, files
from intranet.search.index.schema import Doc
from intranet.search.kinds.content import content_acl, ids_in_order, place_of
from intranet.search.kinds.messages import build_message_files, hydrate_message_files
from intranet.search.registry import Item, register_kind


def build_files(session: Session, ids: list[int]) -> dict[int, Doc]:
    """A file's text is extracted here, in the indexer, never in the upload request. Files sent
    in conversations are built with the messages (``messages``), under their ACL."""
    rows = session.scalars(select(Attachment).where(
        Attachment.id.in_(ids), Attachment.post_id.is_not(None)).options(
        joinedload(Attachment.post).joinedload(Post.author)))
    docs = {}
    for a in rows:
        text = files.text_of(a.sha256, a.filename)
        docs[a.id] = Doc(kind="file", id=a.id, title=a.filename, body=text, created=a.created_at,
                         acl=content_acl(a.post.group_id), author_id=a.uploader_id,
                         group_id=a.post.group_id, department_id=a.post.author.department_id,
                         parent=f"post:{a.post_id}")
    return docs | build_message_files(session, ids)


def hydrate_files(user: User, ids: list[int]) -> dict[int, Item]:
    rows = db.session.scalars(select(Attachment).join(Post, Post.id == Attachment.post_id).where(
        Attachment.id.in_(ids), access.readable_posts_clause(user)).options(
        joinedload(Attachment.uploader), joinedload(Attachment.post).joinedload(Post.group)))
    out = {}
    for a in rows:
        place, place_url = place_of(a.post.group)
        text = files.text_of(a.sha256, a.filename)
        out[a.id] = Item("file", a.id, a.filename, text or a.filename, f"/files/{a.id}",
                         a.created_at, a.uploader, place, place_url,
                         extra={"post_url": f"/posts/{a.post_id}", "size": a.size})
    return out | hydrate_message_files(user, ids)


def register() -> None:
    register_kind("file", build=build_files, all_ids=lambda s: ids_in_order(s, Attachment.id),
                  hydrate=hydrate_files, label=_l("Files"))
