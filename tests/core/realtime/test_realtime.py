"""Live updates over real Socket.IO test clients, and the durable event log behind catch-up."""

from __future__ import annotations

from domain_helpers import fresh
from sqlalchemy import select

from intranet import access
from intranet.actions.comments import do_add_comment
from intranet.actions.groups import do_join_group, do_remove_member
from intranet.actions.posts import do_create_post
from intranet.actions.users import do_create_token, do_deactivate_user, do_revoke_token
from intranet.models import Event, Post, User
from intranet.platform import db
from intranet.platform.events import after_commit
from tests.conftest import PASSWORD


def received(sc, name: str | None = None) -> list[dict]:
    """The payloads this socket got since last asked (optionally only one event name)."""
    return [m["args"][0] for m in sc.get_received() if name is None or m["name"] == name]


def post(app, author, group, body="Hello") -> int:
    with app.app_context(), db.transaction() as s:
        return do_create_post(s, fresh(s, author), fresh(s, group) if group else None, body).id


def token_for(app, user) -> tuple[int, str]:
    with app.app_context(), db.transaction() as s:
        token, clear = do_create_token(s, fresh(s, user), "socket")
        return token.id, clear


# --- connecting -----------------------------------------------------------------------------

def test_anonymous_socket_is_refused(app, make_web, socket_for):
    assert not socket_for().is_connected()
    assert not socket_for(make_web()).is_connected()  # a browser that never logged in


def test_session_cookie_socket_receives_a_company_post(app, cast, make_web, socket_for):
    sc = socket_for(make_web().login(cast.bob))
    assert sc.is_connected()
    received(sc)  # whatever connect sent
    pid = post(app, cast.alice, None, "Company news")
    [data] = received(sc, "post")
    assert data["op"] == "add" and data["id"] == pid and data["type"] == "post"
    assert isinstance(data["event_id"], int) and data["event_id"] > 0


def test_token_socket_works_and_stays_authorised(app, cast, socket_for):
    _tid, clear = token_for(app, cast.alice)
    sc = socket_for(auth={"token": clear})
    assert sc.is_connected()
    pid = post(app, cast.lea, cast.apollo, "Apollo update")
    assert [d["id"] for d in received(sc, "post")] == [pid]
    assert sc.emit("ping_alive", callback=True) == {"ok": True}
    assert sc.is_connected()


def test_token_socket_is_dropped_at_its_next_message_once_revoked(app, cast, socket_for):
    tid, clear = token_for(app, cast.alice)
    sc = socket_for(auth={"token": clear})
    with app.app_context(), db.transaction() as s:
        do_revoke_token(s, fresh(s, cast.alice), tid)
    sc.emit("ping_alive", callback=True)
    assert not sc.is_connected()


def test_bad_or_revoked_token_is_refused(app, cast, socket_for):
    for auth in ({"token": "itk_not-a-real-token"}, {"token": ""}, {"token": 42}, {"nope": "x"}, "itk_x"):
        assert not socket_for(auth=auth).is_connected(), auth
    tid, clear = token_for(app, cast.alice)
    with app.app_context(), db.transaction() as s:
        do_revoke_token(s, fresh(s, cast.alice), tid)
    assert not socket_for(auth={"token": clear}).is_connected()


def test_deactivated_account_cannot_connect(app, cast, make_web, socket_for):
    web = make_web().login(cast.bob)
    _tid, clear = token_for(app, cast.bob)
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, fresh(s, cast.bob), acting_user=fresh(s, cast.admin))
    assert not socket_for(web).is_connected()
    assert not socket_for(auth={"token": clear}).is_connected()


# --- who receives what ----------------------------------------------------------------------

def test_private_group_post_reaches_members_only(app, cast, make_web, socket_for):
    alice = socket_for(make_web().login(cast.alice))
    bob = socket_for(make_web().login(cast.bob))
    received(alice), received(bob)
    pid = post(app, cast.lea, cast.apollo, "Secret plans, ask @bob")
    [data] = received(alice, "post")
    assert data["id"] == pid and data["group_id"] == cast.apollo.id and data["event_id"] > 0
    assert received(bob) == []  # neither the post nor a mention notification
    with app.app_context(), db.transaction() as s:
        do_add_comment(s, fresh(s, cast.lea), s.get(Post, pid), "more")
    assert [d["op"] for d in received(alice, "comment")] == ["add"]
    assert received(bob) == []


