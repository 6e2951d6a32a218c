"""Search: ``type:question`` and ``is:unanswered`` / ``is:answered``, read from the database at
query time (marking an answer needs no reindexing), never showing a question one may not open."""

from __future__ import annotations

import pytest

from intranet.actions.comments import do_add_comment
from intranet.actions.polls import do_mark_answer
from intranet.actions.posts import do_create_post
from intranet.models import Post
from intranet.platform import db
from intranet.search.text.querylang import Field, QuerySyntaxError, parse
from tests.domain_helpers import fresh
from tests.search_helpers import found


def _post(app, author, body, group=None, kind=None) -> int:
    with app.app_context(), db.transaction() as s:
        return do_create_post(s, fresh(s, author), fresh(s, group) if group else None, body, kind=kind).id


def test_the_parser_reads_type_question_and_is(app):
    with app.test_request_context():
        assert parse("type:question") == Field("type", "question", 0)
        assert parse("is:Unanswered") == Field("is", "unanswered", 0)
        with pytest.raises(QuerySyntaxError):
            parse("is:sleepy")


def test_questions_answered_and_not(app, cast, drain_index):
    asked = _post(app, cast.alice, "How to descale the kettle?", kind="question")
    solved = _post(app, cast.bob, "How to reset the kettle clock?", kind="question")
    plain = _post(app, cast.lea, "The kettle is great")
    hidden = _post(app, cast.lea, "Secret kettle question?", cast.apollo, kind="question")
    with app.app_context(), db.transaction() as s:
        comment = do_add_comment(s, fresh(s, cast.alice), s.get(Post, solved), "Hold the button")
        do_mark_answer(s, fresh(s, cast.bob), s.get(Post, solved), comment.id)
    drain_index()
    assert found(app, cast.bob, "type:question") == {("post", asked), ("post", solved)}
    assert found(app, cast.bob, "kettle is:unanswered") == {("post", asked)}
    assert found(app, cast.bob, "is:answered") == {("post", solved)}
    assert ("post", hidden) in found(app, cast.alice, "type:question kettle")  # alice is in apollo
    assert ("post", plain) in found(app, cast.bob, "kettle -type:question")
    assert found(app, cast.bob, "type:question secret") == set()


def test_search_page_explains_a_bad_is_value(cast, make_web):
    page = make_web().login(cast.alice).get("/search?q=is:whatever")
    assert page.status_code == 400 and "is:whatever" in page.get_data(as_text=True)
