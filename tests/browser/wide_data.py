"""Content with a long unbroken word in every place user text shows, made through the real
actions on the browser tests' server database, for ``test_long_words.py``.

Each field gets one word as long as it accepts (5,000 characters where it takes that many, else
its maximum: a 120-character name is still wider than a phone). ``Wide.pages`` lists a page of
every kind the app has, filled with that content.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from PIL import Image
from sqlalchemy import select

from intranet import create_app
from intranet.actions import message_social
from intranet.actions.comments import do_add_comment
from intranet.actions.files import Upload, do_create_post_with_files
from intranet.actions.groups import do_create_group, do_set_member
from intranet.actions.invitations import do_invite, token_for
from intranet.actions.keeping import do_bookmark, do_save_draft
from intranet.actions.library import do_create_folder, do_upload
from intranet.actions.mail_prefs import unsubscribe_token
from intranet.actions.messaging import do_send_message, do_start_conversation
from intranet.actions.passwords import reset_token
from intranet.actions.people_import import do_start_import
from intranet.actions.poll_spec import parse_poll
from intranet.actions.polls import do_mark_answer, do_vote
from intranet.actions.posts import do_create_post
from intranet.actions.scheduling import do_schedule_post
from intranet.actions.tasks import TaskSource, do_create_task
from intranet.actions.users import do_create_department, do_create_token, do_create_user, do_update_profile
from intranet.inbox.actions.cases import do_add_note, do_escalate
from intranet.inbox.actions.forward import do_forward, forward_source
from intranet.inbox.actions.incident_grouping import attach, open_incident
from intranet.inbox.actions.replies import do_reply
from intranet.inbox.actions.routing import do_save_service_profile
from intranet.inbox.actions.settings import (
    do_add_agent,
    do_save_canned_reply,
    do_save_routing_rule,
    do_save_service_settings,
    do_save_source,
    do_save_watch_rule,
)
from intranet.inbox.rules.incidents import signature
from intranet.models import REACTION_KINDS, Case, Invitation, InvitationKind, PollOption, Spike, utcnow
from intranet.platform import db
from tests.browser.helpers import PASSWORD

WORD = 5000


def long_word(n: int, start: str = "w") -> str:
    """One unbroken word of ``n`` characters (letters and digits, as a pasted token would be)."""
    return (start + "Longword0123456789" * (n // 18 + 1))[:n]


@dataclass
class Wide:
    token: str
    email: str
    word: str  # the 5,000-character word
    post: str  # the page of the post that has it in every Markdown form
    pages: list[str] = field(default_factory=list)  # as the wide user (an admin)
    anonymous: list[str] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)  # error pages, with their status
    roles: dict[str, str] = field(default_factory=dict)  # role: e-mail (employee, lead, agent, admin)


def _post_body(token: str, username: str) -> str:
    """Markdown putting the word in a paragraph, a link, inline and block code, a quote and a
    table, with a long #topic and a mention."""
    word = long_word(WORD)
    return (f"wide{token} {word}\n\nhttps://example.com/{long_word(3000, 'u')}\n\n"
            f"`{long_word(2000, 'c')}`\n\n```\n{long_word(2000, 'p')}\n```\n\n> {long_word(1500, 'q')}\n\n"
            f"| a | b |\n|---|---|\n| {long_word(1000, 't')} | x |\n\n"
            f"Tags: #{long_word(60, 't')} @{username}")


def arrange(config: dict[str, Any], token: str) -> Wide:
    """Everything, through the actions; returns the pages to open."""
    app = create_app(dict(config))
    with app.app_context():
        with db.transaction() as s:
            made = _people_and_groups(s, token)
            made.update(_posts_and_messages(s, token, made))
            made.update(_inbox(s, token, made))
            made.update(_accounts(s, token, made))
            made.update(_roles(s, token, made))
            made.update(_keeping(s, token, made))
            made.update(_tasks_and_files(s, made))
            wide = _pages(token, made)
        db.engine().dispose()
    return wide


