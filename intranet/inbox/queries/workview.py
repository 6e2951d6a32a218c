"""What the work view shows beside the list: my saved filters, who bulk assignment may name."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet.inbox.queries.cases import service_people
from intranet.models import CaseReply, ReplyState, SavedFilter, User


def saved_filters(session: Session, user: User) -> list[SavedFilter]:
    return list(session.scalars(select(SavedFilter).where(SavedFilter.user_id == user.id)
                                .order_by(SavedFilter.name)))


def assignable_people(session: Session, services: set[int]) -> list[User]:
    """Everyone a case of one of these services may go to (each case checks its own service)."""
    people: dict[int, User] = {}
    for service in sorted(services):
        for person in service_people(session, service):
            people.setdefault(person.id, person)
    return sorted(people.values(), key=lambda u: u.name)


def awaiting_approval(session: Session, case_ids: list[int]) -> set[int]:
    """Which of these cases hold a reply waiting for a lead (one query per page of rows)."""
    if not case_ids:
        return set()
    return set(session.scalars(select(CaseReply.case_id).distinct().where(
        CaseReply.case_id.in_(case_ids), CaseReply.state == ReplyState.PENDING_APPROVAL)))
