"""Routing by hand: an agent moves a case to another service (applying the suggestion is one
click), and a lead describes their service for routing's cold start.

A move is a correction routing learns from (``queries.learning`` counts it double), so the
history is dropped after commit (with the pipeline that holds it) and the next case already
votes with it.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from intranet.actions.common import audit, clean_text
from intranet.inbox import access as access_inbox
from intranet.inbox.actions.cases import publish_case, record, require_worker
from intranet.inbox.actions.ingest import pipeline_changed
from intranet.inbox.queries.learning import ROUTE, stored_suggestion
from intranet.inbox.rules import sla
from intranet.models import Case, CaseStatus, Department, ServiceSettings, User
from intranet.platform.errors import Invalid

MAX_DESCRIPTION = 2_000
MAX_EXAMPLES = 50
MAX_EXAMPLE = 500


def do_route_case(session: Session, actor: User, case: Case, department_id: Any) -> None:
    """Send the case to ``department_id``'s inbox: new due dates from that service's targets,
    the assignee kept only if they work there too, one timeline line saying whether it followed
    the suggestion."""
    require_worker(actor, case)
    if isinstance(department_id, bool) or not isinstance(department_id, int):
        raise Invalid(_("Choose the service."), field="service_id")
    department = session.get(Department, department_id)
    if department is None:
        raise Invalid(_("This service does not exist."), field="service_id")
    if department.id == case.department_id:
        raise Invalid(_("The case is already in this service."), field="service_id")
    before = case.department_id
    if before is not None:
        publish_case(session, case, "route")  # the old service's lists drop it
    case.department_id, case.routing_rule_id = department.id, None
    if case.assignee_id is not None and not _works_there(session, case.assignee_id, department.id):
        case.assignee_id = None
        if case.status == CaseStatus.ASSIGNED:
            case.status = CaseStatus.NEW
    settings = session.get(ServiceSettings, department.id)
    targets = (settings.first_response_minutes, settings.resolution_minutes) if settings else None
    case.first_response_due, case.resolution_due = sla.due_dates(targets, case.created_at)
    suggested = (stored_suggestion(case) or {}).get("service") == str(department.id)
    record(session, case, actor, ROUTE, from_service=before, to_service=department.id,
           service_name=department.name, suggested=suggested)
    publish_case(session, case, "route")
    pipeline_changed(session)  # the routing memory too: the next case votes with this correction


def _works_there(session: Session, user_id: int, department_id: int) -> bool:
    user = session.get(User, user_id)
    return user is not None and (user.is_admin or department_id in access_inbox.inbox_services(user))


def clean_examples(raw: Any) -> list[str]:
    """Example comments: a list of strings or one text with one example per line."""
    if isinstance(raw, str):
        raw = raw.splitlines()
    if raw is None:
        raw = []
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise Invalid(_("Examples must be a list of texts."), field="examples")
    lines = [clean_text(x, field="examples", label=_("Example"), max_len=MAX_EXAMPLE, required=False)
             for x in raw]
    lines = [x for x in lines if x]
    if len(lines) > MAX_EXAMPLES:
        raise Invalid(_("At most %(n)d examples.", n=MAX_EXAMPLES), field="examples")
    return lines


def do_save_service_profile(session: Session, actor: User, department: Department, *,
                            description: Any, examples: Any) -> ServiceSettings:
    """What the service handles, in the lead's words, and example comments it should get."""
    text = clean_text(description, field="description", label=_("Description"),
                      max_len=MAX_DESCRIPTION, required=False)
    lines = clean_examples(examples)
    settings = session.get(ServiceSettings, department.id) or ServiceSettings(
        department_id=department.id, first_response_minutes=sla.DEFAULT_FIRST_RESPONSE,
        resolution_minutes=sla.DEFAULT_RESOLUTION, require_approval=False)
    settings.description, settings.examples = text, lines
    session.add(settings)
    pipeline_changed(session)
    audit(session, actor, "inbox.service_profile", "department", department.id, examples=len(lines))
    return settings
