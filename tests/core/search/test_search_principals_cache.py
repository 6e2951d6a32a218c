"""Search's principals cache: kept across requests under the access version, which every write
to memberships, groups, conversations, inbox roles, departments or a user's admin flag moves
in its own transaction; anything else leaves it (and the cache) alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, update

from intranet import access
from intranet.access import version as access_version
from intranet.actions.groups import do_join_group, do_remove_member, do_set_member, do_update_group
from intranet.actions.messaging import do_leave, do_mark_read, do_send_message, do_start_conversation
from intranet.actions.posts import do_create_post
from intranet.actions.users import do_create_department, do_update_profile
from intranet.inbox.actions.settings import do_add_agent, do_remove_agent
from intranet.models import Conversation, Department, Membership, User
from intranet.platform import db
from intranet.search.registry import MEMBERSHIPS_CACHE, PRINCIPALS_CACHE, principals_of
from tests.api_helpers import api_clients
from tests.domain_helpers import fresh


def _version(app: Flask) -> int:
    with app.app_context():
        return access_version.version(db.session)


def _post_ids(api: Any, who: str, q: str) -> list[int]:
    status, body = api[who]("GET", f"/search?q={q}")
    assert status == 200, body
    return [i["id"] for i in body["items"] if i["kind"] == "post"]


def _private_post_found_by_alice(app: Flask, cast: Any, drain_index: Any) -> tuple[Any, Any]:
    """Lea's post in the private group apollo, indexed, found by its member alice (so her
    principals are cached); the post and the API clients."""
    with app.app_context(), db.transaction() as s:
        post = do_create_post(s, fresh(s, cast.lea), fresh(s, cast.apollo), "Le plan quetzal")
    drain_index()
    api = api_clients(app, cast)
    assert _post_ids(api, "alice", "quetzal") == [post.id]
    return post, api


def test_removal_from_a_private_group_hides_its_content_from_the_very_next_search(
        app: Flask, cast: Any, drain_index: Any) -> None:
    post, api = _private_post_found_by_alice(app, cast, drain_index)
    assert _post_ids(api, "alice", "quetzal") == [post.id]  # the second one from the cache
    cached_at, principals = app.extensions[PRINCIPALS_CACHE][cast.alice.id]
    assert cached_at == _version(app) and f"g:{cast.apollo.id}" in principals
    with app.app_context(), db.transaction() as s:
        do_remove_member(s, fresh(s, cast.lea), fresh(s, cast.apollo), fresh(s, cast.alice))
    assert _version(app) > cached_at
    assert _post_ids(api, "alice", "quetzal") == []
    assert _post_ids(api, "lea", "quetzal") == [post.id]


def _memberships_for_hydration(app: Flask, user: Any) -> tuple[dict[int, Any], list[str]]:
    """What a search request's hydration checks results against (``access.memberships``,
    after the principals), and the statements that read memberships to get it."""
    seen: list[str] = []

    def spy(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM memberships" in statement:
            seen.append(statement)

    with app.test_request_context("/"):
        event.listen(db.engine(), "before_cursor_execute", spy)
        try:
            reader = fresh(db.session, user)
            principals_of(reader)
            return dict(access.memberships(reader)), seen
        finally:
            event.remove(db.engine(), "before_cursor_execute", spy)


def test_hydration_memberships_are_kept_with_the_principals_and_follow_a_departure(
        app: Flask, cast: Any, drain_index: Any) -> None:
    _post, api = _private_post_found_by_alice(app, cast, drain_index)
    cached_at, roles = app.extensions[MEMBERSHIPS_CACHE][cast.alice.id]
    assert cached_at == _version(app) and cast.apollo.id in roles
    mine, reads = _memberships_for_hydration(app, cast.alice)
    assert mine == roles and reads == []  # from the cache, no statement
    with app.test_request_context("/"):  # the home page's names are read again, not lost
        alice = fresh(db.session, cast.alice)
        principals_of(alice)
        assert access.my_group_names(alice)[cast.apollo.id] == cast.apollo.name
    with app.app_context(), db.transaction() as s:
        do_remove_member(s, fresh(s, cast.lea), fresh(s, cast.apollo), fresh(s, cast.alice))
    mine, reads = _memberships_for_hydration(app, cast.alice)
    assert cast.apollo.id not in mine and len(reads) == 1  # read again at once
    assert _post_ids(api, "alice", "quetzal") == []
    assert app.extensions[MEMBERSHIPS_CACHE][cast.alice.id] == (_version(app), mine)


def test_a_groups_first_indexed_post_reaches_a_reader_whose_principals_are_cached(
        app: Flask, cast: Any, drain_index: Any) -> None:
    """The reader's ACL codes are remembered with their principals; Apollo has no code until
    its first post is indexed, which must count although the principals did not change."""
    drain_index()
    api = api_clients(app, cast)
    assert _post_ids(api, "alice", "quetzal") == []
    cached = app.extensions[PRINCIPALS_CACHE][cast.alice.id]
    with app.app_context(), db.transaction() as s:
        post = do_create_post(s, fresh(s, cast.lea), fresh(s, cast.apollo), "Le plan quetzal")
    drain_index()
    assert _post_ids(api, "alice", "quetzal") == [post.id]
    assert app.extensions[PRINCIPALS_CACHE][cast.alice.id] is cached  # same set, new code


def _join(s: Any, cast: Any) -> None:
    do_join_group(s, fresh(s, cast.alice), fresh(s, cast.coffee))


def _promote(s: Any, cast: Any) -> None:
    do_set_member(s, fresh(s, cast.lea), fresh(s, cast.apollo), fresh(s, cast.alice), "lead")


def _remove(s: Any, cast: Any) -> None:
    do_remove_member(s, fresh(s, cast.lea), fresh(s, cast.apollo), fresh(s, cast.alice))


def _visibility(s: Any, cast: Any) -> None:
    do_update_group(s, fresh(s, cast.bob), fresh(s, cast.coffee), name="Coffee",
                    description="", visibility="private")


def _converse(s: Any, cast: Any) -> None:
    do_start_conversation(s, fresh(s, cast.alice), [cast.bob.id], "Lunch")


def _leave(s: Any, cast: Any) -> None:
    conversation = s.query(Conversation).filter_by(title="Lunch").one()
    do_leave(s, fresh(s, cast.bob), conversation)


def _agent(s: Any, cast: Any) -> None:
    do_add_agent(s, fresh(s, cast.admin), fresh(s, cast.service), fresh(s, cast.alice))


def _agent_removed(s: Any, cast: Any) -> None:  # a bulk DELETE statement, not a flush
    do_remove_agent(s, fresh(s, cast.admin), fresh(s, cast.service), fresh(s, cast.alice))


def _admin(s: Any, cast: Any) -> None:
    fresh(s, cast.alice).is_admin = True


def _department(s: Any, cast: Any) -> None:
    do_create_department(s, "Legal", acting_user=None)


def _bulk_update(s: Any, cast: Any) -> None:
    s.execute(update(Membership).where(Membership.user_id == cast.alice.id).values(role="lead"))


WRITES: dict[str, tuple[Any, Callable[[Any, Any], None]]] = {
    "join": (None, _join), "promote": (None, _promote), "remove": (None, _remove),
    "visibility": (None, _visibility), "conversation": (None, _converse),
    "leave": (_converse, _leave), "agent": (None, _agent), "agent removed": (_agent, _agent_removed),
    "admin flag": (None, _admin), "department": (None, _department),
    "bulk update": (None, _bulk_update)}


@pytest.mark.parametrize(("setup", "write"), WRITES.values(), ids=list(WRITES))
def test_every_access_write_moves_the_version(app: Flask, cast: Any, setup: Any,
                                              write: Any) -> None:
    if setup is not None:
        with app.app_context(), db.transaction() as s:
            setup(s, cast)
    before = _version(app)
    with app.app_context(), db.transaction() as s:
        write(s, cast)
    assert _version(app) > before


def test_other_writes_keep_the_version_and_the_cache(app: Flask, cast: Any) -> None:
    api = api_clients(app, cast)
    with app.app_context(), db.transaction() as s:
        _converse(s, cast)
    _post_ids(api, "alice", "anything")
    before = _version(app)
    with app.app_context(), db.transaction() as s:  # a message moves the conversation and read positions
        conversation = s.query(Conversation).filter_by(title="Lunch").one()
        message = do_send_message(s, fresh(s, cast.bob), conversation, "On my way")
        do_mark_read(s, fresh(s, cast.alice), conversation, message.id)
    cached = app.extensions[PRINCIPALS_CACHE][cast.alice.id]
    with app.app_context(), db.transaction() as s:
        alice = fresh(s, cast.alice)
        do_create_post(s, alice, None, "Lunch at noon")
        do_update_profile(s, alice, name="Alice M.", job_title="Writer", bio="", skills="",
                          locale="fr")
        s.get(Department, cast.marketing.id)
        s.get(User, cast.bob.id).locale = "fr"
    assert _version(app) == before
    _post_ids(api, "alice", "anything")
    assert app.extensions[PRINCIPALS_CACHE][cast.alice.id] is cached
