"""Messaging through the API: start (direct reused), send, read, edit, delete, leave, access, bad input."""

from __future__ import annotations

from domain_helpers import fresh, make_user
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from intranet.access import version as access_version
from intranet.actions.users import do_deactivate_user
from intranet.models import Conversation, Message, Notification, Participant, SearchOutbox
from intranet.platform import db
from tests.api_helpers import api_clients, conforms


def start(api, *users, title=None) -> dict:
    body = {"user_ids": [u.id for u in users], **({"title": title} if title else {})}
    status, data = api("POST", "/conversations", body)
    assert status in (200, 201), data
    conforms(data, "Conversation")
    return data


def send(api, cid, body="Hello") -> dict:
    status, data = api("POST", f"/conversations/{cid}/messages", {"body": body})
    assert status == 201, data
    conforms(data, "Message")
    return data


def test_direct_conversation_is_reused_not_duplicated(app, cast):
    apis = api_clients(app, cast)
    first = start(apis["alice"], cast.bob)
    assert first["is_direct"] and first["title"] == "Bob Durand"
    status, again = apis["bob"]("POST", "/conversations", {"user_ids": [cast.alice.id]})
    assert status == 200 and again["id"] == first["id"]
    group = start(apis["alice"], cast.bob, title="Launch")
    assert group["id"] != first["id"] and not group["is_direct"] and group["title"] == "Launch"


def test_send_read_and_unread_counts(app, cast, session):
    apis = api_clients(app, cast)
    cid = start(apis["alice"], cast.bob, cast.lea)["id"]
    m1 = send(apis["alice"], cid, "**Hello** team <script>x</script>")
    assert "<strong>Hello</strong>" in m1["html"] and "<script>" not in m1["html"]
    m2 = send(apis["alice"], cid, "Second")
    status, listing = apis["bob"]("GET", "/conversations")
    conforms(listing, "ConversationList")
    assert listing["items"][0]["unread"] == 2 and listing["unread_total"] == 2
    status, read = apis["bob"]("POST", f"/conversations/{cid}/read", {"message_id": m1["id"]})
    assert status == 200 and conforms(read, "ReadResult") and read["unread"] == 1
    status, back = apis["bob"]("POST", f"/conversations/{cid}/read", {"message_id": m1["id"] - 1 or m1["id"]})
    assert back["last_read_message_id"] == m1["id"]  # never moves backwards
    apis["bob"]("POST", f"/conversations/{cid}/read", {"message_id": m2["id"]})
    status, one = apis["alice"]("GET", f"/conversations/{cid}")
    positions = {p["user"]["id"]: p["last_read_message_id"] for p in one["participants"]}
    assert positions[cast.bob.id] == m2["id"] and positions[cast.lea.id] == 0
    assert session.scalar(select(func.count()).select_from(SearchOutbox).where(
        SearchOutbox.kind == "message")) == 2


def test_a_send_reads_the_senders_place_once_and_not_its_new_files(app, cast):
    """The view's access check reads the conversation and the sender's place in one query and keeps
    the place for the action's own check (it was collected in between and read again), and the
    answer knows a new message's files (none here) without a query. What is written stays the
    same: message, event, outbox row."""
    apis = api_clients(app, cast)
    cid = start(apis["alice"], cast.bob, cast.lea, title="Counted")["id"]
    send(apis["alice"], cid, "warm-up")
    seen: list[str] = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine()
    sa_event.listen(engine, "before_cursor_execute", listener)
    try:
        sent = send(apis["alice"], cid, "Counted")
    finally:
        sa_event.remove(engine, "before_cursor_execute", listener)
    assert sent["files"] == []
    assert sum("participants.joined_at" in s for s in seen if s.startswith("SELECT")) == 1  # my place, once
    assert not any("FROM attachments" in s for s in seen)
    assert sorted(s.split(" (")[0] for s in seen if s.startswith("INSERT")) == [
        "INSERT INTO events", "INSERT INTO messages", "INSERT INTO search_outbox"]
    assert sorted(s.split(" SET")[0] for s in seen if s.startswith("UPDATE")) == [
        "UPDATE conversations", "UPDATE participants"]  # the last message, my read position


