"""JSONL/CSV import: resumable after an interruption, idempotent, broken lines with numbers."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from intranet.inbox.workers.importer import run_import
from intranet.models import Case, CommentMatch, ExternalComment, ImportJob
from intranet.platform import db
from intranet.platform.errors import Invalid
from tests.inbox_helpers import make_route, make_rule, make_source


def _jsonl(path, n: int, broken: dict[int, str] | None = None):
    lines = []
    for i in range(1, n + 1):
        if broken and i in broken:
            lines.append(broken[i])
        else:
            lines.append(json.dumps({"external_id": f"e{i}", "text": f"Acme comment number {i}",
                                     "followers": i}))
    path.write_text("\n".join(lines) + "\n")
    return path


def _stored(session) -> int:
    return session.scalar(select(func.count()).select_from(ExternalComment))


def test_interrupted_import_resumes_where_it_stopped_and_stores_each_once(app, cast, session, tmp_path):
    source = make_source(app, cast.admin, "Export", connector="import")
    make_rule(app, cast.admin, "acme")
    path = _jsonl(tmp_path / "export.jsonl", 250)
    with app.app_context():
        part = run_import(source, path, path.name, batch=40, stop_after=90)
    assert (part.position, part.accepted, part.finished) == (90, 90, False)
    assert _stored(session) == 90
    with app.app_context():
        rest = run_import(source, path, path.name, batch=40)
        again = run_import(source, path, path.name, batch=40)
    assert (rest.position, rest.accepted, rest.duplicates, rest.finished) == (250, 250, 0, True)
    assert again.already_done and _stored(session) == 250
    assert session.scalar(select(func.count()).select_from(Case)) == 250
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 1


def test_a_lost_position_replays_a_batch_without_duplicates(app, cast, session, tmp_path):
    source = make_source(app, cast.admin, "Export", connector="import")
    path = _jsonl(tmp_path / "export.jsonl", 30)
    with app.app_context():
        run_import(source, path, path.name, batch=10, stop_after=20)
    with app.app_context(), db.transaction() as s:
        s.scalar(select(ImportJob)).position = 5  # as if the last batches' commits were lost
    with app.app_context():
        done = run_import(source, path, path.name, batch=10)
    assert done.finished and done.duplicates == 15 and _stored(session) == 30


def test_broken_jsonl_lines_are_reported_with_their_numbers(app, cast, session, tmp_path):
    source = make_source(app, cast.admin, "Export", connector="import")
    path = _jsonl(tmp_path / "x.jsonl", 6, broken={2: "{not json", 4: json.dumps({"text": "no id"}),
                                                   5: json.dumps({"external_id": "e5"})})
    with app.app_context():
        outcome = run_import(source, path, path.name)
    assert [e["line"] for e in outcome.errors] == [2, 4, 5]
    assert "not valid JSON" in outcome.errors[0]["message"]
    assert "external_id" in outcome.errors[1]["message"] and "text" in outcome.errors[2]["message"]
    assert outcome.accepted == 3 and _stored(session) == 3


def test_broken_csv_line_is_reported_with_its_line_number(app, cast, session, tmp_path):
    source = make_source(app, cast.admin, "Export", connector="import")
    path = tmp_path / "reviews.csv"
    path.write_text('external_id,author,text,followers\n'
                    'r1,Ann,"Great, thanks",10\n'
                    'r2,Bob,"A review\nover two lines",5\n'
                    'r3,Cy,missing a field\n'
                    'r4,Di,"bad count",many\n'
                    'r5,Ed,fine,\n')
    with app.app_context():
        outcome = run_import(source, path, path.name)
    assert [(e["line"], e["message"][:8]) for e in outcome.errors] == [(5, "expected"), (6, "follower")]
    assert outcome.accepted == 3
    texts = session.scalars(select(ExternalComment.text).order_by(ExternalComment.external_id)).all()
    assert texts[1] == "A review\nover two lines"


def test_csv_without_the_needed_columns_and_unknown_format_are_refused(app, cast, tmp_path):
    source = make_source(app, cast.admin, "Export", connector="import")
    path = tmp_path / "a.csv"
    path.write_text("id,body\n1,x\n")
    with app.app_context(), pytest.raises(Invalid, match="external_id"):
        run_import(source, path, path.name)
    with app.app_context(), pytest.raises(Invalid, match="jsonl"):
        run_import(source, path, "a.xlsx")


def test_cli_import_shows_progress_and_line_errors(app, cast, tmp_path, session):
    source = make_source(app, cast.admin, "Export", connector="import")
    path = _jsonl(tmp_path / "cli.jsonl", 12, broken={7: "oops"})
    result = app.test_cli_runner().invoke(args=["inbox", "import", source.slug, str(path)])
    assert result.exit_code == 0, result.output
    assert "11 new, 0 already known, 1 broken records." in result.output and "line 7" in result.output
    again = app.test_cli_runner().invoke(args=["inbox", "import", source.slug, str(path)])
    assert "already imported" in again.output
    missing = app.test_cli_runner().invoke(args=["inbox", "import", "nope", str(path)])
    assert missing.exit_code != 0 and "No source" in missing.output


def _outcomes(session, source_id: int) -> dict[str, tuple]:
    """What became of each comment of a source: its rule matches and its case's triage."""

    found: dict[str, tuple] = {}
    for ext, cid in session.execute(select(ExternalComment.external_id, ExternalComment.id)
                                    .where(ExternalComment.source_id == source_id)):
        matches = sorted((m.rule_id, tuple(m.terms)) for m in session.scalars(
            select(CommentMatch).where(CommentMatch.comment_id == cid)))
        case = session.scalar(select(Case).where(Case.comment_id == cid))
        found[ext] = (matches, case and (case.department_id, case.sentiment, case.urgency,
                                         case.recommendation, case.needs_response, case.triage))
    return found


def test_parallel_import_decides_as_the_inline_one_and_still_resumes(app, cast, session, tmp_path):
    """The child process (``inbox.parallel``) computes rules, triage and routes: same result."""

    inline = make_source(app, cast.admin, "Inline", connector="import")
    forked = make_source(app, cast.admin, "Forked", connector="import")
    make_rule(app, cast.admin, "acme")
    make_rule(app, cast.admin, "globex", kind="competitor")
    make_route(app, cast.lea, cast.marketing, "Praise", query="great OR merci")
    texts = ["Acme is great, merci !", "Acme charged me twice, I want a refund now?",
             "Globex is cheaper", "Acme mon avocat va porter plainte", "nothing to see", "{broken"]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(t if t.startswith("{") else json.dumps(
        {"external_id": f"m{i % 6}", "text": t, "followers": i % 6 * 5000})
        for i, t in enumerate(texts * 7)) + "\n")
    with app.app_context():
        run_import(inline, path, path.name, batch=4)
        part = run_import(forked, path, path.name, batch=4, stop_after=13, parallel=True)
        done = run_import(forked, path, path.name, batch=4, parallel=True)
    assert (part.position, part.finished) == (13, False)
    assert (done.position, done.accepted, done.finished) == (42, 5, True)  # ids repeat: 5 distinct
    assert [e["line"] for e in done.errors] == [6, 12, 18, 24, 30, 36, 42]
    expected = _outcomes(session, inline.id)
    assert len(expected) == 5 and sum(1 for _m, case in expected.values() if case) == 3
    assert _outcomes(session, forked.id) == expected
