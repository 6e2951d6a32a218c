"""Tasks and library files in search, under their group's content ACL ("g:<id>").

A task's labels are its topics (``#faq`` finds it); its status and assignees are reserved
keywords in the same field (``is:open`` -> ``is:open``, ``assignee:alice`` -> ``assignee:12``,
a service as ``assignee:g7``), so ``is:`` and ``assignee:`` need no new index field and no
rebuild. Library files are indexed with their extracted text, as shared files are.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from intranet import access
from intranet.models import LibraryFile, Task
from intranet.platform import db, files
from intranet.platform.sanitize import index_text
from intranet.search.index.schema import Doc
from intranet.search.kinds.content import content_acl, ids_in_order, place_of
from intranet.search.registry import Item, register_kind


def status_keyword(status: str) -> str:
    return f"is:{status}"


def assignee_keyword(user_id: int | None = None, group_id: int | None = None) -> str:
    return f"assignee:{user_id}" if user_id is not None else f"assignee:g{group_id}"


def build_tasks(session: Session, ids: list[int]) -> dict[int, Doc]:
    rows = session.scalars(select(Task).where(Task.id.in_(ids)).options(
        selectinload(Task.assignees), selectinload(Task.checklist), joinedload(Task.creator)))
    docs = {}
    for t in rows:
        marks = [status_keyword(t.status.value)] + [assignee_keyword(a.user_id) for a in t.assignees]
        if t.service_group_id:
            marks.append(assignee_keyword(group_id=t.service_group_id))
        body = " ".join([index_text(t.html), *(i.text for i in t.checklist)])
        docs[t.id] = Doc(kind="task", id=t.id, title=t.title, body=body, created=t.created_at,
                         acl=content_acl(t.group_id), author_id=t.creator_id, group_id=t.group_id,
                         department_id=t.creator.department_id if t.creator else None,
                         topics=[*(t.labels or []), *marks])
    return docs


def hydrate_tasks(user, ids: list[int]) -> dict[int, Item]:
    rows = db.session.scalars(select(Task).where(Task.id.in_(ids), access.readable_tasks_clause(user))
                              .options(joinedload(Task.creator), joinedload(Task.group)))
    out = {}
    for t in rows:
        place, place_url = place_of(t.group)
        out[t.id] = Item("task", t.id, t.title, index_text(t.html) or t.title, f"/tasks/{t.id}",
                         t.created_at, t.creator, place, place_url, extra={"status": t.status.value})
    return out


def build_library(session: Session, ids: list[int]) -> dict[int, Doc]:
    """Every version is findable (its page lists the others); the text is extracted here, in
    the indexer, never in the upload request."""
    rows = session.scalars(select(LibraryFile).where(LibraryFile.id.in_(ids)).options(
        joinedload(LibraryFile.uploader)))
    return {f.id: Doc(kind="libfile", id=f.id, title=f.filename, body=files.text_of(f.sha256, f.filename),
                      created=f.created_at, acl=content_acl(f.group_id), author_id=f.uploader_id,
                      group_id=f.group_id, department_id=f.uploader.department_id if f.uploader else None)
            for f in rows}


def hydrate_library(user, ids: list[int]) -> dict[int, Item]:
    rows = db.session.scalars(select(LibraryFile).where(
        LibraryFile.id.in_(ids), access.readable_library_clause(user)).options(
        joinedload(LibraryFile.uploader), joinedload(LibraryFile.group)))
    out = {}
    for f in rows:
        place, place_url = place_of(f.group)
        text = files.text_of(f.sha256, f.filename)
        out[f.id] = Item("libfile", f.id, f.filename, text or f.filename, f"/library/{f.id}", f.created_at,
                         f.uploader, place, place_url, extra={"size": f.size, "version": f.version})
    return out


def register() -> None:
    register_kind("task", build=build_tasks, all_ids=lambda s: ids_in_order(s, Task.id),
                  hydrate=hydrate_tasks, label=_l("Tasks"))
    register_kind("libfile", build=build_library, all_ids=lambda s: ids_in_order(s, LibraryFile.id),
                  hydrate=hydrate_library, label=_l("Library files"))
