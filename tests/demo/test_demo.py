"""The demo organisation: loaded once through the real actions, then inspected.

Loading takes several seconds (password hashing and a few hundred actions), so one module-scoped
app holds the demo for every test here; the tests only read.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from intranet import create_app
from intranet.demo.company import load_demo
from intranet.demo.people import ADMIN_EMAIL, PASSWORD, PEOPLE
from intranet.models import (
    Acknowledgement,
    Attachment,
    Case,
    CaseActivity,
    CaseStatus,
    Comment,
    CommentMatch,
    Department,
    ExternalComment,
    Group,
    GroupKind,
    InboxAgent,
    Incident,
    JoinRequest,
    LibraryFile,
    Membership,
    Message,
    MessageReaction,
    Post,
    Reaction,
    Role,
    RuleKind,
    SearchOutbox,
    Task,
    TaskStatus,
    User,
    Visibility,
    WatchRule,
    utcnow,
)
from intranet.platform import db
from intranet.platform.auth import check_password
from intranet.platform.sanitize import ATTRS, TAGS
from intranet.queries import feed as feeds
from intranet.queries.conversations import conversation_list, unread_total
from intranet.queries.rail import my_rail
from intranet.search.index.cursor import read_cursor
from intranet.search.index.store import store
from intranet.search.query.search import search


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, databases: Any) -> Iterator[tuple[Flask, str]]:
    folder = tmp_path_factory.mktemp("demo")
    url = databases.new(folder, dedicated=True)
    app = create_app({"TESTING": True, "SECRET_KEY": secrets.token_hex(8),
                      "DATABASE_URL": url,
                      "SEARCH_INDEX_DIR": str(folder / "index"), "UPLOAD_DIR": str(folder / "up"),
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        summary = load_demo(seed=7)
    yield app, summary
    with app.app_context():
        db.engine().dispose()
    databases.drop(url)


@pytest.fixture
def s(demo: tuple[Flask, str]) -> Iterator[Any]:
    with demo[0].app_context():
        yield db.session()


def count(s: Any, model: type) -> int:
    return s.scalar(select(func.count()).select_from(model))


def user(s: Any, username: str) -> User:
    return s.scalar(select(User).where(User.username == username))


def test_counts_and_summary(demo, s):
    summary = demo[1]
    assert count(s, User) == len(PEOPLE) + 1
    assert count(s, Department) == 6
    assert count(s, Group) == 6 + 12
    assert 250 <= count(s, Post) <= 400
    assert count(s, Comment) >= 300 and count(s, Reaction) >= 600
    assert count(s, Acknowledgement) > 0 and count(s, JoinRequest) == 2
    for login in (ADMIN_EMAIL, "nicolas.petit@acme.example", "sarah.lambert@acme.example",
                  "julien.roux@acme.example", PASSWORD):
        assert login in summary


def test_everyone_logs_in_with_the_demo_password(s):
    people = list(s.scalars(select(User)))
    assert all(u.email.endswith("@acme.example") and u.email.split("@")[0] == u.username for u in people)
    assert check_password(user(s, "admin"), PASSWORD) and user(s, "admin").is_admin
    assert check_password(user(s, "camille.dupont"), PASSWORD)
    assert sum(u.is_admin for u in people) == 1
    assert all(u.job_title and u.skills for u in people)


def test_each_department_has_a_lead_from_its_department(s):
    for dept in s.scalars(select(Department)):
        leads = list(s.scalars(select(User).join(Membership, Membership.user_id == User.id)
                               .where(Membership.group_id == dept.group_id, Membership.role == Role.LEAD)))
        assert len(leads) == 1, dept.name
        assert leads[0].department_id == dept.id


def test_private_and_secret_groups_keep_their_posts_to_members(s):
    private = list(s.scalars(select(Group).where(Group.visibility == Visibility.PRIVATE)))
    secret = list(s.scalars(select(Group).where(Group.visibility == Visibility.SECRET)))
    assert len(private) >= 3 and len(secret) == 1
    hidden_ids = {g.id for g in private + secret}
    for post in s.scalars(select(Post).where(Post.group_id.in_(hidden_ids))):
        assert s.get(Membership, (post.group_id, post.author_id)) is not None
    for comment in s.scalars(select(Comment).join(Post).where(Post.group_id.in_(hidden_ids))):
        assert s.get(Membership, (comment.post.group_id, comment.author_id)) is not None
    insiders = set(s.scalars(select(Membership.user_id).where(Membership.group_id.in_(hidden_ids))))
    outsider = s.scalar(select(User).where(User.id.not_in(insiders)).limit(1))
    page = feeds.home_feed(s, outsider, limit=100)
    assert page.items and not {v.post.group_id for v in page.items} & hidden_ids


def test_content_has_mentions_topics_pins_and_announcements(s):
    posts = list(s.scalars(select(Post)))
    assert sum('class="mention"' in p.html for p in posts) >= 50
    assert sum('class="topic"' in p.html for p in posts) >= 150
    assert sum("<strong>" in p.html for p in posts) >= 20
    assert {p.group_id is None for p in posts if p.pinned_at} == {True, False}
    announcements = [p for p in posts if p.is_announcement]
    assert len(announcements) >= 3
    assert any("Thanks" in c.body for c in s.scalars(select(Comment)))  # English too


def test_activity_is_spread_over_the_last_month_in_id_order(s):
    now = utcnow()
    rows = list(s.execute(select(Post.id, Post.created_at).order_by(Post.id)))
    dates = [d for _id, d in rows]
    assert dates == sorted(dates)
    assert now - timedelta(days=31) < dates[0] and dates[-1] < now
    assert dates[-1] - dates[0] > timedelta(days=25)
    for comment in s.scalars(select(Comment)):
        assert comment.post.created_at < comment.created_at < now


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self.bad.append(tag)
        for name, value in attrs:
            if name not in ATTRS.get(tag, []) or (value or "").lower().startswith("javascript:"):
                self.bad.append(f"{tag}[{name}]")


def test_every_html_is_sanitized(s):
    htmls = [*s.scalars(select(Post.html)), *s.scalars(select(Comment.html))]
    for html in htmls:
        parser = _Tags()
        parser.feed(html)
        assert parser.bad == [], html


def test_second_load_is_a_no_op(demo, s):
    before = (count(s, User), count(s, Post), count(s, Comment), count(s, Reaction))
    message = load_demo(seed=7)
    assert "already loaded" in message
    assert (count(s, User), count(s, Post), count(s, Comment), count(s, Reaction)) == before


def test_the_showcase_employee_has_conversations_with_unread_messages(s):

    julien = user(s, "julien.roux")
    items = conversation_list(s, julien)
    assert {i.title for i in items} == {"Camille Dupont", "Lancement été"}
    # what came after his last read: 3, then a thread's 2 replies and a banner photo
    assert unread_total(s, julien) == 6 and all(i.unread >= 1 for i in items)
    assert items[0].conversation.last_activity >= items[1].conversation.last_activity
    mention = next(i for i in items if i.title == "Camille Dupont").last_message
    assert 'class="mention"' in mention.body_html
    launch = next(i for i in items if i.title == "Lancement été").conversation
    sent = s.scalars(select(Attachment.filename).join(Message, Message.id == Attachment.message_id)
                     .where(Message.conversation_id == launch.id).order_by(Attachment.id)).all()
    assert sent == ["retroplanning-ete.csv", "banniere-ete-v1.jpg"]  # a file and a photo sent
    planning = s.scalar(select(Message).where(Message.conversation_id == launch.id,
                                              Message.body_md.like("%rétroplanning%")))
    assert planning.reply_count == 2 and s.scalar(select(func.count(Message.id)).where(
        Message.reply_to_id == planning.id)) == 2
    assert s.scalar(select(func.count()).select_from(MessageReaction)
                    .where(MessageReaction.message_id == planning.id)) == 3


def test_photos_in_the_photo_group_and_elsewhere(s):
    photo_group = s.scalar(select(Group).where(Group.name == "Photo & vidéo"))
    photos = s.scalars(select(Attachment).join(Post, Post.id == Attachment.post_id)
                       .where(Post.group_id == photo_group.id, Attachment.content_type == "image/jpeg")).all()
    assert len(photos) == 4 and all(a.thumb_sha256 and a.width == 1600 for a in photos)
    assert sum(1 for a in photos if a.comment_id) == 1  # one came with a comment
    elsewhere = s.scalar(select(func.count(Attachment.id)).join(Post, Post.id == Attachment.post_id)
                         .where(Post.group_id != photo_group.id, Attachment.thumb_sha256.is_not(None)))
    assert elsewhere >= 2


def test_the_demo_inbox_is_populated_through_the_pipeline(s: Any, demo: tuple[Flask, str]) -> None:

    assert "Inbox: 64 public comments" in demo[1]
    sarah = s.scalar(select(User).where(User.email == "sarah.lambert@acme.example"))
    service = s.scalar(select(Department).where(Department.name == "Service client"))
    assert s.get(InboxAgent, (sarah.id, service.id)) is not None
    assert s.scalar(select(func.count()).select_from(ExternalComment)) == 64
    incidents = list(s.scalars(select(Incident)))  # the app outage told on four networks, and no other
    assert [(i.size, i.department_id is not None) for i in incidents] == [(5, True)]
    by_service = dict(s.execute(select(Case.department_id, func.count()).group_by(Case.department_id)).all())
    assert by_service[service.id] >= 10 and by_service.get(None, 0) >= 1
    competitor = s.scalar(select(func.count()).select_from(CommentMatch).join(
        WatchRule, WatchRule.id == CommentMatch.rule_id).where(WatchRule.kind == RuleKind.COMPETITOR))
    assert competitor >= 8
    assert {c.triage["lang"] for c in s.scalars(select(Case))} == {"fr", "en"}


def test_the_demo_inbox_is_worked(s: Any, demo: tuple[Flask, str]) -> None:
    """Agents took, answered, escalated and resolved cases: the case page and dashboard show it."""

    assert "Inbox work: 14 cases taken, 10 answered, 6 resolved." in demo[1]
    resolved = list(s.scalars(select(Case).where(Case.status == CaseStatus.RESOLVED)))
    assert len(resolved) == 6
    assert all(c.created_at < c.first_response_at <= c.resolved_at for c in resolved)
    escalated = s.scalar(select(Case).where(Case.post_id.is_not(None)))
    assert "Customer case" in s.get(Post, escalated.post_id).body
    kinds = set(s.scalars(select(CaseActivity.kind)))
    assert {"assign", "note", "reply", "reply_sent", "status", "escalate", "triage"} <= kinds


def test_demo_is_searchable_at_once(demo, s):
    """The demo indexes everything: nothing in the search outbox after the index's cursor;
    files' text, posts and people are found on page one."""

    assert s.scalar(select(func.max(SearchOutbox.id))) == read_cursor(store().current_dir())
    nicolas = user(s, "nicolas.petit")
    assert [i.kind for i in search(nicolas, "détartrage type:file").items] == ["file"]
    assert search(nicolas, "zendesk type:person").items
    outsider = user(s, "romain.lemaire")  # asked to join Robot Chef 2, not a member
    assert search(outsider, "couvercle").items == []


