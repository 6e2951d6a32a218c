"""The live path as a page sees it: a colleague's form post reaches my socket, and the fragment the
script then fetches renders for me; private content never reaches outsiders' sockets."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from intranet.platform.config import ROOT


def received(sc, name: str) -> list[dict]:
    return [m["args"][0] for m in sc.get_received() if m["name"] == name]


def test_company_post_through_the_form_reaches_my_socket_and_card_renders(cast, make_web, socket_for):
    alice = make_web().login(cast.alice)
    page = alice.get("/")
    before = int(re.search(r'data-last-event-id="(\d+)"', page.text).group(1))
    sc = socket_for(alice)
    assert sc.is_connected()
    sc.get_received()  # drop anything from connecting

    bob = make_web().login(cast.bob)
    created = bob.post("/posts", data={"body": "Live from **Bob**"}, headers={"Accept": "application/json"})
    post_id = created.json["id"]

    posts = received(sc, "post")
    assert [(p["op"], p["id"]) for p in posts] == [("add", post_id)]
    assert posts[0]["group_id"] is None and posts[0]["event_id"] > before
    card = alice.get(f"/posts/{post_id}/card")
    assert card.status_code == 200
    assert f'data-post-id="{post_id}"' in card.text and "Live from <strong>Bob</strong>" in card.text


def test_comment_and_reaction_events_carry_counts(app, cast, make_web, socket_for):
    alice, bob = make_web().login(cast.alice), make_web().login(cast.bob)
    post_id = alice.post("/posts", data={"body": "Counts"}, headers={"Accept": "application/json"}).json["id"]
    sc = socket_for(alice)
    sc.get_received()
    bob.post(f"/posts/{post_id}/comments", data={"body": "Nice"})
    bob.post(f"/posts/{post_id}/react", data={"kind": "like"})
    messages = sc.get_received()
    by_name = {m["name"]: m["args"][0] for m in messages}
    assert by_name["comment"]["op"] == "add" and by_name["comment"]["comments"] == 1
    assert by_name["reaction"]["counts"] == {"like": 1} and by_name["reaction"]["post_id"] == post_id
    # alice is notified of bob's comment: the badge gets the new unread count
    assert by_name["notification"]["unread"] == 1
    comment_id = by_name["comment"]["id"]
    assert "Nice" in alice.get(f"/comments/{comment_id}/card").text
    assert sorted(by_name) == ["comment", "notification", "reaction"] and len(messages) == 3


def test_private_group_post_never_reaches_an_outsiders_socket(cast, make_web, socket_for):
    bob = make_web().login(cast.bob)
    sc = socket_for(bob)
    sc.get_received()
    lea = make_web().login(cast.lea)
    post_id = lea.post("/posts", data={"body": "Apollo only", "group_id": str(cast.apollo.id)},
                       headers={"Accept": "application/json"}).json["id"]
    assert received(sc, "post") == []
    assert bob.get(f"/posts/{post_id}/card").status_code == 404


def test_anonymous_socket_is_refused(socket_for, make_web):
    sc = socket_for(make_web())
    assert not sc.is_connected()


def test_pages_load_the_vendored_client_before_our_modules(cast, web):
    html = web.login(cast.alice).get("/").text
    vendor = html.index('src="/static/vendor/socket.io/socket.io.min.js"')
    module = html.index('<script type="module" src="/static/js/app.js"')
    assert vendor < module
    assert web.get("/static/vendor/socket.io/socket.io.min.js").status_code == 200


def test_js_modules_import_only_files_that_exist():
    """No build step: a typo in an import path would only show in the browser."""
    folder = Path(ROOT) / "static" / "js"
    for module in folder.glob("*.js"):
        for target in re.findall(r"from\s+'(\./[^']+)'", module.read_text()):
            assert (folder / target).is_file(), f"{module.name} imports missing {target}"


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_js_modules_parse():
    """A syntax error in one module silently disables every script on the page: check them all."""
    for module in sorted((Path(ROOT) / "static" / "js").glob("*.js")):
        result = subprocess.run(["node", "--experimental-default-type=module", "--check", str(module)],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{module.name}: {result.stderr}"
