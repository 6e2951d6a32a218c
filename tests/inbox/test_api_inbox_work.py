"""The case page's extras over the API: triage override, replies waiting for approval (and the
lead's decision), suggestions (colleagues, posts, similar cases); with the pages' access rules."""

from __future__ import annotations

from intranet.actions.users import do_update_profile
from intranet.inbox.workers import outbound
from intranet.models import User
from intranet.platform import db
from tests.api_helpers import Api, conforms
from tests.case_helpers import set_service
from tests.incident_helpers import OUTAGE, arrive, incident_cast


def test_triage_override(app, cast):
    ic = incident_cast(app, cast)
    case_id = arrive(app, ic.source, OUTAGE[:1])[0]
    sam = Api(app.test_client(), ic.sam)
    url = f"/inbox/cases/{case_id}/triage"
    status, case = sam("POST", url, {"urgency": "critical", "needs_response": True})
    assert status == 200 and conforms(case, "Case")
    assert case["triage"]["urgency"] == "critical" and case["triage"]["overridden"]
    assert case["timeline"][-1]["kind"] == "triage"
    for body, field in (({"urgency": "soon"}, "urgency"), ({"needs_response": "maybe"}, "needs_response"),
                        ({"urgency": "critical"}, None), ({}, None)):
        status, answer = sam("POST", f"/inbox/cases/{case_id}/triage", body)
        assert status == 400 and conforms(answer, "Error"), body
        assert field is None or answer["error"]["field"] == field
    status, _answer = Api(app.test_client(), ic.mia)("POST", url, {"urgency": "low"})
    assert status == 404


def test_approvals_list_approve_and_reject(app, cast, allow_local_outbound):
    app.config.update(INBOX_REPLY_BACKOFF=0, INBOX_REPLY_ATTEMPTS=1)
    ic = incident_cast(app, cast, reply_url="http://127.0.0.1:9/replies")
    set_service(app, cast.service, require_approval=True)
    ids = arrive(app, ic.source, ["Acme: my parcel never came", "Acme: invoice is wrong"])
    sam, nora = Api(app.test_client(), ic.sam), Api(app.test_client(), ic.nora)
    replies = [sam("POST", f"/inbox/cases/{cid}/replies", {"body": "Sorry!"})[1] for cid in ids]
    assert [r["state"] for r in replies] == ["pending_approval"] * 2
    status, page = nora("GET", "/inbox/approvals")
    assert status == 200 and conforms(page, "ApprovalList")
    pairs = [(a["case"]["id"], a["reply"]["id"]) for a in page["items"]]
    assert pairs == list(zip(ids, [r["id"] for r in replies], strict=True))
    assert sam("GET", "/inbox/approvals")[1]["items"] == []  # agents decide nothing
    status, body = sam("POST", f"/inbox/cases/{ids[0]}/replies/{replies[0]['id']}/approve")
    assert status == 403 and conforms(body, "Error")
    status, reply = nora("POST", f"/inbox/cases/{ids[0]}/replies/{replies[0]['id']}/approve")
    assert status == 200 and conforms(reply, "CaseReply")
    assert reply["state"] in ("queued", "sending", "failed")  # port 9 refuses: it left, then failed
    status, reply = nora("POST", f"/inbox/cases/{ids[1]}/replies/{replies[1]['id']}/reject")
    assert status == 200 and reply["state"] == "rejected"
    assert nora("POST", f"/inbox/cases/{ids[1]}/replies/{replies[1]['id']}/reject")[0] == 409
    assert nora("POST", f"/inbox/cases/{ids[1]}/replies/{replies[0]['id']}/reject")[0] == 404  # other case
    assert nora("GET", "/inbox/approvals?limit=abc")[0] == 400
    assert Api(app.test_client(), cast.bob)("GET", "/inbox/approvals")[0] == 404
    assert outbound.sender(app).wait_idle()


def test_suggestions_colleagues_posts_and_similar_cases(app, cast):
    ic = incident_cast(app, cast)
    with app.app_context(), db.transaction() as s:
        do_update_profile(s, s.get(User, cast.bob.id), name=cast.bob.name, job_title="Support agent",
                          bio="", skills=["panne"], locale="fr")
    first = arrive(app, ic.source, OUTAGE[:1])[0]
    later = arrive(app, ic.source, [OUTAGE[1]])[0]
    sam = Api(app.test_client(), ic.sam)
    status, found = sam("GET", f"/inbox/cases/{later}/suggestions")
    assert status == 200 and conforms(found, "Suggestions")
    assert [s["case"]["id"] for s in found["similar"]] == [first]
    assert "panne" in found["similar"][0]["words"]
    assert [c["user"]["id"] for c in found["colleagues"]] == [cast.bob.id]
    assert Api(app.test_client(), ic.mia)("GET", f"/inbox/cases/{later}/suggestions")[0] == 404
