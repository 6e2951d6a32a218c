"""Pages around the inbox for more people: forwarding a public comment (every employee) and
the competitor watch (inbox people and department leads, e.g. marketing)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, render_template, url_for
from flask_login import login_required
from sqlalchemy import case, func, select

from intranet.inbox.access import require_competitor_watch
from intranet.inbox.actions.forward import do_forward, forward_message
from intranet.inbox.views.forms import ForwardForm
from intranet.models import CommentMatch, ExternalComment, RuleKind, Source, WatchRule, utcnow
from intranet.platform import db
from intranet.platform.errors import DomainError
from intranet.platform.inputs import query_int
from intranet.views.common import done, form_failed, form_page, me

bp = Blueprint("inbox_watch", __name__, url_prefix="/inbox")
RECENT = 50


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every employee may forward; the competitor watch checks its own audience."""


@bp.route("/forward", methods=["GET", "POST"])
def forward() -> Response:
    form = ForwardForm()
    if not form.validate_on_submit():
        return form_page("inbox_watch/forward.html", form)
    try:
        with db.transaction() as s:
            outcome = do_forward(s, me(), form.url.data, form.text.data, form.author.data or "")
    except DomainError as exc:
        return form_failed("inbox_watch/forward.html", form, exc)
    return done(forward_message(outcome), url_for("inbox_watch.forward"), outcome=outcome)


def competitor_counts(now_days: int = 30) -> list[tuple[WatchRule, int, int, int]]:
    """(rule, mentions in 7 days, in 30 days, all time) per competitor rule, most mentioned first."""
    now = utcnow()

    def recent(days: int) -> object:
        return func.sum(case((ExternalComment.posted_at >= now - timedelta(days=days), 1), else_=0))

    rows = db.session.execute(
        select(WatchRule, recent(7), recent(now_days), func.count(CommentMatch.comment_id))
        .outerjoin(CommentMatch, CommentMatch.rule_id == WatchRule.id)
        .outerjoin(ExternalComment, ExternalComment.id == CommentMatch.comment_id)
        .where(WatchRule.kind == RuleKind.COMPETITOR).group_by(WatchRule.id)).all()
    return sorted(((r, w or 0, m or 0, t) for r, w, m, t in rows), key=lambda row: -row[3])


@bp.get("/competitors")
def competitors() -> str:
    require_competitor_watch(me())
    rule_id = query_int("rule", low=1)
    stmt = (select(ExternalComment, WatchRule.name, Source.name)
            .join(CommentMatch, CommentMatch.comment_id == ExternalComment.id)
            .join(WatchRule, WatchRule.id == CommentMatch.rule_id)
            .join(Source, Source.id == ExternalComment.source_id)
            .where(WatchRule.kind == RuleKind.COMPETITOR)
            .order_by(ExternalComment.posted_at.desc(), ExternalComment.id.desc()).limit(RECENT))
    if rule_id:
        stmt = stmt.where(WatchRule.id == rule_id)
    return render_template("inbox_watch/competitors.html", counts=competitor_counts(),
                           mentions=db.session.execute(stmt).all(), rule_id=rule_id)
