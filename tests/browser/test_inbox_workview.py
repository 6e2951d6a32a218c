"""The inbox work view in Chromium (issue 19): an agent triages several cases from the keyboard
with the case open beside the list (which never reloads), assigns two cases in bulk, meets a
source that cannot reply (said before typing), keeps a reply's text through a refused send and
a reload, and answers through the demo's reply receiver, which delivers it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from intranet import create_app
from intranet.demo import receiver as demo_receiver
from intranet.inbox.actions.settings import do_add_agent, do_save_source
from intranet.models import Case, Department, InboxAgent, Source, User
from intranet.platform import db
from tests.browser.helpers import chromium_missing_reason, mark_page, still_same_page, wait_live
from tests.case_helpers import make_case

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


@pytest.fixture
def served(live_server: SimpleNamespace) -> Iterator[SimpleNamespace]:
    """The app's own database, and the demo's reply receiver reading it."""
    app = create_app(dict(live_server.config))
    receiver = demo_receiver.start(app, "127.0.0.1", 0)
    yield SimpleNamespace(app=app, receiver=receiver,
                          replies=f"http://127.0.0.1:{receiver.server_address[1]}/replies")
    receiver.shutdown()
    receiver.server_close()
    with app.app_context():
        db.engine().dispose()


def _arrange(served: SimpleNamespace, people: SimpleNamespace, token: str) -> SimpleNamespace:
    """Bob works Service client; the demo's X source (wired to the receiver as `make run` does)
    and a review site that cannot reply; five new cases, the newest first in the list."""
    app = served.app
    with app.app_context():
        with db.transaction() as s:
            admin = s.get(User, people.admin.id)
            service = s.scalar(select(Department).where(Department.name == "Service client"))
            if s.get(InboxAgent, (people.bob.id, service.id)) is None:
                do_add_agent(s, admin, service, s.get(User, people.bob.id))
            x = s.scalar(select(Source).where(Source.name == "X (mentions)")) or do_save_source(
                s, admin, None, name="X (mentions)", network="x", connector="webhook")
            reviews = do_save_source(s, admin, None, name=f"Reviews {token}", network="google_reviews",
                                     connector="import")
        demo_receiver.wire_demo_sources(served.replies)
        with db.transaction() as s:
            x_source, reviews = s.get(Source, x.id), s.get(Source, reviews.id)
        texts = [f"{i} {token} my blender stopped" for i in range(5)]
        cases = [make_case(app, reviews if i == 3 else x_source, service, text=text, author=f"c{i}_{token}")
                 for i, text in enumerate(texts)]
    return SimpleNamespace(cases=list(reversed(cases)), texts=list(reversed(texts)), x=x_source.id,
                           service=service.id)


def _status(app, case_id: int) -> str:
    with app.app_context():
        return db.session().get(Case, case_id).status.value


def test_keyboard_triage_bulk_assign_and_replies(open_browser, live_server, served):
    token = secrets.token_hex(3)
    arranged = _arrange(served, live_server.people, token)
    first, _second, third, fourth, fifth = arranged.cases  # newest first, as the list shows them
    bob = open_browser("bob")
    page = bob.page
    page.goto(f"/inbox?service={arranged.service}")
    mark_page(page)
    pane = page.locator("[data-case-pane]")
    rows = page.locator("[data-inbox-list] .case-row")
    expect(rows.first).to_contain_text(arranged.texts[0])

    # j / k: next and previous, each opening beside the list without a reload
    page.keyboard.press("j")
    expect(pane.locator(".customer-text")).to_have_text(arranged.texts[0])
    page.keyboard.press("j")
    expect(pane.locator(".customer-text")).to_have_text(arranged.texts[1])
    page.keyboard.press("k")
    expect(pane.locator(".customer-text")).to_have_text(arranged.texts[0])
    assert f"case={first.id}" in page.url and still_same_page(page)
    # a: assign to me, x: resolve, both in place; the row follows
    page.keyboard.press("a")
    expect(pane.locator("[data-case-status]")).to_have_text("Assigned")
    expect(rows.first).to_contain_text("Assigned to Bob Durand")
    page.keyboard.press("x")
    expect(pane.locator("[data-case-status]")).to_have_text("Resolved")
    assert _status(served.app, first.id) == "resolved" and still_same_page(page)

    # ?: the help overlay; Esc closes it
    page.keyboard.press("?")
    expect(page.locator("[data-shortcuts-help]")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("[data-shortcuts-help]")).to_be_hidden()

    # the next case's source cannot reply: the box says so before any typing, r shows why
    page.keyboard.press("j")
    expect(pane.locator(".customer-text")).to_have_text(arranged.texts[1])
    expect(pane.locator("#reply-unavailable")).to_contain_text("cannot send replies from here")
    expect(pane.locator("[data-reply-body]")).to_be_disabled()
    page.keyboard.press("r")
    expect(pane.locator("#reply-unavailable")).to_be_focused()

    # r on a case that can reply: typing j/k/x in the box is text, not shortcuts
    page.keyboard.press("j")
    expect(pane.locator(".customer-text")).to_have_text(arranged.texts[2])
    page.keyboard.press("r")
    body = pane.locator("[data-reply-body]")
    expect(body).to_be_focused()
    page.keyboard.type("Fixed: just press x, then j or k")
    expect(pane.locator(".customer-text")).to_have_text(arranged.texts[2])
    assert _status(served.app, third.id) == "new"
    # a refused send (the source lost its reply address meanwhile) keeps the text...
    with served.app.app_context(), db.transaction() as s:
        s.get(Source, arranged.x).reply_url = ""
    pane.get_by_role("button", name="Send the reply").click()
    expect(pane.locator("[data-reply-error]")).to_contain_text("no reply connector")
    expect(body).to_have_value("Fixed: just press x, then j or k")
    # ... and so does a reload (the draft is kept per case until the server takes it)
    with served.app.app_context():
        demo_receiver.wire_demo_sources(served.replies)
    page.reload()
    body = pane.locator("[data-reply-body]")
    expect(body).to_have_value("Fixed: just press x, then j or k")
    expect(pane.locator("[data-draft-note]")).to_be_visible()
    # sent through the demo's receiver, which delivers it
    pane.get_by_role("button", name="Send the reply").click()
    expect(pane.locator("[data-reply-list]")).to_contain_text("Sent", timeout=15_000)
    assert [r["text"] for r in served.receiver.received][-1:] == ["Fixed: just press x, then j or k"]
    expect(pane.locator("[data-reply-body]")).to_have_value("")
    assert page.evaluate(f"localStorage.getItem('inbox-draft:{third.id}')") is None

    # bulk: tick two cases (a click, and s on the keyboard), assign them to me at once
    mark_page(page)
    rows.filter(has_text=arranged.texts[3]).locator(".case-select").check()
    page.keyboard.press("j")  # cursor to the fourth case
    expect(pane.locator(".customer-text")).to_have_text(arranged.texts[3])
    page.keyboard.press("j")
    page.keyboard.press("s")
    expect(page.locator("[data-bulk-count]")).to_have_text("2 cases selected")
    page.get_by_label("Action").select_option("assign:me")
    page.get_by_role("button", name="Apply to the selected cases").click()
    expect(page.locator(".flash-success")).to_contain_text("2 cases changed.")
    for text in arranged.texts[3:]:
        expect(rows.filter(has_text=text)).to_contain_text("Assigned to Bob Durand")
    assert {_status(served.app, c.id) for c in (fourth, fifth)} == {"assigned"}
    refused_send = [e for e in bob.errors if "status of 400" in e]  # the refused reply, on purpose
    assert bob.csp_violations() == [] and len(refused_send) == 1 and bob.errors == refused_send


def test_shortcuts_on_the_case_page_itself(open_browser, live_server, served):
    """A case opened from a notification or a mail: the same keys, refreshed in place.

    The answer to "a" is held back until "x" was pressed: the live event has already shown
    "Assigned" (the change committed), but the page still waits for its answer. The "x" is
    played once it came, not lost (as it was on a loaded CI machine)."""
    arranged = _arrange(served, live_server.people, secrets.token_hex(3))
    case = arranged.cases[0]
    bob = open_browser("bob")
    page = bob.page
    page.goto(f"/inbox/cases/{case.id}")
    mark_page(page)
    held: list = []

    def hold_the_answer(route) -> None:
        held.append((route, route.fetch()))  # the server has acted; the page does not know yet

    page.route(f"**/inbox/cases/{case.id}/assign", hold_the_answer)
    wait_live(page)  # the "Assigned" below comes by the live event, the form's answer held back
    page.keyboard.press("a")
    expect(page.locator("[data-case-status]")).to_have_text("Assigned")  # through the live event
    for _ in range(200):  # the handler may still be inside route.fetch() when the event shows
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1 and page.locator("[data-case-page][aria-busy=true]").count() == 1
    page.keyboard.press("x")
    route, answer = held[0]
    route.fulfill(response=answer)
    expect(page.locator("[data-case-status]")).to_have_text("Resolved")
    expect(page.locator("h1.case-title")).to_contain_text(f"Case #{case.id}")
    expect(page.locator(".case-pane-aside")).to_have_count(0)
    assert still_same_page(page) and _status(served.app, case.id) == "resolved"
    page.keyboard.press("?")
    expect(page.locator("[data-shortcuts-help]")).to_be_visible()
    assert bob.csp_violations() == [] and bob.errors == []
