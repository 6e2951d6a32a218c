"""Messages and inbox cases in search: only their conversation's participants and their
service's inbox people find them, in results and facet counts; leaving hides them at once."""

from __future__ import annotations

from intranet.actions.messaging import do_delete_message, do_leave, do_send_message, do_start_conversation
from intranet.models import Conversation, Message, User
from intranet.platform import db
from tests.api_helpers import Api, api_clients
from tests.case_helpers import inbox_cast, make_case


def _search(api, who: str, q: str) -> tuple[list[tuple[str, int]], dict]:
    status, body = api[who]("GET", f"/search?q={q}")
    assert status == 200, body
    kinds = {f["value"]: f["count"] for f in body["facets"].get("type", [])}
    return [(i["kind"], i["id"]) for i in body["items"]], kinds


def _conversation(app, cast) -> tuple[int, int]:
    with app.app_context(), db.transaction() as s:
        alice = s.get(User, cast.alice.id)
        conversation, _new = do_start_conversation(s, alice, [cast.bob.id], "Budget")
        message = do_send_message(s, alice, conversation, "The zanzibar budget is due Friday")
        return conversation.id, message.id


def test_messages_are_found_by_participants_only(app, cast, drain_index):
    conversation_id, message_id = _conversation(app, cast)
    drain_index()
    api = api_clients(app, cast)
    for who in ("alice", "bob"):
        items, kinds = _search(api, who, "zanzibar")
        assert items == [("message", message_id)] and kinds.get("message") == 1
    for who in ("lea", "admin"):  # a lead or an admin reads nobody's conversations
        items, kinds = _search(api, who, "zanzibar")
        assert items == [] and "message" not in kinds
    with app.app_context(), db.transaction() as s:
        do_leave(s, s.get(User, cast.bob.id), s.get(Conversation, conversation_id))
    assert _search(api, "bob", "zanzibar")[0] == []  # at once, before any reindexing
    with app.app_context(), db.transaction() as s:
        do_delete_message(s, s.get(User, cast.alice.id), s.get(Message, message_id))
    drain_index()
    assert _search(api, "alice", "zanzibar")[0] == []


def test_cases_are_found_by_their_service_only(app, cast, drain_index):
    ic = inbox_cast(app, cast)
    routed = make_case(app, ic.source, cast.service, text="The quokka blender caught fire", author="kim")
    unrouted = make_case(app, ic.source, None, text="Quokka blender: where is my refund?")
    drain_index()
    agents = {"sam": Api(app.test_client(), ic.sam), "mia": Api(app.test_client(), ic.mia)}
    api = api_clients(app, cast) | agents
    assert sorted(_search(api, "sam", "quokka")[0]) == [("case", routed.id), ("case", unrouted.id)]
    assert _search(api, "mia", "quokka")[0] == [("case", unrouted.id)]  # another service's agent
    for who in ("alice", "bob"):  # employees, even of that department, see no customer data
        items, kinds = _search(api, who, "quokka")
        assert items == [] and "case" not in kinds