def _people_and_groups(s: Any, token: str) -> dict[str, Any]:
    dept = do_create_department(s, long_word(114, "D") + token, acting_user=None)
    wide = do_create_user(s, f"wide{token}@example.com", long_word(120, "N"), PASSWORD, department=dept,
                          is_admin=True, job_title=long_word(120, "J"))
    other = do_create_user(s, f"other{token}@example.com", long_word(120, "O"), PASSWORD, department=dept)
    do_update_profile(s, wide, name=long_word(120, "N"), job_title=long_word(120, "J"),
                      bio=long_word(2000, "B"), skills=[long_word(60, "s"), long_word(60, "k")], locale="en")
    group = do_create_group(s, wide, long_word(120, "G"), description=long_word(2000, "d"),
                            visibility="private", kind="project")
    do_set_member(s, wide, group, other, "member")
    do_create_token(s, wide, long_word(80, "T"))
    return {"dept": dept, "wide": wide, "other": other, "group": group}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 300), (90, 140, 200)).save(out, "PNG")
    return out.getvalue()


def _posts_and_messages(s: Any, token: str, m: dict[str, Any]) -> dict[str, Any]:
    wide, other, group = m["wide"], m["other"], m["group"]
    post = do_create_post(s, wide, group, _post_body(token, other.username))
    do_add_comment(s, other, post, long_word(WORD, "m"))  # notifies wide: a comment on their post
    mine = do_add_comment(s, wide, post, long_word(WORD, "e"))
    do_create_post(s, other, group, f"@{wide.username} {long_word(WORD, 'M')}")  # a mention
    do_create_post_with_files(s, wide, group, f"file{token}",
                              [Upload(long_word(250, "F") + ".txt", b"wide file\n")])
    conversation, _new = do_start_conversation(s, wide, [other.id], long_word(120, "C"))
    root = do_send_message(s, other, conversation, long_word(WORD, "g"))  # notifies wide
    do_send_message(s, wide, conversation, f"@{other.username} {long_word(WORD, 'h')}")
    message_social.do_reply(s, wide, conversation, root.id, long_word(WORD, "r"))  # a thread
    for kind in REACTION_KINDS:
        message_social.do_add_message_reaction(s, wide, root, kind)
    do_create_post_with_files(s, wide, group, f"photo{token}",
                              [Upload(long_word(250, "P") + ".png", _png())])
    s.flush()
    return {"post": post, "comment": mine, "conversation": conversation, "root": root,
            "topic": long_word(60, "t").lower()}


def _keeping(s: Any, token: str, m: dict[str, Any]) -> dict[str, Any]:
    """A poll with long options (votes shown), an answered question, an announcement waiting
    for acknowledgements, a scheduled post, a saved post and a draft (posts lane)."""
    wide, other, group = m["wide"], m["other"], m["group"]
    poll = do_create_post(s, wide, group, f"poll{token}", poll=parse_poll({
        "options": [long_word(200, "o"), long_word(200, "p")], "votes_shown": True,
        "closes_at": (utcnow() + timedelta(days=3)).isoformat()}))
    do_vote(s, other, poll, [s.scalar(select(PollOption.id).where(PollOption.post_id == poll.id).limit(1))])
    question = do_create_post(s, other, group, f"question{token} {long_word(WORD, 'Q')}", kind="question")
    answer = do_add_comment(s, wide, question, long_word(WORD, "a"))
    do_mark_answer(s, other, question, answer.id)
    announcement = do_create_post(s, wide, group, f"ack{token} {long_word(WORD, 'w')}", announcement=True)
    do_schedule_post(s, wide, group, long_word(WORD, "L"), utcnow() + timedelta(days=1))
    do_bookmark(s, wide, question, True)
    do_save_draft(s, wide, None, long_word(WORD, "d"))
    s.flush()
    return {"poll": poll, "question": question, "announcement": announcement}


