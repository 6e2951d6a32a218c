"""Time zones: the company's (``TIMEZONE``) for everyone, each person's own once they chose it on
their profile: the times their pages show, the times they type, and their "today"."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from datetime import UTC, datetime

import pytest

from intranet import create_app
from intranet.actions.tasks import do_create_task
from intranet.actions.users import do_update_profile
from intranet.models import ScheduledPost, User
from intranet.platform import db
from intranet.platform.errors import Invalid
from tests.conftest import _config
from tests.domain_helpers import fresh

JSON = {"Accept": "application/json"}
EAST, WEST = "Pacific/Kiritimati", "Pacific/Pago_Pago"  # UTC+14 and UTC-11: never the same date


def choose(web, user: User, zone: str, **headers: str):
    """Save the profile form as its page sends it, with ``zone`` in the time zone select."""
    return web.post("/profile", data={"name": user.name, "job_title": "", "bio": "", "skills": "",
                                      "locale": "", "timezone": zone}, headers=headers)


def selected_zone(page: str) -> str:
    select = re.search(r'<select[^>]*name="timezone".*?</select>', page, re.S)
    assert select, "the profile has a time zone select"
    return re.search(r'<option selected value="([^"]*)"', select.group(0)).group(1)


def test_a_person_reads_and_types_times_in_the_zone_they_chose(app, cast, web):
    alice = web.login(cast.alice)
    assert selected_zone(alice.get("/profile").text) == ""  # the company's, said as such
    assert "Company time (Europe/Paris)" in alice.get("/profile").text
    assert choose(alice, cast.alice, "America/Toronto").status_code == 302
    assert selected_zone(alice.get("/profile").text) == "America/Toronto"
    assert "Times are in your time zone: America/Toronto." in alice.get("/").text

    # typed in Toronto (UTC-5 in January), kept in UTC, shown back in Toronto
    today = datetime.now(UTC).date()
    year = today.year + 1 if (today.month, today.day) > (1, 14) else today.year  # within a year
    resp = alice.post("/posts", data={"body": "Winter sale", "publish_at": f"{year}-01-15T09:00"})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.query(ScheduledPost).one().publish_at == datetime(year, 1, 15, 14, 0, tzinfo=UTC)
    assert "9:00:00\u202fAM" in alice.get("/scheduled").text

    # back to the company's zone: the same moment reads as Paris time (UTC+1)
    assert choose(alice, cast.alice, "").status_code == 302
    with app.app_context():
        assert db.session.get(User, cast.alice.id).timezone is None
    assert "3:00:00\u202fPM" in alice.get("/scheduled").text
    assert "Times are in your time zone: Europe/Paris." in alice.get("/").text


def test_an_unknown_zone_is_refused_with_a_message(app, cast, web):
    alice = web.login(cast.alice)
    resp = choose(alice, cast.alice, "Mars/Olympus_Mons")
    assert resp.status_code == 400 and "Unknown time zone: choose one from the list." in resp.text
    with app.app_context():
        assert db.session.get(User, cast.alice.id).timezone is None
        with pytest.raises(Invalid) as refused, db.transaction() as s:  # the action checks too
            do_update_profile(s, fresh(s, cast.alice), name="Alice Martin", job_title="", bio="",
                              skills="", locale=None, timezone="Mars/Olympus_Mons")
    assert refused.value.field == "timezone" and "Unknown time zone" in str(refused.value)


def test_a_profile_form_without_the_zone_keeps_it(app, cast, web):
    """A page opened before the upgrade (or a script) posts no time zone: nothing changes."""
    alice = web.login(cast.alice)
    choose(alice, cast.alice, "Asia/Singapore")
    resp = alice.post("/profile", data={"name": "Alice M.", "job_title": "", "bio": "", "skills": "",
                                        "locale": ""})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(User, cast.alice.id).timezone == "Asia/Singapore"


def test_a_task_is_overdue_from_midnight_where_the_reader_is(app, cast, make_web):
    """Due on the west's today: already past for a reader in the east, not for one in the west;
    the API says so per reader, as its page does."""
    east, west = make_web().login(cast.alice), make_web().login(cast.lea)
    assert choose(east, cast.alice, EAST).status_code == 302
    assert choose(west, cast.lea, WEST).status_code == 302
    due = datetime.now(dt.timezone(dt.timedelta(hours=-11))).date()
    with app.app_context(), db.transaction() as s:
        tid = do_create_task(s, fresh(s, cast.lea), fresh(s, cast.apollo), "Send the figures",
                             due_on=due.isoformat()).id
    assert east.get(f"/api/v1/tasks/{tid}").json["overdue"] is True
    assert west.get(f"/api/v1/tasks/{tid}").json["overdue"] is False


def test_the_zone_is_in_me_and_in_the_personal_data_export(app, cast, web):
    alice = web.login(cast.alice)
    assert alice.get("/api/v1/me").json["timezone"] is None
    choose(alice, cast.alice, "Asia/Singapore")
    assert alice.get("/api/v1/me").json["timezone"] == "Asia/Singapore"
    archive = zipfile.ZipFile(io.BytesIO(alice.get("/profile/data").data))
    assert json.loads(archive.read("profile.json"))["timezone"] == "Asia/Singapore"


def test_an_unknown_company_zone_stops_the_start(tmp_path, databases):
    with pytest.raises(RuntimeError, match="INTRANET_TIMEZONE='Europe/Pariss' is not a time zone"):
        create_app({**_config(tmp_path, databases.new(tmp_path)), "TIMEZONE": "Europe/Pariss"})
