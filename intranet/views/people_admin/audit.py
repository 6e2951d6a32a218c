"""The audit log page in words, its filters (person, action, dates) and its CSV export.

The dates are whole days in UTC; "to" includes its day. The CSV is UTF-8 with a byte-order mark
(so Excel reads the accents), streamed row by row, in the reader's language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

from flask import Response, render_template, request, stream_with_context
from flask_babel import gettext as _
from sqlalchemy import Select, select
from wtforms import Field
from wtforms.fields.choices import SelectChoice

from intranet.models import AuditLog, User
from intranet.platform import db
from intranet.queries import audit_words
from intranet.queries.people_admin import audit_statement
from intranet.views.common import paginate
from intranet.views.people_admin.forms import AuditFilterForm
from intranet.views.people_admin.pages import bp

PAGE_SIZE = 50
CSV_CHUNK = 500


def _form() -> AuditFilterForm:
    form = AuditFilterForm(request.args, meta={"csrf": False})
    people = db.session.execute(select(User.id, User.name).where(User.deleted_at.is_(None))
                                .order_by(User.name))
    form.person.choices = [SelectChoice(0, _("Everyone")), *(SelectChoice(i, n) for i, n in people)]
    form.action.choices = [SelectChoice("", _("Every action")),
                           *(SelectChoice(a, a) for a in _actions())]
    return form


def _actions() -> list[str]:
    """Every action with a phrase, and any other the log holds (one index scan)."""
    recorded = db.session.scalars(select(AuditLog.action).distinct())
    return sorted(set(audit_words.actions()) | set(recorded))


def _day(value: object) -> datetime | None:
    return datetime.combine(value, time(), tzinfo=UTC) if value else None


def filtered() -> tuple[AuditFilterForm, Select]:
    """The form (with its messages) and the statement its valid filters select."""
    form = _form()
    form.validate()
    def value(f: Field) -> object:
        return None if f.errors else f.data

    until = _day(value(form.until))
    stmt = audit_statement(actor_id=value(form.person) or None, action=value(form.action) or None,
                           since=_day(value(form.since)), until=until + timedelta(days=1) if until else None)
    return form, stmt


def audit_page() -> str:
    form, stmt = filtered()
    page = paginate(stmt, PAGE_SIZE)
    names = audit_words.Names.of(db.session, page.items)
    lines = [(row, audit_words.describe(row, names)) for row in page.items]
    return render_template("people_admin/audit.html", page=page, lines=lines, form=form,
                           query=request.query_string.decode())


@bp.route("/admin/audit.csv", methods=["GET"])
def audit_csv() -> Response:
    _ignored, stmt = filtered()

    def rows() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        yield "\ufeff"
        writer.writerow([_("When (UTC)"), _("Who"), _("What"), _("Action"), _("Target"), _("Target id")])
        last = None
        while True:  # keyset pages (newest first): each costs the same, however deep
            page = stmt if last is None else stmt.where(AuditLog.id < last)
            chunk = list(db.session.scalars(page.limit(CSV_CHUNK)))
            names = audit_words.Names.of(db.session, chunk)
            for row in chunk:
                writer.writerow([row.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                                 names.users.get(row.actor_id, "") if row.actor_id else _("The system"),
                                 audit_words.describe(row, names), row.action, row.target_type,
                                 row.target_id if row.target_id is not None else ""])
            yield out.getvalue()
            out.seek(0)
            out.truncate()
            if len(chunk) < CSV_CHUNK:
                return
            last = chunk[-1].id

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(stream_with_context(rows()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"',
                             "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store"})
