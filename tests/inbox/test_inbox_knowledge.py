"""A resolved case becomes knowledge: the agent edits a draft (question quoted, the answer that
was sent) and publishes it as a post, which search and the next similar case then find."""

from __future__ import annotations

from typing import Any

from intranet.inbox.rules.statuses import inert
from intranet.models import CaseReply, CaseStatus, Post, ReplyState, utcnow
from intranet.platform import db
from intranet.platform.sanitize import render
from tests.api_helpers import bearer, conforms, issue_token
from tests.case_helpers import inbox_cast, make_case
from tests.search_helpers import found

JSON = {"Accept": "application/json"}
QUESTION = "My Robot Chef shows error E42 after the descaling, what do I do?"
ANSWER = "Hold the power button 10 seconds: the E42 sensor resets after descaling."


def resolved_case(app: Any, ic: Any, cast: Any, text: str = QUESTION) -> Any:
    case = make_case(app, ic.source, cast.service, text=text, status=CaseStatus.RESOLVED, assignee=ic.sam)
    with app.app_context(), db.transaction() as s:
        s.add(CaseReply(case_id=case.id, author_id=ic.sam.id, body=ANSWER, state=ReplyState.SENT,
                        sent_at=utcnow()))
    return case


def test_a_resolved_case_is_shared_as_a_post_found_by_search_and_the_next_similar_case(
        app, cast, web, make_web, drain_index) -> None:
    ic = inbox_cast(app, cast)
    case = resolved_case(app, ic, cast)
    web.login(ic.sam)
    page = web.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    start = page.index('id="knowledge-body"')
    draft = page[start:page.index("</textarea>", start)]
    assert "error E42" in draft and ANSWER in draft and "#faq" in draft
    assert "jdoe" not in draft and "x.example" not in draft  # who the customer is stays in the case
    assert f'value="{cast.service_group.id}" selected' in page  # the service's own group first

    body = draft[draft.index(">") + 1:].replace("&gt;", ">").replace("&#34;", '"').replace("&#39;", "'")
    res = web.post(f"/inbox/cases/{case.id}/knowledge", headers=JSON,
                   json={"group_id": str(cast.service_group.id), "body": body + "\nEdited by Sam."})
    assert res.status_code == 201, res.get_json()
    post_id = res.get_json()["post_id"]
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post.group_id == cast.service_group.id and "Edited by Sam." in post.body
        assert "<blockquote>" in post.html and "faq" in [t.name for t in post.topics]
    page = web.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    assert f'href="/posts/{post_id}"' in page and 'id="knowledge-body"' not in page
    assert "shared the question and its answer as knowledge" in page
    again = web.post(f"/inbox/cases/{case.id}/knowledge", json={"body": "twice"}, headers=JSON)
    assert again.status_code == 409

    drain_index()
    assert ("post", post_id) in found(app, cast.alice, "descaling sensor")
    similar = make_case(app, ic.source, cast.service, text="Error E42 on my Robot Chef since descaling")
    drain_index()
    page = web.get(f"/inbox/cases/{similar.id}").get_data(as_text=True)
    assert f'href="/posts/{post_id}"' in page[page.index("Posts that may answer it"):]


def test_only_resolved_cases_by_their_workers_with_a_text_and_a_visible_group(
        app, cast, web, make_web) -> None:
    ic = inbox_cast(app, cast)
    open_case = ic.case
    web.login(ic.sam)
    res = web.post(f"/inbox/cases/{open_case.id}/knowledge", json={"body": "Too early"}, headers=JSON)
    assert res.status_code == 409 and "Resolve the case first" in res.get_json()["error"]["message"]
    assert 'id="knowledge-body"' not in web.get(f"/inbox/cases/{open_case.id}").get_data(as_text=True)
    case = resolved_case(app, ic, cast)
    assert web.post(f"/inbox/cases/{case.id}/knowledge", json={"body": "  "}, headers=JSON).status_code == 400
    hidden = web.post(f"/inbox/cases/{case.id}/knowledge", json={"body": "x", "group_id": str(cast.board.id)},
                      headers=JSON)
    assert hidden.status_code == 404  # a secret group sam is not in: as if it did not exist
    assert web.post(f"/inbox/cases/{case.id}/knowledge", json={"body": "x", "group_id": "abc"},
                    headers=JSON).status_code == 400
    bob = make_web().login(cast.bob)  # an employee outside the inbox: the case is not his to see
    assert bob.post(f"/inbox/cases/{case.id}/knowledge", json={"body": "x"}, headers=JSON).status_code == 404
    with app.app_context():
        assert db.session.query(Post).count() == 0


def test_the_api_shares_to_the_company_feed_and_a_removed_post_can_be_shared_again(app, cast) -> None:
    ic = inbox_cast(app, cast)
    case = resolved_case(app, ic, cast)
    client = app.test_client()
    headers = bearer(issue_token(client, ic.sam))
    res = client.post(f"/api/v1/inbox/cases/{case.id}/knowledge", json={"body": f"> {QUESTION}\n\n{ANSWER}"},
                      headers=headers)
    assert res.status_code == 201 and conforms(res.get_json(), "Post")
    assert res.get_json()["group"] is None  # the company feed
    assert client.delete(f"/api/v1/posts/{res.get_json()['id']}", headers=headers).status_code == 204
    res = client.post(f"/api/v1/inbox/cases/{case.id}/knowledge", json={"body": ANSWER, "group_id": None},
                      headers=headers)
    assert res.status_code == 201


def test_quoted_customer_text_stays_literal_yet_readable_to_edit(app) -> None:

    text = "1. Acme peut-il m'aider ?\n- **vite** <b>x</b> [lien](javascript:x) #promo\n---"
    quoted = inert(text)
    assert "peut-il m'aider" in quoted  # no backslash in the middle of words for the agent to edit
    with app.test_request_context():
        html = render(quoted, lambda _name: None, None).html
    assert "<ol" not in html and "<ul" not in html and "<hr" not in html and "<strong>" not in html
    assert "<b>" not in html and 'href="javascript' not in html and "/topics/" not in html
