"""My mail settings over the API: ``GET``/``PUT /api/v1/me/notification-settings`` (per kind,
per group, the digest), with their part of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _
from flask_login import login_required

from intranet import access
from intranet.actions.mail_kinds import KINDS
from intranet.actions.mail_prefs import Settings, do_set_mail_settings, settings_of
from intranet.models import DigestFrequency, GroupLevel, MailMode, User
from intranet.platform import db
from intranet.platform.errors import Invalid, NotFound
from intranet.platform.web import json_body
from intranet.views.api import bp
from intranet.views.api.openapi.document import op, register, write
from intranet.views.api.openapi.schemas import BOOL, STR, Schema, array, enum, obj
from intranet.views.api.params import me

FIELDS = {"kinds", "groups", "digest"}


def settings_json(user: User, current: Settings) -> dict[str, Any]:
    groups = access.my_group_names(user)
    return {
        "kinds": {key: mode.value for key, mode in current.kinds.items()},
        "groups": {str(gid): current.groups.get(gid, GroupLevel.ALL).value for gid in sorted(groups)},
        "digest": current.digest.value,
        "available": [{"kind": k.key, "label": str(k.label), "never_allowed": not k.always}
                      for k in KINDS.values()],
    }


@bp.get("/me/notification-settings")
@login_required
def get_notification_settings() -> Response:
    user = me()
    return jsonify(settings_json(user, settings_of(db.session(), user.id)))


@bp.put("/me/notification-settings")
@login_required
def put_notification_settings() -> Response:
    user = me()
    data = json_body()
    if unknown := sorted(set(data) - FIELDS):
        raise Invalid(_("Unknown field: %(name)s.", name=unknown[0]), field=unknown[0])
    kinds = _string_map(data, "kinds")
    groups = {_group_id(user, key): value for key, value in _string_map(data, "groups").items()}
    digest = data.get("digest")
    if digest is not None and not isinstance(digest, str):
        raise Invalid(_("%(name)s must be a string.", name="digest"), field="digest")
    with db.transaction() as s:
        current = do_set_mail_settings(s, user, kinds=kinds, groups=groups, digest=digest)
    return jsonify(settings_json(user, current))


def _string_map(data: dict[str, Any], name: str) -> dict[str, str]:
    value = data.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise Invalid(_("%(name)s must be an object of strings.", name=name), field=name)
    return value


def _group_id(user: User, key: str) -> int:
    if not key.isdigit() or int(key) not in access.memberships(user):
        raise NotFound(_("This group does not exist or you are not a member."))
    return int(key)


MODE = enum(*(m.value for m in MailMode))
LEVEL = enum(*(level.value for level in GroupLevel))
KIND_NAME: Schema = {"type": "string", "pattern": "^[a-z_]{1,30}$",
                     "description": "A kind listed in `available`."}
SCHEMAS: dict[str, Schema] = {
    "NotificationSettings": obj({
        "kinds": {"type": "object", "propertyNames": KIND_NAME, "additionalProperties": MODE,
                  "description": "Per kind: `immediately` (a mail after MAIL_DELAY_SECONDS unread), "
                                 "`digest` (in the daily or weekly digest) or `never`."},
        "groups": {"type": "object", "propertyNames": {"type": "string", "pattern": "^[0-9]+$"},
                   "additionalProperties": LEVEL,
                   "description": "Each of my groups by id: `all`, `mentions` (only mentions are mailed) "
                                  "or `muted` (no mail, no in-app notification except direct mentions)."},
        "digest": enum(*(f.value for f in DigestFrequency)),
        "available": array(obj({"kind": STR, "label": STR, "never_allowed": BOOL})),
    }),
    "NotificationSettingsUpdate": {
        "type": "object", "additionalProperties": False,
        "description": "Only what changes; a group set to `all` forgets its level.",
        "properties": {
            "kinds": {"type": "object", "propertyNames": KIND_NAME, "additionalProperties": MODE},
            "groups": {"type": "object", "propertyNames": {"type": "string", "pattern": "^[0-9]+$"},
                       "additionalProperties": LEVEL},
            "digest": enum(*(f.value for f in DigestFrequency)),
        },
    },
}
PATHS = {
    "/me/notification-settings": {
        "get": op("getNotificationSettings", "My mail settings: per kind, per group, the digest",
                  tag="notifications", answer="NotificationSettings"),
        "put": write(op("setNotificationSettings", "Change some of my mail settings", tag="notifications",
                        answer="NotificationSettings", body="NotificationSettingsUpdate", errors=(404,),
                        description="Announcements cannot be set to `never` (400).")),
    },
}
register(PATHS, {}, SCHEMAS)