def test_notifications_reach_only_their_recipient(app, cast, make_web, socket_for):
    alice = socket_for(make_web().login(cast.alice))
    bob = socket_for(make_web().login(cast.bob))
    received(alice), received(bob)
    pid = post(app, cast.lea, None, "Thanks @bob")
    [note] = received(bob, "notification")
    assert note["kind"] == "mention" and note["unread"] == 1 and note["id"] > 0 and note["event_id"] > 0
    assert [(d["type"], d["id"]) for d in received(alice)] == [("post", pid)]


def test_deactivation_disconnects_the_socket(app, cast, make_web, socket_for):
    bob = socket_for(make_web().login(cast.bob))
    alice = socket_for(make_web().login(cast.alice))
    assert bob.is_connected()
    received(alice)
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, fresh(s, cast.bob), acting_user=fresh(s, cast.admin))
    assert not bob.is_connected()
    assert alice.is_connected() and received(alice) == []  # nothing was published to others


def test_deactivation_disconnects_token_sockets_too(app, cast, socket_for):
    _tid, clear = token_for(app, cast.bob)
    sc = socket_for(auth={"token": clear})
    assert sc.is_connected()
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, fresh(s, cast.bob), acting_user=fresh(s, cast.admin))
    assert not sc.is_connected()


def test_after_leaving_a_group_its_posts_stop_arriving(app, cast, make_web, socket_for):
    alice = socket_for(make_web().login(cast.alice))
    received(alice)
    with app.app_context(), db.transaction() as s:
        do_remove_member(s, fresh(s, cast.alice), fresh(s, cast.apollo), fresh(s, cast.alice))
    [left] = received(alice, "group")  # her own page learns she left
    assert left["op"] == "member_remove" and left["id"] == cast.apollo.id
    post(app, cast.lea, cast.apollo, "After she left")
    assert received(alice) == []
    with app.app_context(), db.transaction() as s:  # joining a public group starts the flow
        do_join_group(s, fresh(s, cast.alice), fresh(s, cast.coffee))
    received(alice)
    pid = post(app, cast.bob, cast.coffee, "Espresso")
    assert [d["id"] for d in received(alice, "post")] == [pid]


def test_ping_of_a_cookie_socket_after_deactivation_is_refused(app, cast, make_web, socket_for):
    sc = socket_for(make_web().login(cast.alice))
    assert sc.emit("ping_alive", callback=True) == {"ok": True}
    with app.app_context(), db.transaction() as s:  # change the account without the after-commit hook
        s.get(User, cast.alice.id).is_active_account = False
    sc.emit("ping_alive", callback=True)
    assert not sc.is_connected()


# --- the durable log and catch-up -----------------------------------------------------------