def _inbox(s: Any, token: str, m: dict[str, Any]) -> dict[str, Any]:
    wide, dept = m["wide"], m["dept"]
    do_add_agent(s, wide, dept, wide)
    do_save_service_settings(s, wide, dept, first_response_minutes=60, resolution_minutes=600,
                             require_approval=True)  # the reply waits on the case page, nothing sent
    source = do_save_source(s, wide, None, name=long_word(120, f"S{token}"), network="forum",
                            connector="feed",
                            feed_url="https://feeds.invalid/" + long_word(470, "f"), active=False)
    rule = do_save_watch_rule(s, wide, None, name=long_word(120, "R"), query=f"wide{token}", kind="brand")
    do_save_watch_rule(s, wide, None, name=long_word(120, "V"), query=f"rival{token}", kind="competitor")
    route = do_save_routing_rule(s, wide, dept, None, name=long_word(120, "X"), query=f"wide{token}",
                                 conditions={}, position=1)
    canned = do_save_canned_reply(s, wide, dept, None, title=long_word(120, "K"),
                                  body=long_word(WORD, "k"), lang="en")
    forward_source(s).reply_url = "https://replies.invalid/" + long_word(400, "r")  # replies allowed
    do_forward(s, wide, "https://social.example/" + long_word(470, f"a{token}"),
               f"wide{token} {long_word(WORD, 'A')}", long_word(200, "Z"))
    do_forward(s, wide, "https://social.example/r" + long_word(470, f"b{token}"),
               f"rival{token} {long_word(WORD, 'Y')}", long_word(200, "z"))
    case = s.scalar(select(Case).order_by(Case.id.desc()).where(Case.department_id == dept.id))
    do_add_note(s, wide, case, long_word(WORD, "n"))
    do_escalate(s, wide, case, dept.group)
    do_reply(s, wide, case, long_word(WORD, "y"))
    incident = open_incident(s, dept.id, [], utcnow())
    attach(s, incident, case, signature(case.comment.text), wide)
    do_save_service_profile(s, wide, dept, description=long_word(1900, "w"), examples=[long_word(480, "e")])
    spike = Spike(rule_id=rule.id, window_start=utcnow(), count=40, baseline=2, threshold=10,
                  words=[long_word(60, "W")], sources=[[long_word(120, "S"), 40]],
                  comment_ids=[case.comment_id], department_ids=[dept.id])
    s.add(spike)
    s.flush()
    return {"source": source, "rule": rule, "route": route, "canned": canned, "case": case,
            "incident": incident, "spike": spike}


def _accounts(s: Any, token: str, m: dict[str, Any]) -> dict[str, Any]:
    """An invitation, a registration waiting for its confirmation and a people import, each
    with long words, and the links people receive by mail."""
    wide, other = m["wide"], m["other"]
    invited = do_invite(s, wide, f"invited{token}@example.com", name=long_word(120, "I"),
                        department=m["dept"])
    registration = Invitation(kind=InvitationKind.REGISTRATION, email=f"reg{token}@example.com",
                              name=long_word(120, "Q"), password_hash="x", nonce=secrets.token_hex(16),
                              expires_at=utcnow() + timedelta(hours=48))
    s.add(registration)
    csv = f"email,name,job_title\n{long_word(200, 'e')}@example.com,{long_word(120, 'L')},x\n"
    job = do_start_import(s, long_word(250, "P") + ".csv", csv.encode(), create_departments=False,
                          acting_user=wide)
    s.flush()
    return {"import": job, "links": [f"/invite/{token_for(invited)}",
                                     f"/register/confirm/{token_for(registration)}",
                                     f"/password/reset/{reset_token(other)}",
                                     f"/mail/unsubscribe/{unsubscribe_token(wide.id, 'digest')}"]}


def _roles(s: Any, token: str, m: dict[str, Any]) -> dict[str, Any]:
    """A group lead and an inbox agent who are not admins (``other`` is the plain employee), so
    that every page is seen as each role sees it (tests/browser/test_layout.py)."""
    dept = m["dept"]
    lead = do_create_user(s, f"lead{token}@example.com", long_word(120, "E"), PASSWORD, department=dept)
    agent = do_create_user(s, f"agent{token}@example.com", long_word(120, "H"), PASSWORD, department=dept)
    do_set_member(s, m["wide"], m["group"], lead, "lead")
    do_add_agent(s, m["wide"], dept, agent)
    return {"lead": lead, "agent": agent}
