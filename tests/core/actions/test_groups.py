"""Groups: creation, settings, joining, join requests, roles, leaving, department groups."""

from __future__ import annotations

import pytest
from domain_helpers import act, fresh, make_user, rooms
from sqlalchemy import select

from intranet.actions.groups import (
    do_create_group,
    do_decide_join_request,
    do_join_group,
    do_remove_member,
    do_set_member,
    do_update_group,
    member_count,
)
from intranet.actions.users import do_create_department, do_deactivate_user, do_set_department
from intranet.models import Department, Group, GroupKind, JoinRequest, Membership, RequestStatus, Role, User
from intranet.platform import db
from intranet.platform.errors import Conflict, Forbidden, Invalid, NotFound


def role(app, group, user) -> Role | None:
    with app.app_context():
        m = db.session.get(Membership, (group.id, user.id))
        return m.role if m else None


def request_join(app, user, group) -> int:
    with app.app_context(), db.transaction() as s:
        assert do_join_group(s, fresh(s, user), fresh(s, group), "let me in") == "requested"
        return s.scalar(select(JoinRequest.id).where(JoinRequest.user_id == user.id,
                                                     JoinRequest.group_id == group.id))


# --- creating and updating -------------------------------------------------------------------

def test_any_employee_creates_a_group_and_leads_it(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        group = do_create_group(s, fresh(s, cast.alice), "  Équipe Café  ", description="Beans",
                                visibility="private", kind="community")
    assert (group.name, group.slug, group.visibility, group.kind) == (
        "Équipe Café", "equipe-cafe", "private", GroupKind.COMMUNITY)
    assert role(app, group, cast.alice) == Role.LEAD
    assert ch.audits == [("group.create", "group", group.id, {"visibility": "private"})]
    assert ch.outbox == [("group", group.id, "upsert")]
    with app.app_context(), db.transaction() as s:
        twin = do_create_group(s, fresh(s, cast.bob), "Equipe cafe")
    assert twin.slug == "equipe-cafe-2"


@pytest.mark.parametrize(("kw", "field"), [
    ({"name": ""}, "name"), ({"name": "x" * 121}, "name"), ({"visibility": "hidden"}, "visibility"),
    ({"kind": "department"}, "kind"), ({"kind": "club"}, "kind"),
    ({"description": "d" * 2001}, "description"),
])
def test_group_fields_are_validated(app, cast, kw, field):
    args = {"name": "Fine", **kw}
    with pytest.raises(Invalid) as err, app.app_context(), db.transaction() as s:
        do_create_group(s, fresh(s, cast.alice), args.pop("name"), **args)
    assert err.value.field == field


@pytest.mark.parametrize("who", ["lea", "admin"])
def test_leads_and_admins_update_settings(app, cast, captured_events, who):
    with act(app, captured_events) as (s, ch):
        do_update_group(s, fresh(s, getattr(cast, who)), fresh(s, cast.apollo), name="Apollo 2",
                        description="Next phase", visibility="secret")
    ev = ch.one("group")
    assert ev["data"]["op"] == "update" and ev["data"]["id"] == cast.apollo.id
    assert set(ev["rooms"]) == rooms(cast.lea, cast.alice)
    assert ch.audits == [("group.update", "group", cast.apollo.id, {"visibility": "secret"})]
    assert ch.outbox == [("group", cast.apollo.id, "upsert")]


def test_members_cannot_update_settings(app, cast, captured_events):
    with pytest.raises(Forbidden), act(app, captured_events) as (s, _ch):
        do_update_group(s, fresh(s, cast.alice), fresh(s, cast.apollo), name="Mine now",
                        description="", visibility="public")
    with app.app_context():
        assert db.session.get(Group, cast.apollo.id).name == "Project Apollo"


# --- joining --------------------------------------------------------------------------------

def test_joining_a_public_group_is_immediate(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        assert do_join_group(s, fresh(s, cast.alice), fresh(s, cast.coffee)) == "joined"
    assert role(app, cast.coffee, cast.alice) == Role.MEMBER
    group_ev, personal = ch.of("group")
    assert group_ev["data"] == {**personal["data"], "event_id": group_ev["data"]["event_id"]}
    assert group_ev["data"]["op"] == "member_add" and group_ev["data"]["user_id"] == cast.alice.id
    assert set(group_ev["rooms"]) == rooms(cast.bob, cast.alice)
    assert personal["rooms"] == [f"user:{cast.alice.id}"]
    assert ch.outbox == [("group", cast.coffee.id, "upsert")]
    with pytest.raises(Conflict), app.app_context(), db.transaction() as s:
        do_join_group(s, fresh(s, cast.alice), fresh(s, cast.coffee))


def test_joining_a_private_group_asks_its_leads(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        assert do_join_group(s, fresh(s, cast.bob), fresh(s, cast.apollo), "I can help") == "requested"
    assert role(app, cast.apollo, cast.bob) is None
    assert ch.notified() == {cast.lea.id: ["join_request"]}
    assert [e["rooms"] for e in ch.events] == [[f"user:{cast.lea.id}"]]
    assert ch.of("group") == [] and ch.outbox == []
    with app.app_context():
        req = db.session.scalar(select(JoinRequest))
        assert (req.user_id, req.group_id, req.status, req.message) == (
            cast.bob.id, cast.apollo.id, RequestStatus.PENDING, "I can help")
    with pytest.raises(Conflict), act(app, captured_events) as (s, _ch):
        do_join_group(s, fresh(s, cast.bob), fresh(s, cast.apollo))
    assert captured_events == []


def test_joining_a_secret_group_is_not_found(app, cast, captured_events):
    with pytest.raises(NotFound), act(app, captured_events) as (s, _ch):
        do_join_group(s, fresh(s, cast.alice), fresh(s, cast.board))
    assert captured_events == []
    with app.app_context():
        assert db.session.scalar(select(JoinRequest)) is None


def test_department_group_requests_go_to_its_leads(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        assert do_join_group(s, fresh(s, cast.bob), fresh(s, cast.marketing_group)) == "requested"
    assert ch.notified() == {cast.lea.id: ["join_request"]}


def test_request_to_a_group_without_active_lead_reaches_the_admins(app, cast, captured_events):
    # Service client's department group has no lead yet: someone must hear about the request
    with act(app, captured_events) as (s, ch):
        do_join_group(s, fresh(s, cast.alice), fresh(s, cast.service_group))
    assert ch.notified() == {cast.admin.id: ["join_request"]}
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, fresh(s, cast.lea), acting_user=fresh(s, cast.admin))
    with act(app, captured_events) as (s, ch):
        do_join_group(s, fresh(s, cast.bob), fresh(s, cast.apollo))
    assert ch.notified() == {cast.admin.id: ["join_request"]}


def test_approval_makes_a_member_and_tells_the_requester(app, cast, captured_events):
    rid = request_join(app, cast.bob, cast.apollo)
    with act(app, captured_events) as (s, ch):
        do_decide_join_request(s, fresh(s, cast.lea), s.get(JoinRequest, rid), True)
    assert role(app, cast.apollo, cast.bob) == Role.MEMBER
    assert ch.notified() == {cast.bob.id: ["join_approved"]}
    member_add = [e for e in ch.of("group") if e["data"]["op"] == "member_add"]
    assert {frozenset(e["rooms"]) for e in member_add} == {
        frozenset(rooms(cast.lea, cast.alice, cast.bob)), frozenset(rooms(cast.bob))}
    assert ch.audits == [("group.join_request", "group", cast.apollo.id,
                          {"user_id": cast.bob.id, "approved": True})]
    with app.app_context():
        req = db.session.get(JoinRequest, rid)
        assert req.status == RequestStatus.APPROVED and req.decided_by_id == cast.lea.id
    with pytest.raises(Conflict), app.app_context(), db.transaction() as s:
        do_decide_join_request(s, fresh(s, cast.lea), s.get(JoinRequest, rid), False)


def test_rejection_leaves_the_group_unchanged_and_tells_the_requester(app, cast, captured_events):
    rid = request_join(app, cast.bob, cast.apollo)
    with act(app, captured_events) as (s, ch):
        do_decide_join_request(s, fresh(s, cast.admin), s.get(JoinRequest, rid), False)
    assert role(app, cast.apollo, cast.bob) is None
    assert ch.notified() == {cast.bob.id: ["join_refused"]}  # told, not left waiting
    assert ch.of("group") == []
    assert ch.audits == [("group.join_request", "group", cast.apollo.id,
                          {"user_id": cast.bob.id, "approved": False})]
    request_join(app, cast.bob, cast.apollo)  # may ask again once decided


def test_members_cannot_decide_requests(app, cast):
    rid = request_join(app, cast.bob, cast.apollo)
    with pytest.raises(Forbidden), app.app_context(), db.transaction() as s:
        do_decide_join_request(s, fresh(s, cast.alice), s.get(JoinRequest, rid), True)
    assert role(app, cast.apollo, cast.bob) is None


# --- roles and leaving ----------------------------------------------------------------------

def test_lead_adds_promotes_and_demotes(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        do_set_member(s, fresh(s, cast.lea), fresh(s, cast.apollo), fresh(s, cast.bob), "member")
    assert role(app, cast.apollo, cast.bob) == Role.MEMBER
    assert ch.audits == [("group.member_add", "group", cast.apollo.id,
                          {"user_id": cast.bob.id, "role": "member"})]
    assert set(ch.of("group")[0]["rooms"]) == rooms(cast.lea, cast.alice, cast.bob)
    with act(app, captured_events) as (s, ch):
        do_set_member(s, fresh(s, cast.lea), fresh(s, cast.apollo), fresh(s, cast.bob), "lead")
    assert role(app, cast.apollo, cast.bob) == Role.LEAD
    assert ch.of("group")[0]["data"]["op"] == "member_role"
    with app.app_context(), db.transaction() as s:  # two leads: lea may step down now
        do_set_member(s, fresh(s, cast.bob), fresh(s, cast.apollo), fresh(s, cast.lea), "member")
    assert role(app, cast.apollo, cast.lea) == Role.MEMBER


def test_last_lead_cannot_be_demoted_or_leave(app, cast, captured_events):
    with pytest.raises(Conflict), act(app, captured_events) as (s, _ch):
        do_set_member(s, fresh(s, cast.lea), fresh(s, cast.apollo), fresh(s, cast.lea), "member")
    with pytest.raises(Conflict), act(app, captured_events) as (s, _ch):
        do_remove_member(s, fresh(s, cast.lea), fresh(s, cast.apollo), fresh(s, cast.lea))
    with pytest.raises(Conflict), act(app, captured_events) as (s, _ch):
        do_remove_member(s, fresh(s, cast.admin), fresh(s, cast.apollo), fresh(s, cast.lea))
    assert captured_events == []
    assert role(app, cast.apollo, cast.lea) == Role.LEAD


@pytest.mark.parametrize(("who", "target", "value", "error"), [
    ("alice", "bob", "member", Forbidden),  # members do not manage
    ("lea", "bob", "owner", Invalid),
    ("lea", "bob", None, Invalid),
])
def test_set_member_refusals(app, cast, who, target, value, error):
    with pytest.raises(error), app.app_context(), db.transaction() as s:
        do_set_member(s, fresh(s, getattr(cast, who)), fresh(s, cast.apollo), fresh(s, getattr(cast, target)),
                      value)
    assert role(app, cast.apollo, cast.bob) is None


def test_deactivated_people_cannot_be_added(app, cast):
    with app.app_context(), db.transaction() as s:
        do_deactivate_user(s, fresh(s, cast.bob), acting_user=fresh(s, cast.admin))
    with pytest.raises(Invalid), app.app_context(), db.transaction() as s:
        do_set_member(s, fresh(s, cast.lea), fresh(s, cast.apollo), fresh(s, cast.bob), "member")


def test_member_leaves_and_stops_receiving_group_events(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        do_remove_member(s, fresh(s, cast.alice), fresh(s, cast.apollo), fresh(s, cast.alice))
    assert role(app, cast.apollo, cast.alice) is None
    group_ev, personal = ch.of("group")
    assert group_ev["data"]["op"] == "member_remove" and group_ev["rooms"] == [f"user:{cast.lea.id}"]
    assert personal["rooms"] == [f"user:{cast.alice.id}"]
    assert ch.audits == [("group.member_remove", "group", cast.apollo.id, {"user_id": cast.alice.id})]
    assert ch.outbox == [("group", cast.apollo.id, "upsert")]
    with app.app_context():
        assert member_count(db.session(), cast.apollo.id) == 1


def test_people_stay_in_their_own_department_group(app, cast, captured_events):
    with pytest.raises(Invalid, match="department"), act(app, captured_events) as (s, _ch):
        do_remove_member(s, fresh(s, cast.alice), fresh(s, cast.marketing_group), fresh(s, cast.alice))
    assert captured_events == [] and role(app, cast.marketing_group, cast.alice) == Role.MEMBER
    with act(app, captured_events) as (s, _ch):  # a lead may still remove someone
        do_remove_member(s, fresh(s, cast.lea), fresh(s, cast.marketing_group), fresh(s, cast.alice))
    assert role(app, cast.marketing_group, cast.alice) is None


def test_removing_others_is_for_leads(app, cast):
    with app.app_context(), db.transaction() as s:
        do_join_group(s, fresh(s, cast.alice), fresh(s, cast.coffee))
    with pytest.raises(Forbidden), app.app_context(), db.transaction() as s:
        do_remove_member(s, fresh(s, cast.lea), fresh(s, cast.coffee), fresh(s, cast.alice))
    with app.app_context(), db.transaction() as s:
        do_remove_member(s, fresh(s, cast.bob), fresh(s, cast.coffee), fresh(s, cast.alice))
    assert role(app, cast.coffee, cast.alice) is None
    with pytest.raises(NotFound), app.app_context(), db.transaction() as s:
        do_remove_member(s, fresh(s, cast.bob), fresh(s, cast.coffee), fresh(s, cast.alice))


# --- department groups ----------------------------------------------------------------------

def test_department_comes_with_its_public_group(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        dept = do_create_department(s, "Recherche & Développement", acting_user=fresh(s, cast.admin))
    with app.app_context():
        group = db.session.get(Department, dept.id).group
        assert (group.name, group.visibility, group.kind, group.department_id) == (
            "Recherche & Développement", "public", GroupKind.DEPARTMENT, dept.id)
        assert group.slug == "recherche-developpement"
    assert ch.audits == [("department.create", "department", dept.id, {"name": "Recherche & Développement"})]
    assert ch.outbox == [("group", group.id, "upsert")]
    with pytest.raises(Conflict), app.app_context(), db.transaction() as s:
        do_create_department(s, "Recherche & Développement", acting_user=None)


def test_new_user_with_a_department_joins_its_group(app, cast):
    with app.app_context():
        ids = set(db.session.scalars(select(Membership.user_id).where(
            Membership.group_id == cast.marketing_group.id)))
    assert ids == {cast.alice.id, cast.lea.id}
    mia = make_user(app, "mia@example.com", department=cast.service)
    assert role(app, cast.service_group, mia) == Role.MEMBER
    nobody = make_user(app, "solo@example.com")
    with app.app_context():
        assert db.session.scalars(select(Membership).where(Membership.user_id == nobody.id)).all() == []


def test_set_department_moves_membership(app, cast, captured_events):
    with act(app, captured_events) as (s, ch):
        alice = fresh(s, cast.alice)
        do_set_department(s, alice, fresh(s, cast.service), acting_user=fresh(s, cast.admin))
        assert alice.department.name == "Service client"
    assert role(app, cast.marketing_group, cast.alice) is None
    assert role(app, cast.service_group, cast.alice) == Role.MEMBER
    assert ch.audits == [("user.department", "user", cast.alice.id, {"department_id": cast.service.id})]
    assert sorted(ch.outbox) == [("group", cast.marketing_group.id, "upsert"),
                                 ("group", cast.service_group.id, "upsert"),
                                 ("person", cast.alice.id, "upsert")]
    ops = {(e["data"]["op"], e["data"]["id"]) for e in ch.reaching(cast.alice)}
    assert ops == {("member_remove", cast.marketing_group.id), ("member_add", cast.service_group.id)}
    assert [e["data"]["op"] for e in ch.reaching(cast.lea)] == ["member_remove"]  # her group's lead
    with app.app_context():
        assert db.session.get(User, cast.alice.id).department_id == cast.service.id


def test_set_same_department_keeps_membership(app, cast):
    with app.app_context(), db.transaction() as s:
        do_set_department(s, fresh(s, cast.alice), fresh(s, cast.marketing), acting_user=fresh(s, cast.admin))
    assert role(app, cast.marketing_group, cast.alice) == Role.MEMBER


def test_leaving_the_department_keeps_a_lead_role_but_drops_plain_membership(app, cast):
    with app.app_context(), db.transaction() as s:
        do_set_department(s, fresh(s, cast.lea), None, acting_user=fresh(s, cast.admin))
        do_set_department(s, fresh(s, cast.alice), None, acting_user=fresh(s, cast.admin))
    assert role(app, cast.marketing_group, cast.lea) == Role.LEAD  # leads are removed explicitly
    assert role(app, cast.marketing_group, cast.alice) is None
    with app.app_context():
        assert db.session.get(User, cast.alice.id).department_id is None
