"""Keeping and planning in the API: my bookmarks (saved posts), drafts, follows (people and
#topics) and scheduled posts. Each is mine alone: another person's is 404, as is a post, person
or group I may not see. The lists come a page at a time (``?cursor=&limit=`` -> ``next_cursor``,
keyed on their order's time and an id: ``queries.keyset``). Documented in ``openapi/keeping.py``."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from intranet import access
from intranet.actions import keeping, scheduling
from intranet.models import Draft, Group, ScheduledPost, Topic
from intranet.platform import db
from intranet.platform.errors import Invalid, NotFound
from intranet.platform.web import json_body
from intranet.queries import feed as feeds
from intranet.queries import social as queries
from intranet.views.api import bp
from intranet.views.api.openapi import keeping as _document  # noqa: F401  (registers the paths)
from intranet.views.api.params import boolean, cursor_of, integer, keyset_window, me, text
from intranet.views.api.serializers import group_ref, iso, post_json, user_ref
from intranet.views.composer import options_from

# ---- bookmarks ------------------------------------------------------------------------------------


@bp.get("/me/bookmarks")
@login_required
def bookmark_list() -> Response:
    """My saved posts I may still read, the most recently saved first, page by page."""
    page = queries.saved_page(db.session, me(), *keyset_window())
    return jsonify(items=[post_json(v) for v in page.items], next_cursor=cursor_of(page.next_key))


@bp.put("/me/bookmarks/<int:post_id>")
@login_required
def bookmark_add(post_id: int) -> Response:
    """Idempotent: saving a saved post changes nothing."""
    post = access.access_post(me(), post_id)
    with db.transaction() as s:
        keeping.do_bookmark(s, me(), post, True)
    return jsonify(saved=True, post=post_json(feeds.post_view(db.session, me(), post)))


@bp.delete("/me/bookmarks/<int:post_id>")
@login_required
def bookmark_remove(post_id: int) -> tuple[str, int]:
    post = access.access_post(me(), post_id)
    with db.transaction() as s:
        keeping.do_bookmark(s, me(), post, False)
    return "", 204


# ---- drafts ---------------------------------------------------------------------------------------

def _draft_json(draft: Draft, group: Group | None) -> dict[str, Any]:
    return {"group": group_ref(group), "body": draft.body, "updated_at": iso(draft.updated_at)}


@bp.get("/me/drafts")
@login_required
def draft_list() -> Response:
    page = queries.drafts_page(db.session, me(), *keyset_window())
    return jsonify(items=[_draft_json(d, g) for d, g in page.items], next_cursor=cursor_of(page.next_key))


@bp.put("/me/drafts")
@login_required
def draft_save() -> Response:
    """Keep what I am writing in a place (``group_id`` null: the company feed); an empty or
    blank ``body`` discards the draft (``draft`` null in the answer)."""
    data = json_body()
    group_id = integer(data, "group_id")
    group = access.access_group(me(), group_id) if group_id is not None else None
    body = text(data, "body", required=True)
    with db.transaction() as s:
        draft = keeping.do_save_draft(s, me(), group, body)
    return jsonify(draft=_draft_json(draft, group) if draft is not None else None)


# ---- follows --------------------------------------------------------------------------------------

@bp.get("/me/follows")
@login_required
def follow_list() -> Response:
    """A page of my follows (the most recent first) split into people and topics."""
    page = queries.follows_page(db.session, me(), *keyset_window())
    return jsonify(people=[user_ref(p) for p, _t in page.items if p is not None and p.is_active_account],
                   topics=[t.name for _p, t in page.items if t is not None],
                   next_cursor=cursor_of(page.next_key))


def _topic(name: str) -> Topic:
    topic = db.session.scalar(select(Topic).where(Topic.name == name.lower().lstrip("#")))
    if topic is None:
        raise NotFound(_("Nobody has used this topic yet."))
    return topic


@bp.put("/me/follows/people/<int:user_id>")
@login_required
def follow_person(user_id: int) -> Response:
    """Their posts I may read join my home feed; idempotent."""
    person = access.access_user(me(), user_id)
    with db.transaction() as s:
        keeping.do_follow_person(s, me(), person, True)
    return jsonify(following=True, user=user_ref(person))


@bp.delete("/me/follows/people/<int:user_id>")
@login_required
def unfollow_person(user_id: int) -> tuple[str, int]:
    person = access.access_user(me(), user_id, former=True)
    with db.transaction() as s:
        keeping.do_follow_person(s, me(), person, False)
    return "", 204


@bp.put("/me/follows/topics/<name>")
@login_required
def follow_topic(name: str) -> Response:
    topic = _topic(name)
    with db.transaction() as s:
        keeping.do_follow_topic(s, me(), topic, True)
    return jsonify(following=True, topic=topic.name)


@bp.delete("/me/follows/topics/<name>")
@login_required
def unfollow_topic(name: str) -> tuple[str, int]:
    topic = _topic(name)
    with db.transaction() as s:
        keeping.do_follow_topic(s, me(), topic, False)
    return "", 204


# ---- scheduled posts ------------------------------------------------------------------------------

def _scheduled_json(row: ScheduledPost) -> dict[str, Any]:
    return {"id": row.id, "group": group_ref(row.group), "body": row.body, "kind": row.kind,
            "announcement": row.announcement, "poll": row.poll, "publish_at": iso(row.publish_at),
            "created_at": iso(row.created_at), "error": row.error}


@bp.get("/me/scheduled")
@login_required
def scheduled_list() -> Response:
    """Mine until published, the next first; ``error``: why one could not be published."""
    page = queries.scheduled_page(db.session, me(), *keyset_window())
    return jsonify(items=[_scheduled_json(r) for r in page.items], next_cursor=cursor_of(page.next_key))


@bp.post("/me/scheduled")
@login_required
def scheduled_create() -> tuple[Response, int, dict]:
    """The fields of ``POST /posts`` (no files) and ``publish_at``: checked now, published then."""
    data = json_body()
    group_id = integer(data, "group_id")
    group = access.access_group(me(), group_id) if group_id is not None else None
    extra = options_from(data)
    if extra.publish_at is None:
        raise Invalid(_("%(name)s is required.", name="publish_at"), field="publish_at")
    with db.transaction() as s:
        row = scheduling.do_schedule_post(s, me(), group, text(data, "body", required=True),
                                          extra.publish_at, kind=extra.kind, poll=extra.poll,
                                          announcement=boolean(data, "announcement", default=False))
    return jsonify(_scheduled_json(row)), 201, {"Location": url_for(".scheduled_list")}


@bp.delete("/me/scheduled/<int:scheduled_id>")
@login_required
def scheduled_cancel(scheduled_id: int) -> tuple[str, int]:
    row = scheduling.access_scheduled(db.session, me(), scheduled_id)
    with db.transaction() as s:
        scheduling.do_cancel_scheduled(s, me(), row)
    return "", 204