def test_a_send_keeps_the_access_version_and_a_rejoin_moves_it(app, cast):
    """A message moves positions nobody's access depends on (written as Core statements, which
    ``access_version`` does not see); a direct conversation bringing back someone who had left
    changes who reads it, through the ORM: the search principals cache must drop."""
    apis = api_clients(app, cast)
    cid = start(apis["alice"], cast.bob)["id"]
    send(apis["alice"], cid, "first")
    with app.app_context():
        before = access_version.version(db.session)
    sent = send(apis["alice"], cid, "second")
    with app.app_context():
        assert access_version.version(db.session) == before
        assert db.session.get(Participant, (cid, cast.alice.id)).last_read_message_id == sent["id"]
        assert db.session.get(Conversation, cid).last_message_id == sent["id"]
    assert apis["bob"]("POST", f"/conversations/{cid}/leave")[0] == 204
    with app.app_context():
        before = access_version.version(db.session)
    send(apis["alice"], cid, "come back")
    with app.app_context():
        assert access_version.version(db.session) > before


def test_catch_up_by_message_id_in_order(app, cast):
    apis = api_clients(app, cast)
    cid = start(apis["alice"], cast.bob)["id"]
    ids = [send(apis["alice" if i % 2 else "bob"], cid, f"m{i}")["id"] for i in range(6)]
    status, page = apis["bob"]("GET", f"/conversations/{cid}/messages?after={ids[2]}")
    assert status == 200 and conforms(page, "MessagePage")
    assert [m["id"] for m in page["items"]] == ids[3:] and not page["more"]
    status, page = apis["bob"]("GET", f"/conversations/{cid}/messages?after={ids[0]}&limit=2")
    assert [m["id"] for m in page["items"]] == ids[1:3] and page["more"]


def test_edit_and_delete_own_only(app, cast):
    apis = api_clients(app, cast)
    cid = start(apis["alice"], cast.bob)["id"]
    mid = send(apis["alice"], cid, "Typo")["id"]
    status, body = apis["bob"]("PATCH", f"/messages/{mid}", {"body": "Hacked"})
    assert status == 403 and body["error"]["code"] == "forbidden"
    status, edited = apis["alice"]("PATCH", f"/messages/{mid}", {"body": "Fixed"})
    assert status == 200 and edited["html"].strip() == "<p>Fixed</p>" and edited["edited_at"]
    assert apis["bob"]("DELETE", f"/messages/{mid}")[0] == 403
    assert apis["alice"]("DELETE", f"/messages/{mid}")[0] == 204
    status, gone = apis["bob"]("GET", f"/messages/{mid}")
    assert gone["deleted"] and gone["html"] == "" and gone["body"] == ""
    assert apis["alice"]("PATCH", f"/messages/{mid}", {"body": "again"})[0] == 403


def test_only_participants_see_a_conversation_admins_and_leads_included(app, cast):
    apis = api_clients(app, cast)
    cid = start(apis["alice"], cast.bob)["id"]
    mid = send(apis["alice"], cid)["id"]
    for name in ("lea", "admin"):
        api = apis[name]
        assert api("GET", f"/conversations/{cid}")[0] == 404
        assert api("GET", f"/conversations/{cid}/messages")[0] == 404
        assert api("POST", f"/conversations/{cid}/messages", {"body": "hi"})[0] == 404
        assert api("POST", f"/conversations/{cid}/read", {"message_id": mid})[0] == 404
        assert api("GET", f"/messages/{mid}")[0] == 404
        assert api("PATCH", f"/conversations/{cid}", {"title": "x"})[0] == 404
        assert api("POST", f"/conversations/{cid}/participants", {"user_ids": [cast.lea.id]})[0] == 404
        assert api("GET", "/conversations")[1]["items"] == []
    assert apis["lea"]("GET", "/conversations/999999")[0] == 404


