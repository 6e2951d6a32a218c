"""Suggestions on the case page: colleagues whose skills or job title match the comment, and
posts that may answer it, never one the agent may not read (nor the escalation thread)."""

from __future__ import annotations

from intranet.actions.comments import do_add_comment
from intranet.actions.posts import do_create_post
from intranet.actions.users import do_update_profile
from intranet.models import Group, Post, User
from intranet.platform import db
from tests.case_helpers import inbox_cast, make_case


def _skills(app, user, skills: str, job: str = "") -> None:
    with app.app_context(), db.transaction() as s:
        person = s.get(User, user.id)
        do_update_profile(s, person, name=person.name, job_title=job or person.job_title, bio="",
                          skills=skills, locale=None)


def _post(app, author, group, body: str) -> int:
    with app.app_context(), db.transaction() as s:
        return do_create_post(s, s.get(User, author.id), s.get(Group, group.id) if group else None, body).id


def test_colleagues_and_readable_posts_are_suggested(app, cast, web, drain_index):
    ic = inbox_cast(app, cast)
    case = make_case(app, ic.source, cast.service, text="My Robot-Chef firmware update broke, refund please")
    _skills(app, cast.alice, "firmware, photoshop")
    _skills(app, cast.lea, "cooking", job="Refund specialist")
    public = _post(app, cast.bob, cast.coffee, "How to roll back a firmware update on the robot")
    secret = _post(app, cast.lea, cast.apollo, "Firmware recall plan, do not share")
    drain_index()  # knowledge comes from the search index
    web.login(ic.sam)
    page = web.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    side = page[page.index("Colleagues who may help"):]
    assert "Alice Martin" in side and "firmware" in side
    assert "Léa Bernard" in side and "Refund specialist" in side
    assert "Bob Durand</a>" not in side.split("Posts that may answer it")[0]
    assert f'href="/posts/{public}"' in side
    assert f'href="/posts/{secret}"' not in page and "recall plan" not in page  # apollo is private
    escalated = web.post(f"/inbox/cases/{case.id}/escalate", json={"group_id": cast.service_group.id},
                         headers={"Accept": "application/json"}).get_json()["post_id"]
    drain_index()
    page = web.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    knowledge = page[page.index("Posts that may answer it"):]
    assert f'href="/posts/{escalated}"' not in knowledge and f'href="/posts/{public}"' in knowledge


def test_an_escalation_group_member_sees_no_suggestions(app, cast, make_web):
    ic = inbox_cast(app, cast)
    sam = make_web().login(ic.sam)
    sam.post(f"/inbox/cases/{ic.case.id}/escalate", json={"group_id": cast.service_group.id},
             headers={"Accept": "application/json"})
    page = make_web().login(cast.bob).get(f"/inbox/cases/{ic.case.id}").get_data(as_text=True)
    assert "Colleagues who may help" not in page and "Send the reply" not in page
    assert "charged twice" in page  # the comment itself is theirs to read


def test_knowledge_follows_the_comments_distinctive_words_not_chit_chat(app, cast, web, drain_index):
    ic = inbox_cast(app, cast)
    case = make_case(app, ic.source, cast.service,
                     text="Does anyone else find the Acme app slow since the redesign?")
    chat = _post(app, cast.bob, cast.coffee, "Anyone up for the 10k run next month? Anyone else?")
    answer = _post(app, cast.alice, None, "Since the redesign the app is slow on old phones: fix in 2.3")
    with app.app_context(), db.transaction() as s:  # a comment under it says the same: listed once
        do_add_comment(s, s.get(User, cast.bob.id), s.get(Post, answer), "The redesign: app slow")
    for n in range(3):  # "Acme" is everywhere: it must not decide what is suggested
        _post(app, cast.bob, None, f"Acme news number {n}: the Acme canteen menu")
    drain_index()
    web.login(ic.sam)
    page = web.get(f"/inbox/cases/{case.id}").get_data(as_text=True)
    knowledge = page[page.index("Posts that may answer it"):]
    assert knowledge.count(f'href="/posts/{answer}') == 1
    assert f'href="/posts/{chat}"' not in knowledge and "canteen" not in knowledge
