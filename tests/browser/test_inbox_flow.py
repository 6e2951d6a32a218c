"""The inbox end to end (issue 5): a comment posted to the signed webhook appears live in an
agent's inbox, is escalated to a department group, a colleague answers in that thread, the agent
sees it in the case timeline without reloading, replies to the customer (delivered to a real
local receiver, signed) and resolves the case, which marks the thread."""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from intranet import create_app
from intranet.actions.users import do_create_user
from intranet.inbox.actions.settings import (
    do_add_agent,
    do_save_canned_reply,
    do_save_routing_rule,
    do_save_source,
    do_save_watch_rule,
)
from intranet.inbox.connectors.webhook import sign
from intranet.models import Department, InboxAgent, User
from intranet.platform import db
from tests.browser.helpers import PASSWORD, chromium_missing_reason, mark_page, still_same_page, wait_live

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


class Receiver(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.bodies: list[dict] = []


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.bodies.append({"body": json.loads(body),  # type: ignore[attr-defined]
                                   "signed": self.headers["X-Intranet-Signature"].startswith("sha256=")})
        self.send_response(202)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _arrange(live_server: SimpleNamespace, token: str, reply_url: str) -> SimpleNamespace:
    """A webhook source replying to ``reply_url``, a brand rule, routing to Service client, bob as
    its agent and dan, a colleague of the same department: through the real actions."""

    app = create_app(dict(live_server.config))
    with app.app_context():
        with db.transaction() as s:
            admin = s.get(User, live_server.people.admin.id)
            service = s.query(Department).filter_by(name="Service client").one()
            source = do_save_source(s, admin, None, name=f"X {token}", network="x", connector="webhook",
                                    reply_url=reply_url)
            do_save_watch_rule(s, admin, None, name=f"brand {token}", query=f"acme{token}", kind="brand")
            do_save_routing_rule(s, admin, service, None, name=f"to service {token}", query=f"acme{token}",
                                 conditions={}, position=1)
            if s.get(InboxAgent, (live_server.people.bob.id, service.id)) is None:
                do_add_agent(s, admin, service, s.get(User, live_server.people.bob.id))
            do_save_canned_reply(s, admin, service, None, title=f"Refund {token}", lang="en",
                                 body=f"We refund you today ({token}).")
            dan = do_create_user(s, f"dan-{token}@example.com", f"Dan {token}", PASSWORD, department=service)
            arranged = SimpleNamespace(slug=source.slug, secret=source.secret, group=service.group.name,
                                       dan_email=dan.email)
        db.engine().dispose()
    return arranged


def _post_webhook(url: str, slug: str, secret: str, comment: dict) -> dict:

    body = json.dumps({"comments": [comment]}).encode()
    request = urllib.request.Request(f"{url}/api/v1/inbox/sources/{slug}/webhook", data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              **sign(secret, body, int(time.time()))})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202
        return json.loads(response.read())


def test_webhook_comment_live_escalate_thread_reply_resolve(open_browser, live_server, receiver):
    token = secrets.token_hex(3)
    arranged = _arrange(live_server, token, f"http://127.0.0.1:{receiver.server_address[1]}/replies")
    bob = open_browser("bob")
    bob.page.goto("/inbox")
    wait_live(bob.page)
    mark_page(bob.page)

    text = f"@acme{token} my card was charged twice, I want a refund now <b>please</b>"
    _post_webhook(live_server.url, arranged.slug, arranged.secret, {
        "external_id": f"tw-{token}", "author": f"jdoe_{token}", "author_url": "https://x.example/jdoe",
        "followers": 120, "text": text, "url": f"https://x.example/jdoe/status/{token}", "lang": "en"})
    row = bob.page.locator("[data-inbox-list] .case-row", has_text=f"jdoe_{token}")
    expect(row).to_be_visible()  # live: no reload
    assert still_same_page(bob.page)
    expect(row.locator(".case-excerpt")).to_contain_text("<b>please</b>")  # escaped, shown as text
    expect(bob.page.locator("[data-inbox-badge]")).to_be_visible()

    row.locator(".case-link").click()  # opens beside the list, without a reload
    pane = bob.page.locator("[data-case-pane] [data-case-page] .customer-text")
    expect(pane).to_contain_text("charged twice")
    assert still_same_page(bob.page) and "case=" in bob.page.url
    case_url = bob.page.url
    bob.page.get_by_label("Escalate to").select_option(label=arranged.group)
    bob.page.get_by_role("button", name="Escalate", exact=True).click()
    thread_link = bob.page.get_by_role("link", name="open the thread")
    expect(thread_link).to_be_visible()
    thread_url = thread_link.get_attribute("href")
    wait_live(bob.page)
    mark_page(bob.page)

    dan = open_browser("anonymous", login=False)
    dan.page.goto("/login")
    dan.page.locator("#email").fill(arranged.dan_email)
    dan.page.locator("#password").fill(PASSWORD)
    dan.page.get_by_role("button", name="Log in").click()
    dan.page.wait_for_url(f"{live_server.url}/")
    dan.page.goto(thread_url)
    expect(dan.page.locator(".post-body blockquote")).to_contain_text("charged twice")
    dan.page.get_by_label("Your comment").fill(f"Known billing bug {token}, refunds go out tonight")
    dan.page.get_by_role("button", name="Comment", exact=True).click()

    timeline = bob.page.locator("[data-timeline]")
    expect(timeline).to_contain_text(f"Known billing bug {token}")  # the thread, in the case, live
    expect(timeline).to_contain_text("in the thread:")
    assert still_same_page(bob.page)

    bob.page.get_by_label("Canned reply").select_option(label=f"Refund {token} (en)")
    bob.page.get_by_role("button", name="Insert").click()
    composer = bob.page.get_by_label("Your reply", exact=False)
    expect(composer).to_have_value(f"We refund you today ({token}).")
    composer.fill(f"Sorry! Your refund leaves tonight ({token}).")
    bob.page.get_by_role("button", name="Send the reply").click()
    expect(bob.page.locator("[data-reply-list]")).to_contain_text("Sent", timeout=15_000)
    bob.page.get_by_role("button", name="Take it").click()
    bob.page.get_by_role("button", name="Resolve").click()
    expect(bob.page.locator("[data-case-status]")).to_have_text("Resolved")
    assert bob.page.url == case_url
    assert [b["body"]["text"] for b in receiver.bodies] == [f"Sorry! Your refund leaves tonight ({token})."]
    assert receiver.bodies[0]["signed"]

    dan.page.goto(thread_url)
    expect(dan.page.locator(".comment", has_text="Case resolved.")).to_be_visible()
    bob.page.goto("/inbox/dashboard")
    expect(bob.page.locator('[data-dashboard][data-drawn="true"]')).to_be_attached()
    expect(bob.page.locator('[data-table="services"]')).to_contain_text("Service client")
    assert bob.csp_violations() == [] and dan.csp_violations() == []
    assert bob.errors == [] and dan.errors == []