def test_events_are_rows_with_increasing_ids_and_catch_up_is_per_reader(app, cast):
    with app.app_context():
        start = db.session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0
    company = post(app, cast.alice, None, "For everyone, thanks @bob")  # post + bob's notification
    apollo = post(app, cast.lea, cast.apollo, "Apollo only, ask @bob")  # bob may not read it
    with app.app_context(), db.transaction() as s:
        do_remove_member(s, fresh(s, cast.alice), fresh(s, cast.apollo), fresh(s, cast.alice))
    after_leave = post(app, cast.lea, cast.apollo, "Apollo after alice left")
    board = post(app, cast.admin, cast.board, "Board minutes")
    coffee = post(app, cast.bob, cast.coffee, "Coffee time")

    with app.app_context():
        rows = list(db.session.scalars(select(Event).where(Event.id > start).order_by(Event.id)))
        assert [r.id for r in rows] == sorted({r.id for r in rows})

        def catch_up(who):
            user = db.session.get(User, who.id)
            clause = access.visible_events_clause(user)
            found = db.session.scalars(select(Event).where(Event.id > start, clause).order_by(Event.id))
            return [(e.type, e.payload.get("op"), e.payload.get("id")) for e in found]

        def posts_of(events):
            return [pid for kind, op, pid in events if kind == "post" and op == "add"]

        alice, bob, lea, admin = (catch_up(u) for u in (cast.alice, cast.bob, cast.lea, cast.admin))
        # alice: company, Apollo while she was in it, not after leaving; her own leave event
        assert posts_of(alice) == [company]
        assert ("group", "member_remove", cast.apollo.id) in alice
        assert apollo not in posts_of(alice) and after_leave not in posts_of(alice)
        # bob: company and his group; his own mention notification only
        assert posts_of(bob) == [company, coffee]
        bob_notes = [e for e in bob if e[0] == "notification"]
        assert len(bob_notes) == 1  # the company mention; the Apollo mention never existed
        # lea: company and Apollo (both), never bob's notification
        assert posts_of(lea) == [company, apollo, after_leave]
        assert not [e for e in lea if e[0] == "notification"]
        # admin: company and the secret board
        assert posts_of(admin) == [company, board]

        def owners(who):
            user = db.session.get(User, who.id)
            return {(e.user_id, e.group_id) for e in db.session.scalars(
                select(Event).where(Event.id > start, access.visible_events_clause(user)))}

        for who in (cast.alice, cast.bob, cast.lea, cast.admin):
            for user_id, _group_id in owners(who):
                assert user_id in (None, who.id)  # never someone else's personal events


def test_live_payload_matches_the_stored_event(app, cast, make_web, socket_for):
    sc = socket_for(make_web().login(cast.lea))
    received(sc)
    pid = post(app, cast.alice, cast.apollo, "x")
    [data] = received(sc, "post")
    with app.app_context():
        ev = db.session.get(Event, data["event_id"])
        assert ev.type == "post" and ev.group_id == cast.apollo.id and ev.user_id is None
        assert data == {**ev.payload, "type": "post", "event_id": ev.id} and ev.payload["id"] == pid


# --- after commit ---------------------------------------------------------------------------

def test_a_failing_after_commit_callback_loses_neither_the_change_nor_the_events(app, cast, captured_events):
    def broken() -> None:
        raise OSError("disk went away")

    with app.app_context(), db.transaction() as s:
        after_commit(s, broken)
        pid = do_create_post(s, fresh(s, cast.alice), None, "still published").id
    assert [(e["type"], e["data"]["id"]) for e in captured_events] == [("post", pid)]
    with app.app_context():
        assert db.session.get(Post, pid) is not None


def test_rollback_drops_pending_events_and_callbacks(app, cast, captured_events):
    ran = []
    with app.app_context():
        try:
            with db.transaction() as s:
                after_commit(s, lambda: ran.append(1))
                do_create_post(s, fresh(s, cast.alice), None, "never")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        with db.transaction() as s:  # the next unit of work on the same session emits only its own
            pid = do_create_post(s, fresh(s, cast.bob), None, "this one").id
    assert ran == []
    assert [(e["type"], e["data"]["id"]) for e in captured_events] == [("post", pid)]


def _logged_in_by_form(make_web, user):
    browser = make_web()
    assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return browser


def test_logging_out_ends_that_browsers_sockets_only(app, cast, make_web, socket_for):
    laptop, phone = _logged_in_by_form(make_web, cast.alice), _logged_in_by_form(make_web, cast.alice)
    on_laptop, on_phone = socket_for(laptop), socket_for(phone)
    _tid, clear = token_for(app, cast.alice)
    script = socket_for(auth={"token": clear})
    for sc in (on_laptop, on_phone, script):
        received(sc)
    assert laptop.post("/logout").status_code == 302
    assert not on_laptop.is_connected()  # told "session_ended", then dropped by the server
    pid = post(app, cast.bob, None, "Still live elsewhere")
    assert [d["id"] for d in received(on_phone, "post")] == [pid]  # the other browser stays logged in
    assert [d["id"] for d in received(script, "post")] == [pid]  # and so do API-token sockets
