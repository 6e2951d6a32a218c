"""First checks of the core: the cast builds, events go to the right rooms, rollbacks emit nothing."""

from intranet import db
from intranet.actions.posts import do_create_post
from intranet.events import user_room
from intranet.models import Membership, Post


def test_private_group_post_reaches_only_members(app, cast, captured_events):
    with app.app_context(), db.transaction() as s:
        post = do_create_post(s, cast.alice, s.get(type(cast.apollo), cast.apollo.id), "Hello **team** @bob")
        post_id = post.id
    posts = [e for e in captured_events if e["type"] == "post"]
    assert len(posts) == 1
    assert set(posts[0]["rooms"]) == {user_room(cast.lea.id), user_room(cast.alice.id)}
    assert posts[0]["data"]["id"] == post_id and posts[0]["data"]["event_id"] > 0
    # bob is mentioned but may not read a private group's post: no notification for him
    assert not [e for e in captured_events if e["type"] == "notification"
                and user_room(cast.bob.id) in e["rooms"]]


def test_rollback_emits_nothing(app, cast, captured_events):
    with app.app_context():
        try:
            with db.transaction() as s:
                do_create_post(s, cast.alice, None, "will roll back")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert db.session.query(Post).count() == 0
    assert captured_events == []


def test_department_group_has_its_people(app, cast):
    with app.app_context():
        ids = {m.user_id for m in db.session.query(Membership).filter_by(group_id=cast.marketing_group.id)}
    assert ids == {cast.alice.id, cast.lea.id}