def test_bad_input_is_a_clear_400_and_writes_nothing(app, cast, session):
    apis = api_clients(app, cast)
    alice = apis["alice"]
    cid = start(alice, cast.bob)["id"]
    for body in ({"body": ""}, {"body": "   "}, {"body": "x" * 10_001}, {"body": 5}, {}):
        status, data = alice("POST", f"/conversations/{cid}/messages", body)
        assert status == 400 and data["error"]["field"] == "body", body
    for ids in ([], [cast.alice.id], [987654], "bob", [True], list(range(1000, 1051))):
        status, data = alice("POST", "/conversations", {"user_ids": ids})
        assert status == 400 and data["error"]["field"] == "user_ids", ids
    assert alice("POST", f"/conversations/{cid}/read", {"message_id": "1"})[0] == 400
    assert alice("POST", f"/conversations/{cid}/read", {"message_id": 424242})[0] == 404
    status, data = alice("POST", f"/conversations/{cid}/participants", {"user_ids": [cast.lea.id]})
    assert status == 400  # a direct conversation stays between two people
    assert session.scalar(select(func.count()).select_from(Message)) == 0
    assert session.scalar(select(func.count()).select_from(Participant)) == 2


def test_deactivated_people_cannot_be_messaged(app, cast, session):
    apis = api_clients(app, cast)
    cid = start(apis["alice"], cast.bob)["id"]
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, fresh(s, cast.bob), acting_user=fresh(s, cast.admin))
    status, data = apis["alice"]("POST", f"/conversations/{cid}/messages", {"body": "still there?"})
    assert status == 400 and "deactivated" in data["error"]["message"]
    status, data = apis["alice"]("POST", "/conversations", {"user_ids": [cast.bob.id]})
    assert status == 400 and data["error"]["field"] == "user_ids"
    assert session.scalar(select(func.count()).select_from(Message)) == 0


def test_adding_people_leaving_and_renaming(app, cast):
    apis = api_clients(app, cast)
    cid = start(apis["alice"], cast.bob, title="Plan")["id"]
    assert apis["lea"]("POST", f"/conversations/{cid}/participants", {"user_ids": [cast.lea.id]})[0] == 404
    status, data = apis["bob"]("POST", f"/conversations/{cid}/participants", {"user_ids": [cast.lea.id]})
    assert status == 200 and len(data["participants"]) == 3
    mid = send(apis["alice"], cid, "for everyone")["id"]
    assert apis["lea"]("GET", f"/messages/{mid}")[0] == 200
    status, data = apis["lea"]("PATCH", f"/conversations/{cid}", {"title": "Plan B", "muted": True})
    assert status == 200 and data["title"] == "Plan B" and data["muted"]
    assert apis["lea"]("POST", f"/conversations/{cid}/leave")[0] == 204
    assert apis["lea"]("GET", f"/messages/{mid}")[0] == 404
    assert apis["lea"]("GET", "/conversations")[1]["items"] == []


def test_notifications_aggregate_per_conversation_mute_and_mentions(app, cast, session):
    apis = api_clients(app, cast)
    cid = start(apis["alice"], cast.bob, cast.lea, title="Team")["id"]
    apis["lea"]("PATCH", f"/conversations/{cid}", {"muted": True})
    for i in range(3):
        send(apis["alice"], cid, f"news {i}")
    last = send(apis["alice"], cid, "@lea please look")
    rows = session.execute(select(Notification.user_id, Notification.kind).where(
        Notification.conversation_id == cid)).all()
    kinds = sorted((uid, kind.value) for uid, kind in rows)
    assert kinds == sorted([(cast.bob.id, "message"), (cast.lea.id, "message_mention")])
    _status, page = apis["bob"]("GET", "/notifications")
    conforms(page, "NotificationPage")
    assert page["items"][0]["conversation_id"] == cid and page["unread"] == 1
    apis["bob"]("POST", f"/conversations/{cid}/read", {"message_id": last["id"]})
    assert apis["bob"]("GET", "/notifications")[1]["unread"] == 0


def test_new_person_can_start_a_conversation_from_the_people_pages(app, cast, make_web):
    carol = make_user(app, "carol@example.com", "Carol Petit")
    web = make_web().login(cast.alice)
    page = web.get(f"/people/{carol.id}")
    assert b'action="/messages/new"' in page.data
    resp = web.post("/messages/new", data={"to": str(carol.id)})
    assert resp.status_code == 302 and "/messages/" in resp.headers["Location"]
    again = web.post("/messages/new", data={"to": str(carol.id)})
    assert again.headers["Location"] == resp.headers["Location"]
    shown = web.get(resp.headers["Location"])
    assert shown.status_code == 200 and "Carol Petit" in shown.get_data(as_text=True)
    assert web.get("/messages/new?to=abc").status_code == 400
    listing = web.get("/messages").get_data(as_text=True)
    assert "Carol Petit" in listing
