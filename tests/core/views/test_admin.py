"""Administration: admins only, accounts, deactivation (sessions and sockets), departments, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intranet.actions.common import audit
from intranet.models import AuditLog, Department, Membership, Role, User
from intranet.platform import db
from tests.conftest import PASSWORD

ADMIN_PAGES = [("get", "/admin/users"), ("get", "/admin/users/new"), ("post", "/admin/users/new"),
               ("post", "/admin/users/2/deactivate"), ("post", "/admin/users/2/reactivate"),
               ("post", "/admin/users/2/department"), ("get", "/admin/departments"),
               ("post", "/admin/departments"), ("post", "/admin/departments/1/leads"),
               ("get", "/admin/audit")]


def _user(app, email: str) -> User | None:
    """Read in a fresh app context: the requests under test must not share ours (nor its g)."""
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_admin_pages_are_404_for_everyone_else(web, cast, method, url):
    web.login(cast.lea)  # a department lead is still not an administrator
    assert getattr(web, method)(url).status_code == 404


def test_admin_pages_ask_anonymous_visitors_to_log_in(web, cast):
    response = web.get("/admin/audit")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_admin_creates_a_user_in_a_department(app, web, cast):
    web.login(cast.admin)
    assert web.get("/admin/users/new").status_code == 200
    response = web.post("/admin/users/new", data={
        "name": "Chloé Roux", "email": "chloe@example.com", "password": PASSWORD,
        "department_id": str(cast.service.id), "job_title": "Agent", "is_admin": "y"})
    assert response.status_code == 302
    with app.app_context():
        chloe = db.session.scalar(select(User).where(User.email == "chloe@example.com"))
        assert (chloe.department_id, chloe.job_title, chloe.is_admin) == (cast.service.id, "Agent", True)
        assert db.session.get(Membership, (cast.service_group.id, chloe.id)) is not None
        row = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.create",
                                                       AuditLog.target_id == chloe.id))
        assert row.actor_id == cast.admin.id


def test_admin_create_user_shows_errors_on_the_form(web, cast):
    web.login(cast.admin)
    response = web.post("/admin/users/new", data={
        "name": "Alice again", "email": "ALICE@example.com", "password": PASSWORD, "department_id": "0"})
    assert response.status_code == 409
    assert "already exists" in response.get_data(as_text=True)
    bad = web.post("/admin/users/new", data={"name": "X", "email": "x@y.z", "password": "1",
                                             "department_id": "999"})
    assert bad.status_code == 400 and "Not a valid choice" in bad.get_data(as_text=True)


def test_deactivation_ends_session_and_socket_at_once(app, web, make_web, socket_for, cast):
    bob = make_web().login(cast.bob)
    assert bob.get("/profile").status_code == 200
    sc = socket_for(bob)
    assert sc.is_connected()

    web.login(cast.admin)
    assert web.post(f"/admin/users/{cast.bob.id}/deactivate").status_code == 302
    assert not sc.is_connected()
    assert bob.get("/profile").status_code == 302  # logged out on his next request
    assert _user(app, "bob@example.com").is_active_account is False

    assert web.post(f"/admin/users/{cast.bob.id}/reactivate").status_code == 302
    assert _user(app, "bob@example.com").is_active_account is True


def test_admin_cannot_deactivate_themselves(app, web, cast):
    web.login(cast.admin)
    response = web.post(f"/admin/users/{cast.admin.id}/deactivate", headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert _user(app, "admin@example.com").is_active_account


def test_admin_moves_someone_to_another_department(app, web, cast):
    web.login(cast.admin)
    response = web.post(f"/admin/users/{cast.alice.id}/department",
                        data={"department_id": str(cast.service.id)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, cast.alice.id).department_id == cast.service.id
        assert db.session.get(Membership, (cast.marketing_group.id, cast.alice.id)) is None
        assert db.session.get(Membership, (cast.service_group.id, cast.alice.id)) is not None
    bad = web.post(f"/admin/users/{cast.alice.id}/department", data={"department_id": "x"})
    assert bad.status_code == 400


def test_admin_creates_a_department_and_names_its_lead(app, web, cast):
    web.login(cast.admin)
    assert web.post("/admin/departments", data={"name": "Marketing"}).status_code == 409  # exists
    assert web.post("/admin/departments", data={"name": "Produit"}).status_code == 302
    with app.app_context():
        produit = db.session.scalar(select(Department).where(Department.name == "Produit"))
        assert produit.group is not None and produit.group.kind == "department"
    response = web.post(f"/admin/departments/{produit.id}/leads", data={"user": "bob@example.com"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Membership, (produit.group_id, cast.bob.id)).role == Role.LEAD
    page = web.get("/admin/departments").get_data(as_text=True)
    assert "Produit" in page and "Bob Durand" in page


def test_audit_log_newest_first_and_paginated(app, web, cast):
    with app.app_context(), db.transaction() as s:
        for n in range(60):
            audit(s, None, "test.row", "test", 1000 + n)
    web.login(cast.admin)
    web.post(f"/admin/users/{cast.bob.id}/deactivate")
    first = web.get("/admin/audit").get_data(as_text=True)
    assert first.index("deactivated Bob") < first.index("test #1059") < first.index("test #1058")
    assert 'rel="next"' in first and "created the account" not in first
    second = web.get("/admin/audit?page=2").get_data(as_text=True)
    assert "created the account" in second and "deactivated Bob" not in second and 'rel="prev"' in second
