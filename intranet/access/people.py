"""Who may decide join requests, manage people and take a person's data out.

Like every access function, a refusal is a 404 indistinguishable from "missing": someone who
may not decide a group's requests cannot even learn that a request id exists.
"""

from __future__ import annotations

from flask_babel import gettext as _

from intranet.access.groups import access_group, can_manage_group
from intranet.models import Group, JoinRequest, User
from intranet.platform import db
from intranet.platform.errors import NotFound


def access_managed_group(user: User, group_id: int) -> Group:
    """A group the user leads (or any group, for an admin); 404 otherwise, even if visible."""
    group = access_group(user, group_id)
    if not can_manage_group(user, group):
        raise NotFound(_("This group does not exist or is not visible to you."))
    return group


def access_join_request(user: User, group_id: int, request_id: int) -> JoinRequest:
    """A join request of a group the user manages; 404 for others and for another group's ids."""
    group = access_managed_group(user, group_id)
    join_request = db.session.get(JoinRequest, request_id)
    if join_request is None or join_request.group_id != group.id:
        raise NotFound(_("This request does not exist."))
    return join_request


def access_person_data(viewer: User, user_id: int) -> User:
    """A person's own data, or anyone's for an admin (deactivated accounts included)."""
    person = db.session.get(User, user_id)
    if person is None or not (viewer.is_admin or viewer.id == person.id):
        raise NotFound(_("This person does not exist."))
    return person
