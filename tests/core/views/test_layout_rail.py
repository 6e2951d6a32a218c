"""The side rail (my groups and communities with what is new since my last visit) and group
covers (uploaded by a lead, checked and re-encoded, served through access)."""

from __future__ import annotations

import io
import re

from domain_helpers import fresh
from PIL import Image
from sqlalchemy import event, select

from intranet.actions.groups import do_set_member
from intranet.actions.posts import do_create_post
from intranet.models import Group, Membership
from intranet.platform import db


def _post(app, author, group, text: str) -> None:
    with app.app_context(), db.transaction() as s:
        do_create_post(s, fresh(s, author), fresh(s, group), text)


def _rail(html: str) -> dict[str, int]:
    """Group name: its "new" count, as the rail shows them."""
    rail = html[html.index('id="rail"'):html.index("</nav>", html.index('id="rail"'))]
    found = {}
    for item in re.findall(r'<li><a href="/groups/\d+".*?</a></li>', rail, re.S):
        name = re.search(r'class="rail-name">([^<]*)<', item).group(1)
        count = re.search(r'class="badge badge-count rail-new">(\d+)', item)
        found[name] = int(count.group(1)) if count else 0
    return found


def test_rail_lists_my_groups_and_communities_with_what_is_new(app, cast, web):
    _post(app, cast.lea, cast.apollo, "one")
    _post(app, cast.lea, cast.apollo, "two")
    _post(app, cast.alice, cast.apollo, "mine")  # my own posts are not "new" to me
    _post(app, cast.bob, cast.coffee, "not my group")
    page = web.login(cast.alice).get("/").text
    assert _rail(page) == {"Marketing": 0, "Project Apollo": 2}
    assert "Coffee lovers" not in _rail(page) and "My communities" not in page

    opened = web.get(f"/groups/{cast.apollo.id}").text  # the visit marks them seen
    assert _rail(opened)["Project Apollo"] == 0 and 'aria-current="page">' in opened
    assert _rail(web.get("/").text)["Project Apollo"] == 0
    _post(app, cast.lea, cast.apollo, "three")
    assert _rail(web.get("/").text)["Project Apollo"] == 1

    bob = web.__class__(app, app.test_client()).login(cast.bob).get("/").text
    assert "My communities" in bob and "Coffee lovers" in _rail(bob)


def test_rail_counts_only_what_i_may_read_since_i_joined(app, cast, make_web):
    _post(app, cast.admin, cast.board, "secret before")
    page = make_web().login(cast.alice).get("/").text
    assert "Board" not in page  # a secret group I am not in
    with app.app_context(), db.transaction() as s:
        do_set_member(s, fresh(s, cast.admin), fresh(s, cast.board), fresh(s, cast.alice), "member")
    assert _rail(make_web().login(cast.alice).get("/").text)["Board"] == 0  # older posts are not new
    _post(app, cast.admin, cast.board, "secret after")
    assert _rail(make_web().login(cast.alice).get("/").text)["Board"] == 1


def test_rail_counts_up_to_a_hundred_and_shows_99_plus(app, cast, web):
    """A group never opened counts no further than the badge can show (COUNT_CAP)."""
    with app.app_context(), db.transaction() as s:
        lea, apollo = fresh(s, cast.lea), fresh(s, cast.apollo)
        for n in range(101):
            do_create_post(s, lea, apollo, f"news {n}")
    page = web.login(cast.alice).get("/").text
    rail = page[page.index('id="rail"'):]
    assert re.search(r'data-rail-count="100"[^>]*>.*?rail-new">99\+<', rail, re.S)


def test_rail_is_one_query_and_a_visit_without_news_writes_nothing(app, cast, web):
    _post(app, cast.lea, cast.apollo, "one")
    web.login(cast.alice)
    web.get(f"/groups/{cast.apollo.id}")
    statements: list[str] = []
    with app.app_context():
        engine = db.engine()
    listener = lambda *a: statements.append(a[2].lower())  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:  # outside any app context: each request has its own (and its own ``g``)
        assert web.get(f"/groups/{cast.apollo.id}").status_code == 200
        assert web.get("/people").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert not [s for s in statements if s.lstrip().startswith("update memberships")]
    rail = [s for s in statements if "last_seen_post_id" in s and s.lstrip().startswith("select")]
    assert len(rail) == 2  # one per page
    with app.app_context():
        seen = db.session.get(Membership, (cast.apollo.id, cast.alice.id)).last_seen_post_id
        assert seen is not None and seen > 0


