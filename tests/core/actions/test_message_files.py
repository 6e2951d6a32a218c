"""Files sent with messages: upload (API and page form), download by current participants only,
clear refusals with nothing written, search for participants only, and live delivery."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from intranet.models import Attachment, Message
from intranet.platform import db
from intranet.platform.config import Config
from tests.api_helpers import conforms
from tests.core.realtime.test_messaging_live import people, received, start
from tests.search_files import make_pdf
from tests.search_helpers import found


def send_files(web: Any, cid: int, body: str, files: list[tuple[str, bytes]],
               url: str | None = None) -> Any:
    data = {"body": body, "files": [(io.BytesIO(content), name) for name, content in files]}
    return web.post(url or f"/api/v1/conversations/{cid}/messages", data=data,
                    content_type="multipart/form-data", headers={"Accept": "application/json"})


@pytest.fixture
def webs(make_web: Any, cast: Any) -> dict[str, Any]:
    return {name: make_web().login(getattr(cast, name)) for name in ("alice", "bob", "lea", "admin")}


def test_participants_download_everyone_else_gets_404(app: Flask, cast: Any, webs: Any) -> None:
    cid = start(webs["alice"], cast.bob)
    res = send_files(webs["alice"], cid, "The minutes", [("minutes.txt", b"Minutes of the board")])
    assert res.status_code == 201, res.get_json()
    message = res.get_json()
    assert conforms(message, "Message")
    [file] = message["files"]
    assert (file["name"], file["size"], file["content_type"]) == ("minutes.txt", 20, "text/plain")
    for name in ("alice", "bob"):
        download = webs[name].get(file["url"])
        assert download.status_code == 200 and download.data == b"Minutes of the board"
        assert "attachment" in download.headers["Content-Disposition"]
    for name in ("lea", "admin"):  # a lead of alice's department, an admin: strangers here
        assert webs[name].get(file["url"]).status_code == 404
    page = webs["bob"].get(f"/messages/{cid}").get_data(as_text=True)
    assert "minutes.txt" in page and file["url"] in page and 'enctype="multipart/form-data"' in page
    assert webs["bob"].post(f"/api/v1/conversations/{cid}/leave").status_code == 204
    assert webs["bob"].get(file["url"]).status_code == 404


def test_the_page_form_sends_files_without_javascript(app: Flask, cast: Any, webs: Any) -> None:
    cid = start(webs["alice"], cast.bob)
    data = {"body": "See attached", "files": [(io.BytesIO(b"%PDF-1.4 tiny"), "plan.pdf")]}
    res = webs["alice"].post(f"/messages/{cid}/send", data=data, content_type="multipart/form-data")
    assert res.status_code in (302, 303)
    page = webs["alice"].get(res.headers["Location"]).get_data(as_text=True)
    assert "plan.pdf" in page and "/files/" in page


@pytest.mark.parametrize(("files", "words"), [
    ([("virus.exe", b"MZ\x90\x00")], "not a type we accept"),
    ([("fake.pdf", b"<html>not a pdf</html>")], "does not look like a pdf"),
    ([("big.txt", b"a" * (Config.MAX_ATTACHMENT_BYTES + 1))], "too large"),
    ([(f"n{i}.txt", b"note") for i in range(6)], "At most 5 files per message"),
])
def test_bad_files_are_refused_and_nothing_is_written(app: Flask, cast: Any, webs: Any,
                                                      files: list, words: str) -> None:
    cid = start(webs["alice"], cast.bob)
    res = send_files(webs["alice"], cid, "Refused", files)
    assert res.status_code == 400 and words in res.get_json()["error"]["message"]
    assert res.get_json()["error"]["code"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Message.id))) == 0
        assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_search_finds_file_text_for_participants_only(app: Flask, cast: Any, webs: Any,
                                                      drain_index: Any) -> None:
    cid = start(webs["alice"], cast.bob)
    res = send_files(webs["alice"], cid, "Report", [("report.pdf", make_pdf("Quarterly axolotl figures"))])
    file_id = res.get_json()["files"][0]["id"]
    drain_index()
    for person in (cast.alice, cast.bob):
        assert found(app, person, "axolotl") == {("file", file_id)}
    for person in (cast.lea, cast.admin):
        assert found(app, person, "axolotl") == set()
    api = webs["bob"].get("/api/v1/search?q=axolotl").get_json()
    assert [(i["kind"], i["id"]) for i in api["items"]] == [("file", file_id)]
    page = webs["bob"].get("/search?q=axolotl").get_data(as_text=True)
    assert "report.pdf" in page and f"/messages/{cid}#message-{res.get_json()['id']}" in page
    assert webs["alice"].delete(f"/api/v1/messages/{res.get_json()['id']}").status_code == 204
    drain_index()
    assert found(app, cast.alice, "axolotl") == set()  # removed from the index with the message
    assert webs["alice"].get(f"/files/{file_id}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_live_delivery_shows_the_files(app: Flask, cast: Any, make_web: Any, socket_for: Any) -> None:
    p = people(cast, make_web, socket_for, "alice", "bob", "lea")
    cid = start(p["alice"][0], cast.bob)
    received(p["bob"][1])
    res = send_files(p["alice"][0], cid, "Live file", [("agenda.md", b"# Agenda")])
    mid, url = res.get_json()["id"], res.get_json()["files"][0]["url"]
    [event] = received(p["bob"][1], "message")
    assert conforms(event, "MessageEvent") and (event["op"], event["id"]) == ("add", mid)
    assert received(p["lea"][1], "message") == []
    # messages.js answers the event with the server-rendered fragment: the files are in it
    fragment = p["bob"][0].get(f"/messages/{cid}/fragments?after={mid - 1}").get_data(as_text=True)
    assert f'id="message-{mid}"' in fragment and "agenda.md" in fragment and url in fragment
    assert p["lea"][0].get(f"/messages/{cid}/fragments?after=0").status_code == 404