def _tasks_and_files(s: Any, m: dict[str, Any]) -> dict[str, Any]:
    """A task with every field as wide as it takes, made from the post, and a library folder
    holding a file with a long name."""
    wide, group = m["wide"], m["group"]
    task = do_create_task(s, wide, group, long_word(200, "W"), body=long_word(WORD, "b"),
                          assignee_ids=[wide.id, m["other"].id], service_group_id=m["dept"].group.id,
                          due_on="2030-01-01", checklist=[long_word(300, "c")], labels=[long_word(40, "l")],
                          source=TaskSource(post_id=m["post"].id))
    folder = do_create_folder(s, wide, group, long_word(120, "f"))
    item = do_upload(s, wide, group, folder, Upload(long_word(250, "L") + ".txt", b"library file\n"))
    s.flush()
    return {"task": task, "folder": folder, "libfile": item}


def _pages(token: str, m: dict[str, Any]) -> Wide:
    ids = SimpleNamespace(**{k.replace("import", "import_"): getattr(v, "id", v) for k, v in m.items()})
    word = long_word(500)  # in URLs: the search takes 500 characters, gunicorn 4 KB lines
    wide = Wide(token=token, email=m["wide"].email, word=long_word(WORD), post=f"/posts/{ids.post}")
    wide.pages = [
        "/", "/groups", "/groups/new", f"/groups/{ids.group}", f"/groups/{ids.group}/members",
        f"/groups/{ids.group}/settings", f"/groups/{m['dept'].group.id}", f"/topics/{ids.topic}",
        "/notifications", "/people", f"/people/{ids.wide}", f"/people/{ids.other}", "/profile",
        "/profile/tokens", "/profile/sessions", "/settings/notifications", wide.post,
        f"/posts/{ids.post}/edit", f"/comments/{ids.comment}/edit",
        "/messages", f"/messages/{ids.conversation}", f"/messages/{ids.conversation}/add",
        f"/messages/{ids.conversation}?thread={ids.root}", f"/messages/{ids.conversation}?q={word[:200]}",
        f"/messages/new?to={ids.other}&q={word}", f"/search?q=wide{token}", f"/search?q={word}",
        f"/search?q=file{token}", "/admin/users", "/admin/users/new", "/admin/departments", "/admin/audit",
        "/admin/mail", "/admin/invitations", "/admin/retention", "/admin/people/import",
        f"/admin/people/import/{ids.import_}", f"/admin/users/{ids.other}",
        f"/admin/users/{ids.other}/delete", "/profile/password",
        "/inbox", f"/inbox?case={ids.case}", f"/inbox/cases/{ids.case}", "/inbox/dashboard",
        "/inbox/competitors", "/inbox/forward",
        "/inbox/admin/sources", f"/inbox/admin/sources/{ids.source}", "/inbox/admin/rules",
        f"/inbox/admin/rules/{ids.rule}", "/inbox/services", f"/inbox/services/{ids.dept}",
        f"/inbox/services/{ids.dept}/canned/{ids.canned}", f"/inbox/services/{ids.dept}/routing/{ids.route}",
        "/inbox/incidents", f"/inbox/incidents/{ids.incident}",
        "/inbox/spikes", f"/inbox/spikes/{ids.spike}",
        "/tasks", f"/tasks/new?group_id={ids.group}", f"/tasks/new?post_id={ids.post}",
        f"/tasks/{ids.task}", f"/tasks/{ids.task}/edit", f"/groups/{ids.group}/tasks",
        f"/groups/{ids.group}/tasks?view=list", f"/groups/{ids.group}/files",
        f"/groups/{ids.group}/files?folder={ids.folder}", f"/library/{ids.libfile}",
        f"/inbox/cases/{ids.case}/task", f"/inbox/cases/{ids.case}/task?group_id={ids.group}",
        f"/no-such-page/{word}",
    ]
    wide.pages += ["/saved", "/scheduled", f"/posts/{ids.poll}",  # (/posts/<id>/poll: a fragment)
                   f"/posts/{ids.question}", f"/posts/{ids.announcement}/acknowledgements"]
    wide.refused = {f"/search?q={word}": 400, f"/no-such-page/{word}": 404,  # too long a word; none
                    f"/messages/{ids.conversation}?q={word[:200]}": 400}  # shown with the box's error
    wide.roles = {"employee": m["other"].email, "lead": m["lead"].email, "agent": m["agent"].email,
                  "admin": wide.email}
    wide.anonymous = [*m["links"], "/password/forgot", "/login", "/register", f"/login?next=/{word}"]
    return wide

