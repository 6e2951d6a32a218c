"""People management through /api/v1/admin: edit, leads, (de)activate, delete by policy, CSV
import; admins only (404 to others); answers conform to the OpenAPI document."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from intranet.actions.posts import do_create_post
from intranet.models import AuditLog, Membership, Post, Role, User
from intranet.platform import db
from intranet.views.people_admin import import_runner
from tests.api_helpers import api_clients, conforms


@pytest.fixture
def api(app, cast):
    return api_clients(app, cast)


def _audits(session, action):
    return [(r.actor_id, r.target_id, r.data) for r in session.scalars(
        select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))]


def test_everything_is_404_for_non_admins(cast, api):
    for method, url in (("GET", "/admin/people"), ("GET", f"/admin/people/{cast.bob.id}"),
                        ("PATCH", f"/admin/people/{cast.bob.id}"),
                        ("POST", f"/admin/people/{cast.bob.id}/deactivate"),
                        ("DELETE", f"/admin/people/{cast.bob.id}?posts=keep"),
                        ("POST", f"/admin/departments/{cast.marketing.id}/leads"),
                        ("GET", "/admin/people/imports/1")):
        status, data = api["lea"](method, url, {} if method in ("PATCH", "POST") else None)
        assert status == 404 and data["error"]["code"] == "not_found", (method, url)


def test_list_and_filter(cast, api):
    status, data = api["admin"]("GET", "/admin/people")
    assert status == 200
    conforms(data, "PersonPage")
    names = [p["name"] for p in data["items"]]
    assert names == sorted(names) and len(names) == 4 and data["next_page"] is None
    lea = next(p for p in data["items"] if p["id"] == cast.lea.id)
    assert lea["leads"] == [{"id": cast.marketing.id, "name": "Marketing"}]
    assert [p["id"] for p in api["admin"]("GET", "/admin/people?q=bob")[1]["items"]] == [cast.bob.id]
    assert api["admin"]("GET", "/admin/people?status=gone")[0] == 400


def test_edit_person(session, cast, api):
    url = f"/admin/people/{cast.bob.id}"
    status, data = api["admin"]("PATCH", url, {
        "name": "Robert Durand", "email": "Robert@Example.com", "job_title": "Team lead",
        "department_id": cast.marketing.id, "is_admin": True})
    assert status == 200
    conforms(data, "Person")
    assert (data["name"], data["email"], data["job_title"], data["is_admin"]) == (
        "Robert Durand", "robert@example.com", "Team lead", True)
    assert data["department"]["id"] == cast.marketing.id
    assert session.get(Membership, (cast.marketing_group.id, cast.bob.id)) is not None
    [(actor, target, payload)] = _audits(session, "user.update")
    assert (actor, target) == (cast.admin.id, cast.bob.id)
    assert sorted(payload["fields"]) == ["department", "email", "is_admin", "job_title", "name"]
    assert "Robert" not in str(payload)  # fields, never their values
    assert api["admin"]("PATCH", url, {"email": "alice@example.com"})[0] == 409
    assert api["admin"]("PATCH", url, {"email": "nope"})[1]["error"]["field"] == "email"
    assert api["admin"]("PATCH", url, {"name": ""})[1]["error"]["field"] == "name"
    assert api["admin"]("PATCH", url, {"department_id": 999})[1]["error"]["field"] == "department_id"
    assert api["admin"]("PATCH", url, {"is_admin": "yes"})[1]["error"]["field"] == "is_admin"
    status, data = api["admin"]("PATCH", f"/admin/people/{cast.admin.id}", {"is_admin": False})
    assert status == 409 and data["error"]["field"] == "is_admin"  # not one's own role
    assert api["admin"]("PATCH", "/admin/people/999", {"name": "X"})[0] == 404


def test_promote_and_demote_department_leads(session, cast, api):
    url = f"/admin/departments/{cast.marketing.id}/leads"
    status, data = api["admin"]("POST", url, {"user_id": cast.alice.id})
    assert status == 200 and data["leads"] == [{"id": cast.marketing.id, "name": "Marketing"}]
    assert session.get(Membership, (cast.marketing_group.id, cast.alice.id)).role == Role.LEAD
    assert api["admin"]("DELETE", f"{url}/{cast.alice.id}") == (204, None)
    session.expire_all()
    assert session.get(Membership, (cast.marketing_group.id, cast.alice.id)).role == Role.MEMBER
    assert api["admin"]("DELETE", f"{url}/{cast.alice.id}")[0] == 404  # no longer a lead
    assert api["admin"]("DELETE", f"{url}/{cast.lea.id}")[0] == 204  # a department may lose its last lead
    assert api["admin"]("POST", "/admin/departments/999/leads", {"user_id": cast.alice.id})[0] == 404
    assert api["admin"]("POST", url, {"user_id": "x"})[1]["error"]["field"] == "user_id"


def test_deactivate_and_reactivate(cast, api):
    status, data = api["admin"]("POST", f"/admin/people/{cast.bob.id}/deactivate")
    assert status == 200 and data["status"] == "deactivated"
    assert api["bob"]("GET", "/me")[0] == 401  # his token no longer works
    assert api["admin"]("POST", f"/admin/people/{cast.admin.id}/deactivate")[0] == 409
    status, data = api["admin"]("POST", f"/admin/people/{cast.bob.id}/reactivate")
    assert status == 200 and data["status"] == "active"


def _post(app, author, group, body):
    with app.app_context(), db.transaction() as s:
        return do_create_post(s, s.get(User, author.id), group and s.merge(group), body).id


def test_delete_keeping_posts_under_former_employee(app, session, cast, api):
    post_id = _post(app, cast.bob, cast.coffee, "My last espresso")
    assert api["admin"]("DELETE", f"/admin/people/{cast.bob.id}")[0] == 400  # policy required
    status, data = api["admin"]("DELETE", f"/admin/people/{cast.bob.id}?posts=keep")
    assert status == 200
    conforms(data, "DeletionResult")
    bob = session.get(User, cast.bob.id)
    assert bob.name == "Former employee" and "bob" not in bob.email and bob.deleted_at is not None
    assert not bob.is_active_account and bob.job_title == "" and bob.department_id is None
    assert session.scalar(select(func.count()).where(Membership.user_id == bob.id)) == 0
    assert session.get(Post, post_id).author_id == bob.id  # kept, under the emptied account
    assert _audits(session, "user.delete") == [(cast.admin.id, bob.id, {
        "policy": "keep", "posts": 0, "comments": 0, "messages": 0})]
    assert api["admin"]("GET", "/admin/people?status=deleted")[1]["items"][0]["id"] == bob.id
    assert api["admin"]("DELETE", f"/admin/people/{cast.bob.id}?posts=keep")[0] == 404
    assert api["admin"]("POST", f"/admin/people/{cast.bob.id}/reactivate")[0] == 404


def test_delete_removing_posts(app, session, cast, api):
    post_id = _post(app, cast.alice, cast.apollo, "Secret plan")
    status, data = api["admin"]("DELETE", f"/admin/people/{cast.alice.id}?posts=remove")
    assert (status, data) == (200, {"posts": 1, "comments": 0, "messages": 0})
    assert session.get(Post, post_id) is None
    assert api["admin"]("DELETE", f"/admin/people/{cast.admin.id}?posts=keep")[0] == 409  # oneself


def _upload(api, text, name="people.csv", encoding="utf-8", **form):
    client = api["admin"].client
    data = {"file": (io.BytesIO(text.encode(encoding)), name), **form}
    return client.post("/api/v1/admin/people/imports", data=data, headers=api["admin"].headers,
                       content_type="multipart/form-data")


def _finished(api, resp):
    assert resp.status_code == 202, resp.get_json()
    job = resp.get_json()
    conforms(job, "PeopleImport")
    import_runner.wait(job["id"])
    status, job = api["admin"]("GET", f"/admin/people/imports/{job['id']}")
    assert status == 200 and job["status"] == "done", job
    conforms(job, "PeopleImport")
    return job


CSV = ("email;nom;poste;service;admin\n"
       "zoe@example.com;Zoé Petit;Designer;Marketing;non\n"
       "ALICE@example.com;Alice Martin;Brand director;Marketing;\n"
       "broken-address;Nobody;;;\n"
       "yann@example.com;Yann Le Gall;;Nowhere;\n"
       "\"quoted@example.com\";\"Quote,\nOn Two Lines\";;;oui\n"
       "late@example.com;;;;\n")


def test_import_creates_updates_and_reports_lines(session, cast, api):
    job = _finished(api, _upload(api, CSV))
    assert (job["total"], job["processed"], job["created"], job["updated"]) == (6, 6, 2, 1)
    assert [(e["line"], e["message"]) for e in job["errors"]] == [
        (4, "This is not a valid e-mail address."), (5, "Unknown department: Nowhere."),
        (8, "A new person needs a name.")]
    zoe = session.scalar(select(User).where(User.email == "zoe@example.com"))
    assert zoe.name == "Zoé Petit" and zoe.department_id == cast.marketing.id and not zoe.is_admin
    assert session.get(User, cast.alice.id).job_title == "Brand director"
    assert session.scalar(select(User).where(User.email == "quoted@example.com")).is_admin
    [(actor, _target, counts)] = _audits(session, "people.import")
    assert actor == cast.admin.id and counts["created"] == 2 and counts["errors"] == 3

    again = _finished(api, _upload(api, CSV, create_departments="1"))  # re-run: no duplicates
    assert (again["created"], again["updated"], again["unchanged"]) == (1, 0, 3)  # yann: Nowhere made now
    assert session.scalar(select(func.count()).where(User.email == "zoe@example.com")) == 1


def test_import_in_batches_windows_encoding_and_refusals(session, cast, api, monkeypatch):
    monkeypatch.setattr("intranet.actions.people_import.BATCH", 7)
    lines = "\n".join(f"p{i}@example.com,Personne {i} é,,Service client,0" for i in range(45))
    job = _finished(api, _upload(api, "email,name,job_title,department,admin\n" + lines,
                                 encoding="cp1252"))
    assert (job["created"], job["errors"]) == (45, [])
    assert session.scalar(select(User.name).where(User.email == "p44@example.com")) == "Personne 44 é"
    assert _upload(api, "name\nNobody\n").status_code == 400  # no e-mail column
    assert _upload(api, "email\n").status_code == 400  # nothing under the header
    resp = api["admin"].client.post("/api/v1/admin/people/imports", data={},
                                    headers=api["admin"].headers, content_type="multipart/form-data")
    assert resp.status_code == 400 and resp.get_json()["error"]["field"] == "file"
