"""Personal data downloads: one's own from the profile, anyone's for an admin (GDPR art. 15/20).

The zip is built in a temporary file (``queries.personal_data``) and streamed from it; the file
is deleted once sent. Each download is audited.
"""

from __future__ import annotations

from flask import Response, send_file

from intranet import access
from intranet.actions.people import do_record_data_export
from intranet.models import User
from intranet.platform import db
from intranet.queries.personal_data import archive_name, build_archive
from intranet.views.common import me
from intranet.views.people_admin.pages import bp


def send_data(person: User) -> Response:
    """Audit, then stream the person's zip (shared by the pages and the API)."""
    with db.transaction() as s:
        do_record_data_export(s, person, acting_user=me())
    archive = build_archive(db.session, person)
    response = send_file(archive, mimetype="application/zip", as_attachment=True,
                         download_name=archive_name(person), max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/profile/data", methods=["GET"])
def mine() -> Response:
    return send_data(me())


@bp.route("/admin/users/<int:user_id>/data", methods=["GET"])
def someone(user_id: int) -> Response:
    return send_data(access.access_person_data(me(), user_id))
