"""Spike alerts over the API: the surges a lead is told about, one with its sample comments, and
the crisis thread; answers hold to the OpenAPI document, hidden and missing alike are 404, bad
input is a 4xx in the API's error shape."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from intranet.demo.inbox import BRAND
from intranet.inbox.workers.spikes import check_spikes
from intranet.models import Post, Spike, utcnow
from tests.api_helpers import Api, conforms
from tests.inbox_helpers import comment, deliver, make_route, make_rule, make_source

SURGE = ["@AcmeCuisine ma Cafetière Connect a brûlé, de la fumée partout !",
         "Cafetière Connect Acme : fumée noire et odeur de brûlé ce matin",
         "Acme votre cafetière a brûlé mon plan de travail, fumée, c'est dangereux",
         "Same here, my Acme Cafetière Connect started smoking, burnt smell everywhere"]


def _surge(app, cast, session) -> int:
    """Léa leads Marketing, where every Acme comment goes; twelve angry ones in 12 minutes."""
    source = make_source(app, cast.admin)
    make_rule(app, cast.admin, BRAND, name="Acme (brand)")
    make_route(app, cast.lea, cast.marketing, "Everything Acme", query="acme", position=1)
    now = utcnow()
    deliver(app.test_client(), source, [comment(f"s{i}", SURGE[i % 4],
                                                posted_at=(now - timedelta(minutes=i)).isoformat())
                                        for i in range(12)])
    with app.app_context():
        assert len(check_spikes(now)) == 1
    return session.scalar(select(Spike.id))


def test_a_lead_lists_reads_and_opens_the_crisis_thread(app, cast, session):
    spike_id = _surge(app, cast, session)
    lea = Api(app.test_client(), cast.lea)
    status, page = lea("GET", "/inbox/spikes")
    assert status == 200 and conforms(page, "SpikeList") and [s["id"] for s in page["items"]] == [spike_id]
    item = page["items"][0]
    assert item["rule"]["name"] == "Acme (brand)" and item["count"] >= 10 and "fumee" in item["words"]
    assert item["services"] == [{"id": cast.marketing.id, "name": cast.marketing.name}]
    assert [g["id"] for g in item["thread_groups"]] == [cast.marketing_group.id] and item["post_id"] is None
    status, spike = lea("GET", f"/inbox/spikes/{spike_id}")
    assert status == 200 and conforms(spike, "SpikeDetail") and len(spike["samples"]) == 5
    assert all("Acme" in s["text"] or "acme" in s["text"].lower() for s in spike["samples"])

    status, err = lea("POST", f"/inbox/spikes/{spike_id}/thread", {"group_id": cast.coffee.id})
    assert status == 400 and conforms(err, "Error") and err["error"]["field"] == "group_id"
    status, err = lea("POST", f"/inbox/spikes/{spike_id}/thread", {"group_id": "one"})
    assert status == 400 and err["error"]["field"] == "group_id"
    status, spike = lea("POST", f"/inbox/spikes/{spike_id}/thread", {"group_id": cast.marketing_group.id})
    assert status == 201 and conforms(spike, "SpikeDetail") and spike["thread_groups"] == []
    post = session.get(Post, spike["post_id"])
    assert post.group_id == cast.marketing_group.id and "fumee" in post.body
    status, err = lea("POST", f"/inbox/spikes/{spike_id}/thread", {"group_id": cast.marketing_group.id})
    assert status == 409 and conforms(err, "Error")


def test_hidden_and_missing_spikes_are_404_alike(app, cast, session):
    spike_id = _surge(app, cast, session)
    bob = Api(app.test_client(), cast.bob)  # leads no service
    hidden = bob("GET", f"/inbox/spikes/{spike_id}")
    missing = Api(app.test_client(), cast.lea)("GET", f"/inbox/spikes/{spike_id + 1000}")
    assert hidden[0] == missing[0] == 404 and hidden[1]["error"]["code"] == missing[1]["error"]["code"]
    assert bob("GET", "/inbox/spikes")[0] == 404
    status, err = bob("POST", f"/inbox/spikes/{spike_id}/thread", {"group_id": cast.marketing_group.id})
    assert status == 404 and conforms(err, "Error") and session.get(Spike, spike_id).post_id is None
    status, page = Api(app.test_client(), cast.admin)("GET", "/inbox/spikes")
    assert status == 200 and [s["id"] for s in page["items"]] == [spike_id]
