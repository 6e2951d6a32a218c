"""What a group's page adds to the group: a lead's cover picture, and each member's last visit
(the side rail's "new since my last visit", ``queries/rail``)."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from intranet import access
from intranet.actions.common import audit
from intranet.actions.users import decode_picture
from intranet.models import Group, Membership, Post, User
from intranet.platform.errors import Forbidden, Invalid
from intranet.platform.events import after_commit
from intranet.platform.files import write_private

COVER_WIDTH, COVER_HEIGHT = 1200, 400  # at most; a wide band over the group's page and card
COVER_QUALITY = 82


def covers_folder() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "covers"


def do_set_group_cover(session: Session, actor: User, group: Group, data: bytes | None) -> None:
    """A lead sets (or, with ``None``, removes) the cover: the picture is decoded under the
    avatar's caps, cut to 3:1 around its centre, shrunk to at most 1200 x 400 and re-encoded as
    JPEG, which drops its metadata (EXIF, GPS) and anything hidden in the file."""
    if not access.can_manage_group(actor, group):
        raise Forbidden(_("Only the group's leads can change its cover."))
    name = None
    if data is not None:
        name = f"{group.id}-{secrets.token_hex(6)}.jpg"
        write_private(covers_folder() / name, _cover_jpeg(data))
    old, group.cover_file = group.cover_file, name
    audit(session, actor, "group.cover", "group", group.id, removed=name is None)
    if old:
        after_commit(session, lambda: (covers_folder() / old).unlink(missing_ok=True))


def _cover_jpeg(data: bytes) -> bytes:
    if len(data) > current_app.config["MAX_AVATAR_BYTES"] * 3:
        raise Invalid(_("The picture is too large (at most %(mb)d MB).",
                        mb=current_app.config["MAX_AVATAR_BYTES"] * 3 // 1048576), field="cover")
    try:
        image = decode_picture(data, COVER_WIDTH, "cover")
    except Image.DecompressionBombError as exc:
        raise Invalid(_("The picture is too large (at most 40 megapixels)."), field="cover") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise Invalid(_("This file is not a picture we can read."), field="cover") from exc
    image = image.convert("RGB")
    width, height = image.size
    band = min(height, width // 3) or 1  # the tallest 3:1 band the picture holds
    crop_w = min(width, band * 3)
    left, top = (width - crop_w) // 2, (height - band) // 2
    image = image.crop((left, top, left + crop_w, top + band))
    image.thumbnail((COVER_WIDTH, COVER_HEIGHT))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=COVER_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def do_mark_group_visited(session: Session, user: User, group: Group) -> None:
    """The member has seen the group's page as it is now: its newest post becomes their mark.
    One UPDATE that changes nothing when the mark is already there (no write for outsiders)."""
    newest = func.coalesce(select(func.max(Post.id)).where(Post.group_id == group.id).scalar_subquery(), 0)
    session.execute(update(Membership).where(
        Membership.user_id == user.id, Membership.group_id == group.id,
        or_(Membership.last_seen_post_id.is_(None), Membership.last_seen_post_id < newest),
    ).values(last_seen_post_id=newest).execution_options(synchronize_session=False))