def test_groups_have_covers_and_the_rail_shows_recent_news(demo, s):
    """Every project and community group has a cover on disk; the rail counts only the last
    day and a half as new (everyone "visited" then), so it shows a few posts, not the history."""
    app = demo[0]
    groups = list(s.scalars(select(Group).where(Group.kind != GroupKind.DEPARTMENT)))
    assert groups and all(g.cover_file for g in groups)
    folder = Path(app.config["UPLOAD_DIR"]) / "covers"
    assert all((folder / g.cover_file).is_file() for g in groups)
    assert s.scalar(select(func.count()).select_from(Membership)
                    .where(Membership.last_seen_post_id.is_(None))) == 0
    with app.test_request_context():
        rail = my_rail(s, user(s, "julien.roux"))
    total = sum(item.new for item in rail)
    assert rail and 0 < total < count(s, Post) // 4


def test_services_share_tasks_and_reference_documents(s: Any) -> None:
    """Marketing asks the contact centre for an FAQ through a task linked to an inbox case;
    product tracks a defect with its checklist; every department group has a library."""
    faq = s.scalar(select(Task).where(Task.title.like("Préparer la FAQ%")))
    assert faq.case_id is not None and faq.status == TaskStatus.IN_PROGRESS
    assert faq.service_group.name == "Service client" and faq.creator_id == user(s, "julien.roux").id
    defect = s.scalar(select(Task).where(Task.title.like("Défaut E42%")))
    assert sum(i.done for i in defect.checklist) == 2 and len(defect.checklist) == 5
    groups = s.scalars(select(Group).where(Group.kind == "department"))
    for group in groups:
        assert s.scalar(select(func.count()).where(LibraryFile.group_id == group.id)) >= 1, group.name
    versions = s.scalars(select(LibraryFile.version).where(LibraryFile.filename == "faq-robot-chef-2.md"))
    assert sorted(versions) == [1, 2]
