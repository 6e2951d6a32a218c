"""Inbox settings over the API: sources (admins), watch rules with preview (admins and leads),
a service's routing rules, SLA targets and canned replies (its leads); 404 for anyone else;
every refused value a 400 naming the field; answers hold to the OpenAPI document."""

from __future__ import annotations

from tests.api_helpers import Api, conforms
from tests.incident_helpers import OUTAGE, arrive, incident_cast


def test_sources_are_for_admins(app, cast):
    admin, lea = Api(app.test_client(), cast.admin), Api(app.test_client(), cast.lea)
    status, source = admin("POST", "/inbox/sources", {"name": "Forum Acme", "network": "forum",
                                                      "connector": "webhook"})
    assert status == 201 and conforms(source, "Source") and source["secret"]
    status, listing = admin("GET", "/inbox/sources")
    assert status == 200 and conforms(listing, "SourceList") and "secret" not in listing["items"][0]
    status, changed = admin("PATCH", f"/inbox/sources/{source['id']}", {"poll_minutes": 30, "active": False})
    assert status == 200 and changed["poll_minutes"] == 30 and not changed["active"]
    assert changed["name"] == "Forum Acme"
    status, rotated = admin("POST", f"/inbox/sources/{source['id']}/secret")
    assert status == 200 and rotated["secret"] != source["secret"]
    for body, field in (({"name": "X", "network": "myspace", "connector": "webhook"}, "network"),
                        ({"name": "", "network": "x", "connector": "webhook"}, "name"),
                        ({"name": "F", "network": "x", "connector": "feed"}, "feed_url"),
                        ({"name": "F", "network": "x", "connector": "webhook", "colour": "red"}, "colour"),
                        ({"name": "F", "network": "x", "connector": "webhook", "active": "yes"}, "active"),
                        ({"name": "F", "network": "x", "connector": "webhook", "poll_minutes": 0},
                         "poll_minutes"),
                        ({"name": "F", "network": "x", "connector": "webhook",
                          "reply_url": "http://10.0.0.1/x"}, "reply_url")):
        status, answer = admin("POST", "/inbox/sources", body)
        assert status == 400 and conforms(answer, "Error") and answer["error"]["field"] == field, body
    assert admin("POST", "/inbox/sources", {"name": "Forum Acme", "network": "forum",
                                            "connector": "webhook"})[0] == 409
    for method, url in (("GET", "/inbox/sources"), ("GET", f"/inbox/sources/{source['id']}"),
                        ("PATCH", f"/inbox/sources/{source['id']}")):
        assert lea(method, url, {} if method == "PATCH" else None)[0] == 404
    assert admin("GET", "/inbox/sources/99999")[0] == 404


def test_watch_rules_with_preview(app, cast):
    ic = incident_cast(app, cast)
    arrive(app, ic.source, [*OUTAGE[:2], "Acme: great service today"])
    lea = Api(app.test_client(), cast.lea)  # a department lead
    status, found = lea("POST", "/inbox/watch-rules/preview", {"query": "panne"})
    assert status == 200 and conforms(found, "WatchPreview") and found["count"] == 2
    assert {t for s in found["sample"] for t in s["terms"]} == {"panne"}
    status, answer = lea("POST", "/inbox/watch-rules/preview", {"query": '"unclosed'})
    assert status == 400 and answer["error"]["field"] == "query"
    status, rule = lea("POST", "/inbox/watch-rules", {"name": "Outages", "query": "panne OR outage",
                                                      "kind": "brand"})
    assert status == 201 and conforms(rule, "WatchRule")
    status, rule = lea("PATCH", f"/inbox/watch-rules/{rule['id']}", {"active": False})
    assert status == 200 and rule["active"] is False and rule["query"] == "panne OR outage"
    assert lea("PATCH", f"/inbox/watch-rules/{rule['id']}", {"kind": "rival"})[0] == 400
    status, listing = lea("GET", "/inbox/watch-rules")
    assert status == 200 and conforms(listing, "WatchRuleList")
    sam = Api(app.test_client(), ic.sam)  # an agent, no lead: not theirs
    assert sam("GET", "/inbox/watch-rules")[0] == 404
    assert sam("POST", "/inbox/watch-rules/preview", {"query": "panne"})[0] == 404
    assert lea("DELETE", f"/inbox/watch-rules/{rule['id']}")[0] == 204
    assert lea("GET", f"/inbox/watch-rules/{rule['id']}")[0] == 404


