"""Who may see and do what, for each kind of content, through the one access module."""

from __future__ import annotations

import pytest
from domain_helpers import fresh
from sqlalchemy import select

from intranet import access
from intranet.actions.comments import do_add_comment
from intranet.actions.groups import do_join_group, do_remove_member
from intranet.actions.posts import do_create_post
from intranet.actions.users import do_deactivate_user
from intranet.models import Group, Post, User
from intranet.platform import db
from intranet.platform.errors import Forbidden, NotFound

PEOPLE = ("alice", "bob", "lea", "admin")
# where -> (author, who may read, who may post)
CONTENT = {
    "company": ("alice", set(PEOPLE), set(PEOPLE)),
    "coffee": ("bob", set(PEOPLE), {"bob"}),
    "apollo": ("lea", {"alice", "lea"}, {"alice", "lea"}),
    "board": ("admin", {"admin"}, {"admin"}),
}


@pytest.fixture
def posts(app, cast) -> dict[str, int]:
    out = {}
    with app.app_context(), db.transaction() as s:
        for where, (author, _r, _p) in CONTENT.items():
            group = None if where == "company" else fresh(s, getattr(cast, where))
            out[where] = do_create_post(s, fresh(s, getattr(cast, author)), group, f"In {where}").id
    return out


def test_reading_posts_and_comments(app, cast, posts):
    """Every person against every kind of content (one cast, 16 cases)."""
    comments = {}
    with app.app_context(), db.transaction() as s:
        for where, pid in posts.items():
            author = fresh(s, getattr(cast, CONTENT[where][0]))
            comments[where] = do_add_comment(s, author, s.get(Post, pid), "c").id
    with app.app_context():
        for where, (_author, readers, _posters) in CONTENT.items():
            for who in PEOPLE:
                user = db.session.get(User, getattr(cast, who).id)
                if who in readers:
                    assert access.access_post(user, posts[where]).id == posts[where], (who, where)
                    assert access.access_comment(user, comments[where]).id == comments[where]
                    continue
                with pytest.raises(NotFound):
                    access.access_post(user, posts[where])
                with pytest.raises(NotFound):
                    access.access_comment(user, comments[where])


def test_seeing_groups_and_their_content(app, cast):
    with app.app_context():
        for where in ("coffee", "apollo", "board"):
            gid, (_author, readers, posters) = getattr(cast, where).id, CONTENT[where]
            for who in PEOPLE:
                user = db.session.get(User, getattr(cast, who).id)
                assert access.can_post_in(user, db.session.get(Group, gid)) == (who in posters), (who, where)
                if where == "board" and who not in readers:  # secret: does not exist for outsiders
                    with pytest.raises(NotFound):
                        access.access_group(user, gid)
                    continue
                assert access.access_group(user, gid).id == gid
                if who in readers:
                    assert access.access_group_content(user, gid).id == gid
                else:
                    with pytest.raises(Forbidden):
                        access.access_group_content(user, gid)


def test_missing_objects_are_not_found(app, cast):
    with app.app_context():
        alice = db.session.get(User, cast.alice.id)
        for fn in (access.access_post, access.access_comment, access.access_group,
                   access.access_group_content, access.access_user):
            with pytest.raises(NotFound):
                fn(alice, 999_999)


def test_moderation_and_management_rights(app, cast):
    expected = {"company": {"admin"}, "apollo": {"lea", "admin"}, "coffee": {"bob", "admin"},
                "board": {"admin"}}
    with app.app_context():
        for where, moderators in expected.items():
            group = None if where == "company" else db.session.get(Group, getattr(cast, where).id)
            for who in PEOPLE:
                user = db.session.get(User, getattr(cast, who).id)
                assert access.can_moderate(user, group) is (who in moderators), (who, where)
                if group is not None:
                    assert access.can_manage_group(user, group) is (who in moderators), (who, where)


def test_only_the_author_may_edit(app, cast, posts):
    with app.app_context():
        post = db.session.get(Post, posts["apollo"])
        editors = [w for w in PEOPLE if access.can_edit_post(db.session.get(User, getattr(cast, w).id), post)]
        assert editors == ["lea"]


def test_feed_and_readable_clauses(app, cast, posts):
    def ids(user_name, clause_fn):
        with app.app_context():
            user = db.session.get(User, getattr(cast, user_name).id)
            found = set(db.session.scalars(select(Post.id).where(clause_fn(user))))
            return {k for k, v in posts.items() if v in found}

    # home feed: company plus my groups; readable: company, public groups, my groups
    assert ids("alice", access.feed_posts_clause) == {"company", "apollo"}
    assert ids("alice", access.readable_posts_clause) == {"company", "coffee", "apollo"}
    assert ids("bob", access.feed_posts_clause) == {"company", "coffee"}
    assert ids("bob", access.readable_posts_clause) == {"company", "coffee"}
    assert ids("admin", access.feed_posts_clause) == {"company", "board"}
    assert ids("admin", access.readable_posts_clause) == {"company", "coffee", "board"}


def test_visible_groups_clause_hides_secret_groups(app, cast):
    def names(who):
        with app.app_context():
            user = db.session.get(User, getattr(cast, who).id)
            return set(db.session.scalars(select(Group.slug).where(access.visible_groups_clause(user))))

    everyone = {"marketing", "service-client", "project-apollo", "coffee-lovers"}
    assert names("alice") == names("bob") == names("lea") == everyone
    assert names("admin") == everyone | {"board"}


def test_deactivated_profiles_are_for_admins_only(app, cast, posts):
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, fresh(s, cast.bob), acting_user=fresh(s, cast.admin))
    with app.app_context():
        alice, admin = db.session.get(User, cast.alice.id), db.session.get(User, cast.admin.id)
        assert access.access_user(alice, cast.lea.id).id == cast.lea.id
        with pytest.raises(NotFound):
            access.access_user(alice, cast.bob.id)
        assert access.access_user(admin, cast.bob.id).id == cast.bob.id
        access.require_admin(admin)
        with pytest.raises(NotFound):
            access.require_admin(alice)
        company_post = db.session.get(Post, posts["company"])
        assert access.may_read_post(db.session.get(User, cast.bob.id), company_post) is False
        assert access.may_read_post(alice, company_post) is True


def test_membership_cache_follows_commits_and_rollbacks(app, cast):
    with app.app_context():
        s = db.session()
        alice, coffee = s.get(User, cast.alice.id), s.get(Group, cast.coffee.id)
        with pytest.raises(RuntimeError), db.transaction():
            do_join_group(s, alice, coffee)
            assert access.is_member(alice, coffee)
            raise RuntimeError("the request failed after joining")
        assert not access.is_member(alice, coffee)  # the join was rolled back
        with db.transaction():
            do_join_group(s, alice, coffee)
        # another request (its own app context and session) removes her
        with app.app_context(), db.transaction() as other:
            do_remove_member(other, other.get(User, cast.bob.id), other.get(Group, cast.coffee.id),
                             other.get(User, cast.alice.id))
        s.rollback()  # a new unit of work starts here; it must not trust the old answer
        assert not access.is_member(alice, coffee)
