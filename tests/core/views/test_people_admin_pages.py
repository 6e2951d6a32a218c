"""People administration pages: edit, leadership, delete by policy, CSV import with its progress
page; admins only; French and English."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from intranet.models import Membership, PeopleImport, Role, User
from intranet.views.people_admin import import_runner

PAGES = [("get", "/admin/users/2"), ("post", "/admin/users/2"), ("post", "/admin/users/2/lead/1"),
         ("get", "/admin/users/2/delete"), ("post", "/admin/users/2/delete"),
         ("get", "/admin/people/import"), ("post", "/admin/people/import"), ("get", "/admin/people/import/1")]


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_pages_are_404_for_everyone_else(web, cast, method, url):
    web.login(cast.lea)
    assert getattr(web, method)(url).status_code == 404


def test_edit_a_person(session, web, cast):
    web.login(cast.admin)
    page = web.get(f"/admin/users/{cast.bob.id}").get_data(as_text=True)
    assert 'value="Bob Durand"' in page and "Department leadership" in page
    resp = web.post(f"/admin/users/{cast.bob.id}", data={
        "name": "Bob D.", "email": "bob.d@example.com", "job_title": "Agent",
        "department_id": str(cast.marketing.id), "is_admin": "y"})
    assert resp.status_code == 302
    bob = session.get(User, cast.bob.id)
    assert (bob.name, bob.email, bob.department_id, bob.is_admin) == (
        "Bob D.", "bob.d@example.com", cast.marketing.id, True)
    resp = web.post(f"/admin/users/{cast.bob.id}", data={
        "name": "Bob D.", "email": "alice@example.com", "department_id": "0"})
    assert resp.status_code == 409 and "already exists" in resp.get_data(as_text=True)


def test_toggle_department_leadership(session, web, cast):
    web.login(cast.admin)
    url = f"/admin/users/{cast.alice.id}/lead/{cast.marketing.id}"
    assert web.post(url).status_code == 302
    assert session.get(Membership, (cast.marketing_group.id, cast.alice.id)).role == Role.LEAD
    assert "Stop leading" in web.get(f"/admin/users/{cast.alice.id}").get_data(as_text=True)
    assert web.post(url).status_code == 302
    session.expire_all()
    assert session.get(Membership, (cast.marketing_group.id, cast.alice.id)).role == Role.MEMBER


def test_delete_asks_for_a_policy_and_a_confirmation(session, web, cast):
    web.login(cast.admin)
    url = f"/admin/users/{cast.bob.id}/delete"
    assert "Former employee" in web.get(url).get_data(as_text=True)
    assert web.post(url, data={"posts": "keep"}).status_code == 400  # not confirmed
    assert session.get(User, cast.bob.id).deleted_at is None
    assert web.post(url, data={"posts": "keep", "confirm": "y"}).status_code == 302
    assert session.get(User, cast.bob.id).deleted_at is not None
    web.get("/admin/users")  # shows (and consumes) the flash message that names him
    listing = web.get("/admin/users").get_data(as_text=True)
    assert "Bob Durand" not in listing and "Former employee" not in listing
    assert web.get(f"/admin/users/{cast.bob.id}").status_code == 404


def test_import_page_shows_progress_then_counts_and_refused_lines(session, web, cast):
    web.login(cast.admin)
    assert "email (required)" in web.get("/admin/people/import").get_data(as_text=True)
    data = {"file": (io.BytesIO(b"email,name\nnew@example.com,New Person\nbad,Bad\n"), "staff.csv")}
    resp = web.post("/admin/people/import", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302
    job_id = int(re.search(r"/admin/people/import/(\d+)$", resp.headers["Location"]).group(1))
    import_runner.wait(job_id)
    page = web.get(f"/admin/people/import/{job_id}").get_data(as_text=True)
    assert "1 created, 0 updated, 0 unchanged, 1 lines refused" in page
    assert "<td>3</td><td>This is not a valid e-mail address.</td>" in page
    assert session.get(PeopleImport, job_id).content == ""  # the file is not kept once done
    assert session.scalar(select(User.name).where(User.email == "new@example.com")) == "New Person"
    resp = web.post("/admin/people/import", data={"file": (io.BytesIO(b"nom\nX\n"), "x.csv")},
                    content_type="multipart/form-data")
    assert resp.status_code == 400 and "e-mail column" in resp.get_data(as_text=True)


def test_pages_in_french(web, cast):
    web.login(cast.admin)
    headers = {"Accept-Language": "fr"}
    assert "Importer des personnes" in web.get("/admin/people/import", headers=headers).get_data(as_text=True)
    page = web.get(f"/admin/users/{cast.bob.id}/delete", headers=headers).get_data(as_text=True)
    assert "Ancien salarié" in page
