"""Inbox settings pages: who may open each one, and what a person does on them."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from intranet.models import (
    AuditLog,
    CannedReply,
    ExternalComment,
    InboxAgent,
    RoutingRule,
    ServiceSettings,
    Source,
    WatchRule,
)
from tests.inbox_helpers import comment, deliver, make_agent, make_route, make_rule, make_source

ADMIN_ONLY = ["/inbox/admin/sources"]
RULES = ["/inbox/admin/rules"]


def _pages(cast, source_id: int) -> dict[str, set[str]]:
    """Page -> people who may open it (others: 404)."""
    service = f"/inbox/services/{cast.marketing.id}"
    return {
        "/inbox/admin/sources": {"admin"},
        f"/inbox/admin/sources/{source_id}": {"admin"},
        "/inbox/admin/rules": {"admin", "lea"},
        "/inbox/services": {"admin", "lea"},
        service: {"admin", "lea"},
        f"/inbox/services/{cast.service.id}": {"admin"},
        "/inbox/competitors": {"admin", "lea", "bob"},
        "/inbox/forward": {"admin", "lea", "bob", "alice"},
    }


def test_each_role_sees_only_its_pages(app, cast, make_web):
    source = make_source(app, cast.admin)
    make_agent(app, cast.admin, cast.service, cast.bob)  # bob: agent of Service client
    for page, allowed in _pages(cast, source.id).items():
        for name in ("admin", "lea", "bob", "alice"):
            status = make_web().login(getattr(cast, name)).get(page).status_code
            assert status == (200 if name in allowed else 404), (page, name, status)
    assert app.test_client().get("/inbox/forward").status_code in (302, 401)


def test_admin_creates_a_webhook_source_and_sees_its_secret(app, cast, web, session):
    web.login(cast.admin)
    created = web.post("/inbox/admin/sources", data={"name": "Trustpilot reviews", "network": "trustpilot",
                                                    "connector": "webhook", "poll_minutes": "15",
                                                    "active": "y"})
    assert created.status_code == 302
    source = session.scalar(select(Source).where(Source.slug == "trustpilot-reviews"))
    assert len(source.secret) >= 32
    page = web.get(created.headers["Location"]).get_data(as_text=True)
    assert source.secret in page and "/api/v1/inbox/sources/trustpilot-reviews/webhook" in page
    old = source.secret
    web.post(f"/inbox/admin/sources/{source.id}/secret")
    session.expire_all()
    assert session.get(Source, source.id).secret != old
    again = web.post("/inbox/admin/sources", data={"name": "Trustpilot reviews", "network": "x",
                                                  "connector": "webhook"})
    assert again.status_code == 409 and "already exists" in again.get_data(as_text=True)
    feed = web.post("/inbox/admin/sources", data={"name": "Feed", "network": "forum", "connector": "feed"})
    assert feed.status_code == 400 and "feed&#39;s address" in feed.get_data(as_text=True)


def test_watch_rule_preview_saves_nothing_and_errors_are_shown(app, cast, web, session):
    source = make_source(app, cast.admin)
    deliver(app.test_client(), source, [comment("1", "Globex lowered its prices"), comment("2", "hello")])
    web.login(cast.lea)
    shown = web.post("/inbox/admin/rules", data={"name": "Globex", "query": "globex", "kind": "competitor",
                                                 "active": "y", "action": "preview"})
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "1 of the 2 newest stored comments matches" in text
    assert "Globex lowered its prices" in text and session.scalar(select(WatchRule.id)) is None
    broken = web.post("/inbox/admin/rules", data={"name": "Bad", "query": '"acme', "kind": "brand",
                                                  "action": "save"})
    assert broken.status_code == 400 and "position" in broken.get_data(as_text=True).lower()
    saved = web.post("/inbox/admin/rules", data={"name": "Globex", "query": "globex", "kind": "competitor",
                                                 "active": "y", "action": "save"})
    assert saved.status_code == 302
    rule = session.scalar(select(WatchRule))
    assert rule.kind.value == "competitor" and rule.created_by_id == cast.lea.id
    assert session.scalar(select(AuditLog.action).where(AuditLog.target_type == "watch_rule"))


def test_customer_text_is_escaped_on_pages(app, cast, web):
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, "globex", kind="competitor")
    deliver(app.test_client(), source, [comment("1", "Globex <script>alert(1)</script>",
                                                url="javascript:alert(2)")])
    page = web.login(cast.admin).get("/inbox/competitors").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "javascript:alert(2)" not in page


def test_lead_manages_routing_sla_canned_replies_and_agents(app, cast, web, session):
    web.login(cast.lea)
    base = f"/inbox/services/{cast.marketing.id}"
    assert web.post(f"{base}/routing", data={"name": "Campaigns", "query": "campaign OR pub",
                                             "sentiment": ["negative", "neutral"], "needs_response": "yes",
                                             "min_urgency": "", "position": "5"}).status_code == 302
    rule = session.scalar(select(RoutingRule))
    assert rule.conditions == {"sentiment": ["negative", "neutral"], "needs_response": True}
    bad = web.post(f"{base}/sla", data={"first_response_minutes": "120", "resolution_minutes": "30"})
    assert bad.status_code == 302 and session.get(ServiceSettings, cast.marketing.id) is None
    web.post(f"{base}/sla", data={"first_response_minutes": "30", "resolution_minutes": "480",
                                  "require_approval": "y"})
    settings = session.get(ServiceSettings, cast.marketing.id)
    assert (settings.first_response_minutes, settings.resolution_minutes, settings.require_approval) == (
        30, 480, True)
    web.post(f"{base}/canned", data={"title": "Thanks", "body": "Thank you for your message!", "lang": "en"})
    assert session.scalar(select(CannedReply.title)) == "Thanks"
    web.post(f"{base}/agents", data={"user": "alice@example.com"})
    assert session.get(InboxAgent, (cast.alice.id, cast.marketing.id)) is not None
    page = web.get(base).get_data(as_text=True)
    assert "Alice Martin" in page and "Campaigns" in page and "Thank you for your message!" in page
    web.post(f"{base}/agents/{cast.alice.id}/remove")
    assert session.get(InboxAgent, (cast.alice.id, cast.marketing.id)) is None
    other = web.post(f"/inbox/services/{cast.service.id}/routing", data={"name": "x", "query": "x"})
    assert other.status_code == 404


def test_upload_import_reports_broken_lines(app, cast, web, session):
    source = make_source(app, cast.admin, "Export", connector="import")
    data = "\n".join([json.dumps({"external_id": "a", "text": "first"}), "{oops",
                      json.dumps({"external_id": "b", "text": "second"})]).encode()
    web.login(cast.admin)
    answer = web.post(f"/inbox/admin/sources/{source.id}/import",
                      data={"file": (io.BytesIO(data), "export.jsonl")}, content_type="multipart/form-data")
    assert answer.status_code == 302
    page = web.get(answer.headers["Location"]).get_data(as_text=True)
    assert "2 new comments, 0 already known, 1 broken lines." in page and "line 2:" in page
    assert len(session.scalars(select(ExternalComment)).all()) == 2
    wrong = web.post(f"/inbox/admin/sources/{source.id}/import",
                     data={"file": (io.BytesIO(b"x"), "export.xlsx")}, content_type="multipart/form-data")
    assert "jsonl" in web.get(wrong.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_any_employee_forwards_from_the_page(app, cast, make_web, session, who):
    web = make_web().login(getattr(cast, who))
    body = {"url": "https://forum.example/t/9", "text": "Acme lost my parcel"}
    answer = web.post("/inbox/forward", data={**body, "author": "zed"})
    assert answer.status_code == 302
    assert "already forwarded" not in web.get("/inbox/forward").get_data(as_text=True)
    again = web.post("/inbox/forward", data=body)
    assert "already forwarded" in web.get(again.headers["Location"]).get_data(as_text=True)
    invalid = web.post("/inbox/forward", data={"url": "ftp://x", "text": "t"})
    assert invalid.status_code == 400 and "http://" in invalid.get_data(as_text=True)


def test_lead_edits_a_routing_rule_and_a_canned_reply(app, cast, web, session):

    rule = make_route(app, cast.lea, cast.marketing, "Old", query="pub", sentiment=["negative"])
    web.login(cast.lea)
    base = f"/inbox/services/{cast.marketing.id}"
    page = web.get(f"{base}/routing/{rule.id}").get_data(as_text=True)
    assert 'value="Old"' in page and '<option selected value="negative">' in page
    web.post(f"{base}/routing/{rule.id}", data={"name": "New", "query": "campaign", "position": "3",
                                                "needs_response": "no"})
    session.expire_all()
    saved = session.get(RoutingRule, rule.id)
    assert (saved.name, saved.query, saved.position, saved.conditions) == ("New", "campaign", 3,
                                                                          {"needs_response": False})
    web.post(f"{base}/canned", data={"title": "Hi", "body": "Hello!", "lang": ""})
    reply = session.scalar(select(CannedReply))
    bad = web.post(f"{base}/canned/{reply.id}", data={"title": "", "body": "x"})
    assert bad.status_code == 400
    web.post(f"{base}/canned/{reply.id}", data={"title": "Hello", "body": "Hello there!", "lang": "en"})
    session.expire_all()
    edited = session.get(CannedReply, reply.id)
    assert (edited.title, edited.lang) == ("Hello", "en")
    assert web.login(cast.alice).get(f"{base}/canned/{reply.id}").status_code == 404