def test_a_services_routing_sla_and_canned_replies_are_its_leads(app, cast):
    ic = incident_cast(app, cast)
    nora, lea = Api(app.test_client(), ic.nora), Api(app.test_client(), cast.lea)
    base = f"/inbox/services/{cast.service.id}"
    status, services = nora("GET", "/inbox/services")
    assert status == 200 and conforms(services, "ServiceRefList")
    assert [s["id"] for s in services["items"]] == [cast.service.id]
    status, rule = nora("POST", f"{base}/routing-rules",
                        {"name": "Angry", "conditions": {"sentiment": ["negative"]}, "position": 5})
    assert status == 201 and conforms(rule, "RoutingRule")
    assert rule["conditions"] == {"sentiment": ["negative"]}
    status, rule = nora("PATCH", f"{base}/routing-rules/{rule['id']}", {"query": "remboursement"})
    assert status == 200 and rule["position"] == 5 and rule["query"] == "remboursement"
    for body, field in (({"name": "All"}, "query"),
                        ({"name": "X", "query": "colis", "position": -1}, "position"),
                        ({"name": "X", "conditions": {"mood": "bad"}}, "mood"),
                        ({"name": "X", "conditions": []}, "conditions"),
                        ({"name": "X", "conditions": {"min_urgency": "asap"}}, "min_urgency")):
        status, answer = nora("POST", f"{base}/routing-rules", body)
        assert status == 400 and answer["error"]["field"] == field, body
    status, listing = nora("GET", f"{base}/routing-rules")
    assert status == 200 and conforms(listing, "RoutingRuleList") and len(listing["items"]) == 2
    status, sla = nora("GET", f"{base}/sla")
    assert status == 200 and conforms(sla, "ServiceSla")
    status, sla = nora("PUT", f"{base}/sla", {"first_response_minutes": 30, "require_approval": True})
    assert status == 200 and sla["first_response_minutes"] == 30 and sla["require_approval"]
    assert nora("PUT", f"{base}/sla", {"first_response_minutes": 3000, "resolution_minutes": 60})[0] == 400
    assert nora("PUT", f"{base}/sla", {"first_response_minutes": "soon"})[0] == 400
    status, canned = nora("POST", f"{base}/canned-replies", {"title": "Outage", "body": "We are on it.",
                                                             "lang": "en"})
    assert status == 201 and conforms(canned, "CannedReply")
    status, canned = nora("PATCH", f"{base}/canned-replies/{canned['id']}", {"lang": "fr"})
    assert status == 200 and canned["lang"] == "fr" and canned["title"] == "Outage"
    assert nora("PATCH", f"{base}/canned-replies/{canned['id']}", {"lang": "de"})[0] == 400
    status, listing = nora("GET", f"{base}/canned-replies")
    assert status == 200 and conforms(listing, "CannedReplyList")
    for method, url in (("GET", f"{base}/sla"), ("GET", f"{base}/routing-rules"),
                        ("DELETE", f"{base}/canned-replies/{canned['id']}")):
        assert lea(method, url)[0] == 404  # Marketing's lead: not this service
        assert Api(app.test_client(), ic.sam)(method, url)[0] == 404  # an agent: not a lead
    other = f"/inbox/services/{cast.marketing.id}/canned-replies/{canned['id']}"
    assert Api(app.test_client(), cast.admin)("DELETE", other)[0] == 404  # not that service's
    assert nora("DELETE", f"{base}/canned-replies/{canned['id']}")[0] == 204
    assert nora("DELETE", f"{base}/routing-rules/{rule['id']}")[0] == 204
