"""Tasks and library files in search: ``type:task``, ``is:open``, ``assignee:``, labels as
#topics, text inside uploaded PDFs, and nothing of a private or secret group for outsiders."""

from __future__ import annotations

import pytest
from domain_helpers import fresh

from intranet.actions.files import Upload
from intranet.actions.library import do_upload
from intranet.actions.tasks import do_create_task, do_set_status
from intranet.models import Task
from intranet.platform import db
from intranet.search.text.querylang import Field, QuerySyntaxError, parse
from tests.search_files import make_pdf
from tests.search_helpers import found


def _task(app, author, group, title, **kw) -> int:
    with app.app_context(), db.transaction() as s:
        return do_create_task(s, fresh(s, author), fresh(s, group), title, **kw).id


def _upload(app, author, group, name, data) -> int:
    with app.app_context(), db.transaction() as s:
        return do_upload(s, fresh(s, author), fresh(s, group), None, Upload(name, data)).id


def test_the_parser_knows_the_task_fields():
    assert parse("is:open") == Field("is", "open", 0)
    assert parse("is:en-cours") == Field("is", "in_progress", 0)
    assert parse("type:tâches") == Field("type", "task", 0)
    assert parse("assignee:me") == Field("assignee", "me", 0)
    with pytest.raises(QuerySyntaxError):
        parse("is:someday")


def test_tasks_by_type_state_assignee_and_label(app, cast, drain_index):
    faq = _task(app, cast.lea, cast.apollo, "Robot FAQ for support", assignee_ids=[cast.alice.id],
                labels=["faq"], checklist=["Collect questions from the forum"])
    other = _task(app, cast.lea, cast.apollo, "Robot launch checklist")
    drain_index()
    assert found(app, cast.alice, "robot type:task") == {("task", faq), ("task", other)}
    assert found(app, cast.alice, "type:task assignee:alice") == {("task", faq)}
    assert found(app, cast.alice, "assignee:me") == {("task", faq)}
    assert found(app, cast.alice, "#faq") == {("task", faq)}
    assert found(app, cast.alice, "forum type:task") == {("task", faq)}  # the checklist is searched
    with app.app_context(), db.transaction() as s:
        do_set_status(s, fresh(s, cast.lea), s.get(Task, other), "done")
    drain_index()
    assert found(app, cast.alice, "robot is:open") == {("task", faq)}
    assert found(app, cast.alice, "robot is:done") == {("task", other)}


@pytest.mark.parametrize(("group", "author", "outsider"), [
    ("apollo", "lea", "bob"), ("board", "admin", "alice")])
def test_private_and_secret_tasks_and_files_stay_hidden(app, cast, drain_index, group, author, outsider):
    tid = _task(app, getattr(cast, author), getattr(cast, group), "Confidential roadmap")
    fid = _upload(app, getattr(cast, author), getattr(cast, group), "roadmap.pdf",
                  make_pdf("confidential roadmap quarterly"))
    drain_index()
    assert found(app, getattr(cast, author), "roadmap") >= {("task", tid), ("libfile", fid)}
    assert found(app, getattr(cast, outsider), "roadmap") == set()
    assert found(app, getattr(cast, outsider), "quarterly type:file") == set()


def test_text_inside_library_files_is_found_with_type_file(app, cast, drain_index):
    fid = _upload(app, cast.bob, cast.coffee, "brewing-guide.pdf", make_pdf("espresso extraction ratio"))
    drain_index()
    assert found(app, cast.alice, "extraction type:file") == {("libfile", fid)}
    new = _upload(app, cast.bob, cast.coffee, "Brewing-Guide.pdf", make_pdf("espresso grind size"))
    drain_index()
    assert found(app, cast.alice, "grind") == {("libfile", new)}  # the new version is indexed too