def _picture(kind: str = "PNG", size: tuple[int, int] = (900, 600)) -> bytes:
    image = Image.new("RGB", size, (200, 40, 40))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    image.save(out, kind, exif=exif) if kind == "JPEG" else image.save(out, kind)
    return out.getvalue()


def test_a_lead_sets_a_cover_that_is_reencoded_and_served_through_access(app, cast, make_web):
    lea = make_web().login(cast.lea)
    sent = lea.post(f"/groups/{cast.apollo.id}/cover",
                    data={"cover": (io.BytesIO(_picture("JPEG")), "c.jpg")},
                    content_type="multipart/form-data")
    assert sent.status_code == 302
    with app.app_context():
        name = db.session.get(Group, cast.apollo.id).cover_file
    assert name and name.endswith(".jpg")
    served = lea.get(f"/groups/{cast.apollo.id}/cover?v={name}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert "max-age=86400" in served.headers["Cache-Control"]
    image = Image.open(io.BytesIO(served.data))
    assert image.size == (900, 300) and not image.getexif()  # cut to 3:1, metadata gone
    assert name in lea.get(f"/groups/{cast.apollo.id}").text
    assert name in lea.get("/groups").text

    assert make_web().login(cast.bob).get(f"/groups/{cast.apollo.id}/cover").status_code == 200  # listed
    board = make_web().login(cast.admin)
    board.post(f"/groups/{cast.board.id}/cover", data={"cover": (io.BytesIO(_picture()), "c.png")},
               content_type="multipart/form-data")
    assert board.get(f"/groups/{cast.board.id}/cover").status_code == 200
    assert make_web().login(cast.bob).get(f"/groups/{cast.board.id}/cover").status_code == 404  # secret

    removed = lea.post(f"/groups/{cast.apollo.id}/cover", data={"remove": "1"})
    assert removed.status_code == 302
    assert lea.get(f"/groups/{cast.apollo.id}/cover").status_code == 404


def test_covers_refuse_members_and_bad_files_with_a_clear_400(app, cast, make_web):
    alice = make_web().login(cast.alice)  # a member, not a lead
    refused = alice.post(f"/groups/{cast.apollo.id}/cover", data={"cover": (io.BytesIO(_picture()), "c.png")},
                         content_type="multipart/form-data")
    assert refused.status_code == 403
    lea = make_web().login(cast.lea)
    for data in (b"not a picture", _picture("BMP")):
        bad = lea.post(f"/groups/{cast.apollo.id}/cover", data={"cover": (io.BytesIO(data), "c.png")},
                       content_type="multipart/form-data", headers={"Accept": "application/json"})
        assert bad.status_code == 400 and bad.json["error"]["field"] == "cover", bad.json
    empty = lea.post(f"/groups/{cast.apollo.id}/cover", data={})
    assert empty.status_code == 400 and "Choose a picture" in empty.text
    with app.app_context():
        assert db.session.scalar(select(Group.cover_file).where(Group.id == cast.apollo.id)) is None


def test_the_api_gives_the_cover_address(app, cast, make_web):
    lea = make_web().login(cast.lea)
    assert lea.get(f"/api/v1/groups/{cast.apollo.id}").json["cover_url"] is None
    lea.post(f"/groups/{cast.apollo.id}/cover", data={"cover": (io.BytesIO(_picture()), "c.png")},
             content_type="multipart/form-data")
    url = lea.get(f"/api/v1/groups/{cast.apollo.id}").json["cover_url"]
    assert url.startswith(f"/groups/{cast.apollo.id}/cover?v=") and lea.get(url).status_code == 200
